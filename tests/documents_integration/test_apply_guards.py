"""Apply refuses bad input with a clear message and writes nothing: a document for another
client (unless an audited override), a stale review, dates that contradict each other."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db.contracts_repo import ConflictError
from db.documents.apply import PartyMismatch, apply_to_contract
from db.documents.review import review_term
from db.documents.upload import store_upload
from db.models import AuditEntry, Contract, ExtractedTerm, SlaPolicy
from tests.factories import ADMIN, make_contract

TODAY = date(2026, 11, 23)


def _accept_all(session, document_id):
    for t in session.scalars(select(ExtractedTerm).where(ExtractedTerm.document_id == document_id)):
        if t.review_state == "pending":
            review_term(session=session, actor=ADMIN, term_id=t.id, action="accept")


@pytest.fixture
def foreign(session, pdfs):
    """msa_sla (for its own customer) uploaded, and a contract of another client."""
    data, expected = pdfs["msa_sla"]
    _, contract = make_contract(
        session, name="Bluewater Logistics", start_date=date(2025, 9, 1), end_date=date(2026, 8, 31)
    )
    doc = store_upload(session=session, actor=ADMIN, filename="msa.pdf", data=data).document_id
    _accept_all(session, doc)
    return doc, contract, expected


def _apply(session, doc, contract, **kw):
    return apply_to_contract(
        session=session,
        actor=ADMIN,
        document_id=doc,
        contract_id=contract.id,
        expected_version=contract.version,
        today=TODAY,
        **kw,
    )


def test_document_of_another_client_is_refused(session, foreign):
    doc, contract, expected = foreign
    before = (contract.start_date, contract.end_date, contract.version)
    with pytest.raises(PartyMismatch, match="Bluewater Logistics"):
        _apply(session, doc, contract)
    session.refresh(contract)
    assert (contract.start_date, contract.end_date, contract.version) == before
    assert session.scalar(select(func.count(SlaPolicy.id))) == 0


def test_override_applies_and_is_audited_with_who_and_why(session, foreign):
    doc, contract, _ = foreign
    _apply(session, doc, contract, party_override="Bluewater trades as the document's customer")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "apply_party_override"))
    assert entry.username == ADMIN.username and "trades as" in entry.new_value


def test_stale_review_is_refused(session, foreign):
    doc, contract, _ = foreign
    stale = contract.version
    contract.title = "Edited by someone else"
    session.flush()
    with pytest.raises(ConflictError, match="changed by someone else"):
        apply_to_contract(
            session=session,
            actor=ADMIN,
            document_id=doc,
            contract_id=contract.id,
            expected_version=stale,
            today=TODAY,
            party_override="same client",
        )
    assert session.scalar(select(func.count(SlaPolicy.id))) == 0


def test_end_before_start_is_refused_and_nothing_written(session, foreign):
    doc, contract, _ = foreign
    end = session.scalar(
        select(ExtractedTerm).where(
            ExtractedTerm.document_id == doc, ExtractedTerm.field == "expiration_date"
        )
    )
    review_term(
        session=session, actor=ADMIN, term_id=end.id, action="correct", corrected_value="2020-01-01"
    )
    version = contract.version
    with pytest.raises(ValueError, match="not after start date"):
        _apply(session, doc, contract, party_override="same client")
    assert session.get(Contract, contract.id).version == version
    assert session.scalar(select(func.count(SlaPolicy.id))) == 0


def test_accept_all_above_a_confidence(session, pdfs):
    from db.documents.review import accept_pending

    data, _ = pdfs["managed_prose"]
    doc = store_upload(session=session, actor=ADMIN, filename="m.pdf", data=data).document_id
    terms = list(session.scalars(select(ExtractedTerm).where(ExtractedTerm.document_id == doc)))
    pending = [t for t in terms if t.review_state == "pending"]
    high = [t for t in pending if t.confidence >= 0.9]
    assert accept_pending(session=session, actor=ADMIN, document_id=doc, min_confidence=0.9) == len(
        high
    )
    assert {t.id for t in high} == {
        t.id for t in pending if session.get(ExtractedTerm, t.id).review_state == "accepted"
    }
    rest = accept_pending(session=session, actor=ADMIN, document_id=doc)
    assert rest == len(pending) - len(high)
    assert session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.entity == "extracted_term", AuditEntry.action == "accept"
        )
    ) == len(pending)


def test_extra_mappers_run_inside_apply(session, foreign, monkeypatch):
    from db.documents import apply_homes

    seen = {}

    def mapper(session, contract, terms, *, effective_from, document_id, actor):
        seen.update(pages=len(terms["pages"]), effective_from=effective_from, doc=document_id)
        return [{"field": "probe", "old": None, "new": "x", "page": 1}]

    monkeypatch.setattr(apply_homes, "EXTRA_MAPPERS", [mapper])
    doc, contract, expected = foreign
    result = _apply(session, doc, contract, party_override="same client")
    assert seen == {"pages": 3, "doc": doc,
                    "effective_from": date.fromisoformat(expected.effective_date)}
    assert result.rows == [{"field": "probe", "old": None, "new": "x", "page": 1}]
