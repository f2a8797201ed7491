"""store_many on both backends: a mixed batch (good, duplicate, empty, corrupt, encrypted)
comes back in input order with the same outcome as store_upload file by file; extraction
runs in two worker processes; one file that cannot be stored loses no other."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from access.roles import PermissionDenied
from db.contracts_repo import NotFound
from db.documents import batch as batch_module
from db.documents.batch import store_many
from db.documents.upload import store_upload
from db.engine import session_factory, session_scope
from db.models import ContractDocument, ExtractedTerm, Setting
from demo.contract_pdfs import write_demo_set
from tests.conftest import empty_all_tables
from tests.documents_integration.conftest import DATA
from tests.factories import ADMIN, actor, make_contract


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Four generated two-page contracts: [(name, bytes, expected terms)]."""
    folder = tmp_path_factory.mktemp("many")
    return [
        (path.name, path.read_bytes(), expected)
        for path, expected in write_demo_set(folder, 4, seed=11, pages=2)
    ]


@pytest.fixture
def batch(generated):
    """Good files, an in-batch copy, a zero-byte, a corrupt and an encrypted PDF."""
    good = [(name, data) for name, data, _ in generated]
    return [
        good[0],
        ("empty.pdf", b""),
        good[1],
        ("copy-of-first.pdf", good[0][1]),
        ("truncated.pdf", (DATA / "truncated.pdf").read_bytes()),
        good[2],
        ("encrypted.pdf", (DATA / "encrypted.pdf").read_bytes()),
        good[3],
    ]


STATUSES = ["ok", "failed", "ok", "duplicate", "failed", "ok", "failed", "ok"]
CODES = [None, "empty_file", None, None, "corrupt_pdf", None, "encrypted_pdf", None]


def _store_many(engine, files, **kw):
    calls = []
    results = store_many(
        engine_or_session_factory=engine,
        actor=ADMIN,
        files=files,
        progress=lambda *args: calls.append(args),
        **kw,
    )
    return results, calls


def _snapshot(engine) -> dict[str, tuple]:
    """Every stored document by file name: its columns and its term rows (ids left out)."""
    with session_factory(engine)() as s:
        out = {}
        for doc in s.scalars(select(ContractDocument)):
            rows = s.scalars(
                select(ExtractedTerm)
                .where(ExtractedTerm.document_id == doc.id)
                .order_by(ExtractedTerm.field)
            )
            terms = [
                (
                    t.field,
                    t.value,
                    t.normalized,
                    round(t.confidence, 6),
                    t.page,
                    t.span_start,
                    t.span_end,
                    t.snippet,
                    t.review_state,
                    t.contract_id,
                )
                for t in rows
            ]
            out[doc.filename] = (
                doc.sha256,
                doc.size_bytes,
                doc.extraction_status,
                doc.extraction_error,
                doc.page_count,
                doc.doc_type,
                doc.text,
                doc.client_id,
                doc.contract_id,
                terms,
            )
        return out


def _summary(results, engine) -> list[tuple]:
    """What each result says, with a duplicate's original given by file name (ids differ)."""
    with session_factory(engine)() as s:
        names = dict(s.execute(select(ContractDocument.id, ContractDocument.filename)).all())
    return [
        (
            r.filename,
            r.status,
            r.error_code,
            r.message.replace(f"document {r.duplicate_of}", "document ?"),
            names.get(r.duplicate_of),
            r.client_id,
            r.contract_id,
            r.customer_name,
            r.client_score,
            len(r.terms.terms()) if r.terms else 0,
        )
        for r in results
    ]


def test_mixed_batch_comes_back_in_input_order_with_every_file_kept(
    engine, batch, generated, monkeypatch
):
    monkeypatch.setattr(batch_module, "PARALLEL_FROM", 2)  # two worker processes here
    results, calls = _store_many(engine, batch, workers=2)
    assert [r.filename for r in results] == [name for name, _ in batch]
    assert [r.status for r in results] == STATUSES
    assert [r.error_code for r in results] == CODES
    assert results[1].message.startswith("empty.pdf: the file is empty (0 bytes)")
    assert results[4].message.startswith("truncated.pdf: the PDF is damaged")
    assert results[6].needs_password and "Enter its password" in results[6].message
    assert "already uploaded as" in results[3].message
    assert results[3].duplicate_of == results[0].document_id

    assert sorted(i for i, *_ in calls) == list(range(1, len(batch) + 1))
    assert {n for _, n, *_ in calls} == {len(batch)}
    assert sorted(name for _, _, name, _ in calls) == sorted(name for name, _ in batch)
    assert all(
        r is results[[x.filename for x in results].index(name)]
        for *_, name, r in [(c[0], c[2], c[3]) for c in calls]
    )

    with session_scope(engine) as s:
        docs = {d.filename: d for d in s.scalars(select(ContractDocument))}
        assert set(docs) == {name for name, _ in batch} - {"copy-of-first.pdf"}
        for name, data in batch:
            if name != "copy-of-first.pdf":
                doc = docs[name]
                assert doc.content == data
                assert doc.sha256 == hashlib.sha256(data).hexdigest()
        for r, (name, _, expected) in zip(
            [results[i] for i in (0, 2, 5, 7)], generated, strict=True
        ):
            doc = docs[name]
            assert (doc.extraction_status, doc.page_count) == ("ok", expected.pages)
            stored = set(
                s.scalars(select(ExtractedTerm.field).where(ExtractedTerm.document_id == doc.id))
            )
            assert stored == set(r.terms.terms()) and stored
            assert r.customer_name == expected.customer
        assert docs["encrypted.pdf"].extraction_status == "failed"


def test_same_outcome_as_store_upload_file_by_file(engine, batch, generated):
    def setup():
        _, expected = generated[1][0], generated[1][2]
        with session_scope(engine) as s:
            make_contract(s, name=expected.customer)  # a client and its only contract to attach
            s.add(Setting(key="review.auto_accept_confidence", value=0.8))

    setup()
    many, _ = _store_many(engine, batch, workers=2)
    after_many = _snapshot(engine), _summary(many, engine)
    assert many[2].client_id is not None and many[2].contract_id is not None

    empty_all_tables(engine)
    setup()
    one_by_one = []
    for name, data in batch:
        with session_scope(engine) as s:
            one_by_one.append(store_upload(session=s, actor=ADMIN, filename=name, data=data))
    after_one = _snapshot(engine), _summary(one_by_one, engine)

    assert after_many[1] == after_one[1]
    assert after_many[0] == after_one[0]
    states = {t[8] for doc in after_many[0].values() for t in doc[-1]}
    assert states == {"auto_accepted", "pending"}


def test_duplicate_of_a_stored_document_and_oversized_file_are_not_extracted(
    engine, generated, monkeypatch
):
    name, data, _ = generated[0]
    with session_scope(engine) as s:
        first = store_upload(session=s, actor=ADMIN, filename=name, data=data)
        s.add(Setting(key="upload.max_mb", value=0.001))  # 1,000 bytes
    sent = []
    real = batch_module.extract_many

    def spy(items, **kw):
        sent.extend(items)
        return real(items, **kw)

    monkeypatch.setattr(batch_module, "extract_many", spy)
    files = [("again.pdf", data), ("big.pdf", generated[1][1]), ("tiny.pdf", b"%PDF-1.4 x")]
    results, calls = _store_many(engine, files, workers=1)
    assert [r.status for r in results] == ["duplicate", "failed", "failed"]
    assert results[0].duplicate_of == first.document_id
    assert results[1].error_code == "too_large" and "limit" in results[1].message
    assert sent == [b"%PDF-1.4 x"]  # only the new file within the limit was extracted
    assert len(calls) == 3
    with session_scope(engine) as s:
        big = s.scalar(select(ContractDocument).where(ContractDocument.filename == "big.pdf"))
        assert big.content == generated[1][1] and big.extraction_status == "failed"


def test_a_file_that_cannot_be_stored_loses_no_other(engine, generated, monkeypatch):
    real = batch_module.store_extracted

    def flaky(**kw):
        if kw["filename"] == "boom.pdf":
            kw["session"].add(ContractDocument(filename="x", sha256="y", size_bytes=0))
            kw["session"].flush()  # content is NOT NULL: the database refuses it
        return real(**kw)

    monkeypatch.setattr(batch_module, "store_extracted", flaky)
    files = [(name, data) for name, data, _ in generated[:2]]
    files.insert(1, ("boom.pdf", generated[2][1]))
    results, calls = _store_many(engine, files, workers=2)
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    assert results[1].message.startswith("boom.pdf: not stored (")
    # issue 18: the store's SQL and parameters are logged, never shown to the uploader
    assert "INSERT" not in results[1].message and "content" not in results[1].message
    assert len(calls) == 3
    with session_scope(engine) as s:
        names = set(s.scalars(select(ContractDocument.filename)))
    assert names == {files[0][0], files[2][0]}


def test_batch_refuses_unknown_client_and_roles_without_upload(engine, generated):
    files = [(generated[0][0], generated[0][1])]
    with pytest.raises(NotFound):
        store_many(engine_or_session_factory=engine, actor=ADMIN, files=files, client_id=999)
    with pytest.raises(PermissionDenied):
        store_many(engine_or_session_factory=engine, actor=actor("executive"), files=files)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(ContractDocument)) == 0


def test_explicit_client_and_session_factory(engine, generated):
    with session_scope(engine) as s:
        client, contract = make_contract(s, name="Somebody Else Ltd")
        client_id, contract_id = client.id, contract.id
    files = [(name, data) for name, data, _ in generated[:2]] + [("empty.pdf", b"")]
    results, _ = _store_many(session_factory(engine), files, client_id=client_id, workers=2)
    assert [(r.client_id, r.contract_id) for r in results] == [(client_id, contract_id)] * 3
    assert [r.status for r in results] == ["ok", "ok", "failed"]


def test_empty_batch(engine):
    assert _store_many(engine, []) == ([], [])
