"""Terms at or above the auto-accept threshold go live at upload when the document has its
contract; everything below waits for review (both backends)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from db.documents.upload import store_upload
from db.models import AuditEntry, ExtractedTerm, Setting
from tests.factories import ADMIN, make_contract

START, END = date(2025, 9, 1), date(2026, 8, 31)


def _contract(session, expected, **kw):
    return make_contract(session, name=expected.customer, start_date=START, end_date=END, **kw)


def test_auto_accepted_terms_are_applied_and_the_rest_wait(session, pdfs):
    data, expected = pdfs["msa_sla"]
    _, contract = _contract(session, expected)
    version = contract.version
    r = store_upload(session=session, actor=ADMIN, filename="msa.pdf", data=data)
    session.refresh(contract)

    states = dict(session.execute(select(ExtractedTerm.field, ExtractedTerm.review_state)).all())
    assert states["effective_date"] == "auto_accepted"
    assert states["expiration_date"] == "pending"
    assert contract.start_date == date.fromisoformat(expected.effective_date)  # live now
    assert contract.end_date == END  # pending: not applied
    assert contract.version > version
    assert any("start date" in a for a in r.applied) and "Applied to contract" in r.message
    audit = session.scalars(
        select(AuditEntry.new_value).where(AuditEntry.action == "apply_terms")
    ).all()
    assert len(audit) == 1 and "start date" in audit[0]


def test_nothing_goes_live_above_a_threshold_no_term_reaches(session, pdfs):
    data, expected = pdfs["msa_sla"]
    session.add(Setting(key="review.auto_accept_confidence", value=1.0))
    _, contract = _contract(session, expected)
    r = store_upload(session=session, actor=ADMIN, filename="msa.pdf", data=data)
    session.refresh(contract)
    assert r.applied == [] and contract.start_date == START
    assert "auto_accepted" not in set(session.scalars(select(ExtractedTerm.review_state)))


def test_without_its_contract_auto_accepted_terms_wait(session, pdfs):
    data, expected = pdfs["msa_sla"]
    client, first = _contract(session, expected)
    from db.contracts_repo import create_contract
    from tests.factories import contract_input

    create_contract(session=session, actor=ADMIN,
                    data=contract_input(client.id, reference="C-2"))  # fmt: skip
    r = store_upload(session=session, actor=ADMIN, filename="msa.pdf", data=data)
    session.refresh(first)
    assert r.contract_id is None and r.applied == []
    assert first.start_date == START


def test_terms_that_would_break_the_contract_change_nothing_and_wait(session, pdfs):
    data, expected = pdfs["msa_sla"]
    effective = date.fromisoformat(expected.effective_date)
    _, contract = make_contract(
        session, name=expected.customer, start_date=START, end_date=effective - timedelta(days=1)
    )  # ends before the document's effective date: applying it would be invalid
    version = contract.version
    r = store_upload(session=session, actor=ADMIN, filename="msa.pdf", data=data)
    session.commit()
    session.refresh(contract)
    assert r.status == "ok" and r.applied == []
    assert any("not applied" in w and "review them" in w for w in r.warnings)
    assert (contract.start_date, contract.version) == (START, version)
    assert session.scalar(select(ExtractedTerm.review_state).where(
        ExtractedTerm.field == "effective_date")) == "auto_accepted"  # fmt: skip
    assert not session.scalars(
        select(AuditEntry.id).where(AuditEntry.action == "apply_terms")
    ).all()
