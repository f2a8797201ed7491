"""store_upload on both backends: every bad input is kept with a clear message; duplicates,
size limit, ZIPs, auto-accept threshold and client matching."""

from __future__ import annotations

import hashlib
import io
import shutil
import zipfile

import pytest
from sqlalchemy import func, select

from access.roles import PermissionDenied
from db.clients_repo import create_client
from db.documents.archives import expand_uploads
from db.documents.clients import assign_client
from db.documents.settings import upload_limit
from db.documents.upload import retry_extraction, store_upload
from db.models import AuditEntry, Client, ContractDocument, ExtractedTerm, Setting
from tests.documents_integration.conftest import DATA, PASSWORD
from tests.factories import ADMIN, actor, make_contract

SCAN = (
    ("scanned.pdf", "no_text_layer", "no text layer: needs OCR")
    if shutil.which("ocrmypdf") is None
    else ()
)
BAD = [
    ("empty.pdf", "empty_file", "the file is empty (0 bytes)"),
    ("really_a_png.pdf", "not_a_pdf", "this is not a PDF (it looks like a PNG image)"),
    ("truncated.pdf", "corrupt_pdf", "the PDF is damaged and cannot be read"),
    ("encrypted.pdf", "encrypted_pdf", "Enter its password"),
    *([SCAN] if SCAN else []),
]


def _store(session, name, data, **kw):
    return store_upload(session=session, actor=ADMIN, filename=name, data=data, **kw)


@pytest.mark.parametrize(("name", "code", "says"), BAD)
def test_bad_file_is_kept_with_a_clear_message(session, name, code, says):
    data = (DATA / name).read_bytes()
    r = _store(session, name, data)
    assert (r.status, r.error_code) == ("failed", code)
    assert r.message.startswith(f"{name}: ") and says in r.message
    doc = session.get(ContractDocument, r.document_id)
    assert doc.content == data and doc.size_bytes == len(data)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert (doc.extraction_status, doc.extraction_error) == ("failed", r.message)
    assert session.scalar(select(func.count()).select_from(ExtractedTerm)) == 0
    assert r.needs_password == (code == "encrypted_pdf")


def test_one_bad_file_never_stops_the_batch(session, pdfs):
    files = [
        ("empty.pdf", b""),
        ("good.pdf", pdfs["msa_sla"][0]),
        ("fake.pdf", (DATA / "really_a_png.pdf").read_bytes()),
        ("nda.pdf", pdfs["nda"][0]),
    ]
    results = [_store(session, f.name, f.data) for f in expand_uploads(files, max_bytes=10**7)]
    assert [r.status for r in results] == ["failed", "ok", "failed", "ok"]
    assert session.scalar(select(func.count()).select_from(ContractDocument)) == 4


def test_encrypted_pdf_opens_with_its_password_and_says_when_it_is_wrong(session):
    data = (DATA / "encrypted.pdf").read_bytes()
    wrong = _store(session, "encrypted.pdf", data, password="guess")
    assert wrong.status == "failed" and "password is wrong" in wrong.message
    again = retry_extraction(
        session=session, actor=ADMIN, document_id=wrong.document_id, password=PASSWORD
    )
    assert again.status == "ok" and again.terms.governing_law is not None
    doc = session.get(ContractDocument, wrong.document_id)
    assert doc.extraction_status == "ok" and doc.extraction_error is None and doc.page_count


def test_encrypted_pdf_with_password_on_upload(session):
    r = _store(session, "encrypted.pdf", (DATA / "encrypted.pdf").read_bytes(), password=PASSWORD)
    assert r.status == "ok"


def test_oversized_file_is_kept_and_refused_with_the_limit(session):
    session.add(Setting(key="upload.max_mb", value=0.001))  # 1,000 bytes
    session.flush()
    data = (DATA / "managed_services.pdf").read_bytes()
    r = _store(session, "big.pdf", data)
    assert (r.status, r.error_code) == ("failed", "too_large")
    assert "above the 0 MB limit" in r.message or "limit" in r.message
    assert session.get(ContractDocument, r.document_id).content == data


@pytest.mark.parametrize("value", ["lots", -3, [1], True])
def test_malformed_size_setting_says_so_and_uses_the_default(session, value):
    session.add(Setting(key="upload.max_mb", value=value))
    session.flush()
    limit, warning = upload_limit(session=session)
    assert limit == 50_000_000
    assert "upload.max_mb is malformed" in warning and "default 50" in warning


def test_duplicate_is_reported_not_stored_twice(session, pdfs):
    data = pdfs["msa_sla"][0]
    first = _store(session, "a.pdf", data)
    second = _store(session, "b.pdf", data)
    assert (second.status, second.duplicate_of, second.document_id) == (
        "duplicate",
        first.document_id,
        None,
    )
    assert "already uploaded as 'a.pdf'" in second.message
    assert session.scalar(select(func.count()).select_from(ContractDocument)) == 1


def test_text_and_page_count_are_stored_for_search(session, pdfs):
    data, expected = pdfs["msa_sla"]
    r = _store(session, "msa.pdf", data)
    doc = session.get(ContractDocument, r.document_id)
    assert doc.page_count == expected.pages == r.terms.page_count
    assert doc.text.split("\f") == r.terms.pages
    assert expected.customer in doc.text
    assert doc.doc_type == "MSA"


def test_each_field_is_stored_with_provenance(session, pdfs):
    r = _store(session, "msa.pdf", pdfs["msa_sla"][0])
    rows = {t.field: t for t in session.scalars(select(ExtractedTerm))}
    assert set(rows) == set(r.terms.terms())
    law = r.terms.governing_law
    row = rows["governing_law"]
    assert (row.value, row.normalized, row.page, row.span_start, row.span_end, row.snippet) == (
        law.value,
        law.normalized,
        law.page,
        law.start,
        law.end,
        law.snippet,
    )
    assert row.confidence == pytest.approx(law.confidence)
    assert rows["sla_targets"].normalized["P1"]["response"] == {"n": 30, "unit": "minute"}


@pytest.mark.parametrize(("threshold", "expected_auto"), [(None, 0.95), (0.8, 0.8)])
def test_auto_accept_threshold(session, pdfs, threshold, expected_auto):
    if threshold is not None:
        session.add(Setting(key="review.auto_accept_confidence", value=threshold))
        session.flush()
    _store(session, "msa.pdf", pdfs["msa_sla"][0])
    terms = list(session.scalars(select(ExtractedTerm)))
    for t in terms:
        assert t.review_state == ("auto_accepted" if t.confidence >= expected_auto else "pending")
    assert {t.review_state for t in terms} == {"auto_accepted", "pending"}


def test_malformed_threshold_uses_the_default_and_warns(session, pdfs):
    session.add(Setting(key="review.auto_accept_confidence", value="high"))
    session.flush()
    r = _store(session, "msa.pdf", pdfs["msa_sla"][0])
    assert any("review.auto_accept_confidence is malformed" in w for w in r.warnings)


def test_client_is_matched_fuzzily_and_its_only_contract_attached(session, pdfs):
    data, expected = pdfs["msa_sla"]  # customer: Tailspin Manufacturing Corp.
    client, contract = make_contract(session, name="Tailspin Manufacturing")
    r = _store(session, "msa.pdf", data)
    assert (r.client_id, r.contract_id) == (client.id, contract.id)
    assert r.client_score >= 90
    assert {t.contract_id for t in session.scalars(select(ExtractedTerm))} == {contract.id}


def test_two_live_contracts_leave_the_contract_to_the_reviewer(session, pdfs):
    client, _ = make_contract(session, name="Tailspin Manufacturing Corp")
    from db.contracts_repo import create_contract
    from tests.factories import contract_input

    create_contract(session=session, actor=ADMIN, data=contract_input(client.id, reference="C-2"))
    r = _store(session, "msa.pdf", pdfs["msa_sla"][0])
    assert (r.client_id, r.contract_id) == (client.id, None)


def test_no_match_suggests_a_new_client_from_the_customer(session, pdfs):
    create_client(session=session, actor=ADMIN, name="Alpine Dental")
    r = _store(session, "msa.pdf", pdfs["msa_sla"][0])
    assert (r.client_id, r.customer_name) == (None, "Tailspin Manufacturing Corp.")
    done = assign_client(
        session=session, actor=ADMIN, document_id=r.document_id, new_client_name=r.customer_name
    )
    client = session.get(Client, done.client_id)
    assert client.name == "Tailspin Manufacturing Corp."
    assert session.get(ContractDocument, r.document_id).client_id == client.id
    assert session.scalar(
        select(AuditEntry.new_value).where(
            AuditEntry.entity == "document", AuditEntry.field == "client_id"
        )
    ) == str(client.id)


def test_explicit_client_is_used_even_when_extraction_fails(session):
    client, contract = make_contract(session)
    r = _store(session, "empty.pdf", b"", client_id=client.id)
    assert (r.status, r.client_id, r.contract_id) == ("failed", client.id, contract.id)


@pytest.mark.parametrize("role", ["executive", "technician"])
def test_roles_without_upload_permission_are_refused(session, role):
    with pytest.raises(PermissionDenied):
        store_upload(session=session, actor=actor(role), filename="x.pdf", data=b"%PDF")
    assert session.scalar(select(func.count()).select_from(ContractDocument)) == 0


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            if name.endswith("/"):
                z.writestr(zipfile.ZipInfo(name), b"")
            else:
                z.writestr(name, data)
    return buf.getvalue()


def test_zip_entries_are_expanded_and_folders_skipped(pdfs):
    archive = _zip(
        {
            "contracts/": b"",
            "contracts/a.pdf": pdfs["nda"][0],
            "contracts/b.pdf": b"",
            "__MACOSX/._a.pdf": b"x",
        }
    )
    files = expand_uploads([("batch.zip", archive), ("c.pdf", b"%PDF")], max_bytes=10**7)
    assert [(f.name, f.source, f.error) for f in files] == [
        ("a.pdf", "batch.zip", None),
        ("b.pdf", "batch.zip", None),
        ("c.pdf", "c.pdf", None),
    ]
    assert files[0].data == pdfs["nda"][0]


def test_zip_with_too_many_entries_is_refused():
    archive = _zip({f"f{i}.pdf": b"%PDF" for i in range(501)})
    [only] = expand_uploads([("many.zip", archive)], max_bytes=10**7)
    assert "holds 501 files, more than 500" in only.error


def test_zip_bomb_is_refused_before_unpacking():
    archive = _zip({"bomb.pdf": b"\0" * 2_000_000})  # compresses to a few KB
    assert len(archive) < 20_000
    [only] = expand_uploads([("bomb.zip", archive)], max_bytes=100_000)
    assert "unpacks to 2 MB, above 1 MB" in only.error
