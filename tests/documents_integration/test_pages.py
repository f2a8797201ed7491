"""Upload and review pages under AppTest, on a private copy of the seeded page-test store."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.clients_repo import create_client
from db.contracts_repo import create_contract
from db.documents.upload import store_upload
from db.engine import open_store, session_scope
from db.models import AuditEntry, Client, Contract, ContractDocument, ExtractedTerm, SlaPolicy
from safe.text import md
from tests.documents_integration.conftest import DATA, PASSWORD
from tests.factories import ADMIN, contract_input
from tests.pages.conftest import ADMIN as ADMIN_LOGIN
from tests.pages.conftest import EXEC, MANAGER, TECH, page

PAGES = ["pages/upload.py", "pages/review.py"]


def _upload(url: str, name: str, data: bytes, **kw):
    with session_scope(open_store(url)) as s:
        return store_upload(session=s, actor=ADMIN, filename=name, data=data, **kw)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(
    ("user", "allowed"), [(ADMIN_LOGIN, True), (MANAGER, True), (EXEC, False), (TECH, False)]
)
def test_pages_enforce_their_roles(store_env, path, user, allowed):
    at = page(path, store_env, user=user).run()
    assert not at.exception
    denied = [e.value for e in at.error if "may not" in e.value]
    assert bool(denied) != allowed
    if not allowed:
        assert len(at.button) == 0 and len(at.selectbox) == 0


@pytest.mark.parametrize("path", PAGES)
def test_pages_refuse_anonymous_callers(store_env, path):
    at = page(path, store_env).run()
    assert [e.value for e in at.error] == ["Please log in first."]


def test_upload_page_shows_the_limit_and_the_uploader(store_env):
    at = page("pages/upload.py", store_env, user=ADMIN_LOGIN).run()
    assert at.title[0].value == "Upload contracts"
    assert "up to 50 MB per file" in at.caption[0].value
    assert at.selectbox[0].label == "Client for these files (optional)"


def test_upload_results_confirm_a_new_client(store_env, pdfs):
    r = _upload(store_env, "msa.pdf", pdfs["msa_sla"][0])
    assert r.client_id is None
    at = page("pages/upload.py", store_env, user=ADMIN_LOGIN)
    at.session_state["upload_results"] = [
        {
            "document": r.document_id,
            "file": "msa.pdf",
            "status": "ok",
            "message": r.message,
            "client_id": None,
            "client": None,
            "match": None,
            "customer": r.customer_name,
            "contract_id": None,
            "terms": 25,
            "needs_password": False,
            "confirmed": False,
        }
    ]
    at.run()
    select_box = at.selectbox(key=f"client-{r.document_id}")
    assert select_box.format_func(select_box.value) == "Create new client: " + r.customer_name
    at.button(key=f"confirm-{r.document_id}").click().run()
    assert not at.exception
    with session_scope(open_store(store_env)) as s:
        client = s.scalar(select(Client).where(Client.name == r.customer_name))
        assert s.get(ContractDocument, r.document_id).client_id == client.id


def test_upload_results_retry_an_encrypted_file_with_its_password(store_env):
    r = _upload(store_env, "encrypted.pdf", (DATA / "encrypted.pdf").read_bytes())
    assert r.needs_password
    at = page("pages/upload.py", store_env, user=ADMIN_LOGIN)
    at.session_state["upload_results"] = [
        {
            "document": r.document_id,
            "file": "encrypted.pdf",
            "status": "failed",
            "message": r.message,
            "terms": 0,
            "needs_password": True,
            "confirmed": False,
        }
    ]
    at.run()
    at.text_input(key=f"pw-{r.document_id}").input(PASSWORD).run()
    at.button(key=f"retry-{r.document_id}").click().run()
    assert not at.exception
    with session_scope(open_store(store_env)) as s:
        assert s.get(ContractDocument, r.document_id).extraction_status == "ok"


@pytest.fixture
def reviewable(store_env, pdfs):
    """The msa_sla PDF uploaded for a new client with one contract."""
    data, expected = pdfs["msa_sla"]
    with session_scope(open_store(store_env)) as s:
        client = create_client(session=s, actor=ADMIN, name=expected.customer)
        contract = create_contract(
            session=s,
            actor=ADMIN,
            data=contract_input(
                client.id, reference="UP-1", start_date=date(2025, 9, 1), end_date=date(2026, 8, 31)
            ),
        )
        contract_id = contract.id
    r = _upload(store_env, "msa.pdf", data)
    assert r.contract_id == contract_id
    return r.document_id, contract_id


def test_review_page_accepts_a_field_and_applies_to_the_contract(store_env, reviewable):
    doc_id, contract_id = reviewable
    at = page("pages/review.py", store_env, user=ADMIN_LOGIN, query={"doc": str(doc_id)}).run()
    assert not at.exception
    assert at.selectbox[0].value == doc_id
    [image] = at.get("image")  # the page image beside the fields
    assert "boxed in red" in image.captions[0]
    with session_scope(open_store(store_env)) as s:
        terms = {
            t.field: t.id
            for t in s.scalars(select(ExtractedTerm).where(ExtractedTerm.document_id == doc_id))
        }
    at.radio(key=f"field-{doc_id}").set_value(terms["notice_period"]).run()
    at.number_input(key=f"edit-{terms['notice_period']}-n").set_value(45)
    at.selectbox(key=f"edit-{terms['notice_period']}-unit").set_value("day")
    at.button(key=f"accept-{terms['notice_period']}").click().run()
    assert not at.exception
    at.radio(key=f"field-{doc_id}").set_value(terms["sla_targets"]).run()
    at.button(key=f"accept-{terms['sla_targets']}").click().run()
    at.button(key=f"reject-{next(iter(terms.values()))}")  # every field has its own buttons
    # Apply is offered only once the preview shows what would change
    assert not [b for b in at.button if b.label == "Apply accepted terms to contract"]
    at.button(key=f"preview-{doc_id}").click().run()
    assert not at.exception, at.exception
    assert [h.value for h in at.subheader] == ["Preview: what Apply would change"]
    diff = next(d.value for d in at.dataframe if "field" in d.value.columns).set_index("field")
    assert diff.loc["notice days", "current"] != "45"
    assert diff.loc["notice days", "proposed"] == "45"
    assert any(m.value.startswith("**Tickets whose SLA result changes:") for m in at.markdown)
    with session_scope(open_store(store_env)) as s:  # the preview wrote nothing
        assert s.get(Contract, contract_id).notice_days != 45
    apply = next(b for b in at.button if b.label == "Apply accepted terms to contract")
    apply.click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Applied:") for s in at.success)
    with session_scope(open_store(store_env)) as s:
        assert s.get(Contract, contract_id).notice_days == 45
        assert s.scalar(select(SlaPolicy.id).where(SlaPolicy.contract_id == contract_id))
        actions = set(
            s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "extracted_term"))
        )
        assert actions == {"correct", "accept", "auto_accept"}  # auto-accepts are marked


def test_review_page_escapes_document_text(store_env, reviewable):
    doc_id, _ = reviewable
    at = page("pages/review.py", store_env, user=ADMIN_LOGIN, query={"doc": str(doc_id)}).run()
    panel = next(m.value for m in at.markdown if "<mark>" in m.value)
    assert panel.count("<mark>") == 1 and "<script" not in panel


def test_review_page_shows_why_a_failed_document_has_no_terms(store_env):
    r = _upload(store_env, "empty.pdf", b"")
    at = page(
        "pages/review.py", store_env, user=ADMIN_LOGIN, query={"doc": str(r.document_id)}
    ).run()
    assert [e.value for e in at.error] == [md(r.message)]  # document text is escaped
