"""Review on both backends: accept / correct / reject audited; apply writes the contract and a
new SLA policy version; only reviewed (or auto-accepted) terms go live."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from access.roles import PermissionDenied
from contracts.term import term_at
from db.contracts_repo import ConflictError
from db.documents.apply import apply_to_contract
from db.documents.preview import snippet_boxes, term_preview
from db.documents.review import document_review, review_queue, review_term
from db.documents.upload import store_upload
from db.documents.values import parse_correction
from db.models import AuditEntry, Calendar, Contract, ExtractedTerm, SlaPolicy
from tests.factories import ADMIN, actor, make_contract

TODAY = date(2026, 11, 23)


@pytest.fixture
def uploaded(session, pdfs):
    """msa_sla uploaded for a client with one contract: (document id, contract, expected)."""
    data, expected = pdfs["msa_sla"]
    _, contract = make_contract(
        session, name=expected.customer, start_date=date(2025, 9, 1), end_date=date(2026, 8, 31)
    )
    r = store_upload(session=session, actor=ADMIN, filename="msa.pdf", data=data)
    assert r.contract_id == contract.id
    return r.document_id, contract, expected


def _term(session, document_id, field):
    return session.scalar(
        select(ExtractedTerm).where(
            ExtractedTerm.document_id == document_id, ExtractedTerm.field == field
        )
    )


def _accept_all(session, document_id):
    for t in session.scalars(select(ExtractedTerm).where(ExtractedTerm.document_id == document_id)):
        if t.review_state == "pending":
            review_term(session=session, actor=ADMIN, term_id=t.id, action="accept")


def test_accept_correct_reject_are_stored_and_audited(session, uploaded):
    doc_id, _, _ = uploaded
    law = _term(session, doc_id, "governing_law")
    notice = _term(session, doc_id, "notice_period")
    fees = _term(session, doc_id, "recurring_fees")
    auto = session.scalars(
        select(ExtractedTerm.field).where(
            ExtractedTerm.document_id == doc_id, ExtractedTerm.review_state == "auto_accepted"
        )
    ).all()
    review_term(session=session, actor=ADMIN, term_id=law.id, action="accept")
    review_term(
        session=session, actor=ADMIN, term_id=notice.id, action="correct", corrected_value="45 days"
    )
    review_term(session=session, actor=ADMIN, term_id=fees.id, action="reject")
    assert (law.review_state, notice.review_state, fees.review_state) == (
        "accepted",
        "corrected",
        "rejected",
    )
    assert notice.corrected_value == "45 days" and notice.reviewed_at is not None
    audit = session.execute(
        select(
            AuditEntry.action,
            AuditEntry.field,
            AuditEntry.old_value,
            AuditEntry.new_value,
            AuditEntry.username,
        )
        .where(AuditEntry.entity == "extracted_term", AuditEntry.action != "auto_accept")
        .order_by(AuditEntry.id)
    ).all()
    marked = session.scalars(
        select(AuditEntry.field).where(AuditEntry.action == "auto_accept")
    ).all()
    assert "governing_law" in auto
    assert sorted(auto) == sorted(marked)  # every auto-accepted term is marked in the audit
    assert audit == [
        # governing law is right 97% of the time (measured): auto-accepted, then reviewed
        ("accept", "governing_law", "auto_accepted", "accepted", "test-admin"),
        ("correct", "notice_period", "pending", "45 days", "test-admin"),
        ("reject", "recurring_fees", "pending", "rejected", "test-admin"),
    ]


def test_unreadable_correction_is_refused_and_nothing_changes(session, uploaded):
    doc_id, _, _ = uploaded
    term = _term(session, doc_id, "expiration_date")
    with pytest.raises(ValueError, match="not a date"):
        review_term(
            session=session,
            actor=ADMIN,
            term_id=term.id,
            action="correct",
            corrected_value="sometime soon",
        )
    assert term.review_state == "pending" and term.corrected_value is None


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("expiration_date", "2027-03-31", "2027-03-31"),
        ("expiration_date", "March 31, 2027", "2027-03-31"),
        ("notice_period", "90 days", {"n": 90, "unit": "day"}),
        ("auto_renewal", "no", False),
        ("included_services", "Help desk; Backups", ["Help desk", "Backups"]),
        ("coverage_hours", "Mon-Fri 08:00-18:00", {"spec": "Mon-Fri 08:00-18:00"}),
        (
            "recurring_fees",
            '[{"amount": "10", "currency": "EUR", "period": "month"}]',
            [{"amount": "10", "currency": "EUR", "period": "month"}],
        ),
    ],
)
def test_parse_correction(field, text, value):
    assert parse_correction(field, text) == value


@pytest.mark.parametrize("role", ["executive", "technician"])
def test_roles_without_review_permission_are_refused(session, uploaded, role):
    doc_id, _, _ = uploaded
    term = _term(session, doc_id, "governing_law")
    with pytest.raises(PermissionDenied):
        review_term(session=session, actor=actor(role), term_id=term.id, action="accept")
    with pytest.raises(PermissionDenied):
        review_queue(session=session, actor=actor(role))


def test_apply_writes_the_contract_and_a_new_sla_policy_version(session, uploaded):
    doc_id, contract, expected = uploaded
    session.add(Calendar(name="Round the clock", spec="24x7", timezone="UTC"))
    session.flush()
    _accept_all(session, doc_id)
    review_term(
        session=session,
        actor=ADMIN,
        term_id=_term(session, doc_id, "notice_period").id,
        action="correct",
        corrected_value="45 day",
    )
    version = contract.version
    result = apply_to_contract(
        session=session,
        actor=ADMIN,
        document_id=doc_id,
        contract_id=contract.id,
        expected_version=version,
        today=TODAY,
    )
    session.refresh(contract)
    # end_date is the initial term's end; the auto-renewing contract does not end there
    initial_end = date.fromisoformat(expected.expiration_date)
    assert contract.end_date == initial_end
    assert contract.auto_renew is True
    assert contract.in_force_until is None
    renewed = term_at(contract, initial_end + timedelta(days=1))
    assert renewed is not None and renewed.kind == "renewal" and renewed.number == 1
    assert contract.renewal_term_months == 12
    assert contract.notice_days == 45  # the correction, not the extracted 30 days
    assert contract.recurring_fee == Decimal("8400.00") and contract.currency == "USD"
    assert contract.calendar.spec == "24x7"
    assert contract.version > version
    assert sorted(s.name for s in contract.services if s.kind == "included") == sorted(
        expected.included_services
    )
    policy = session.get(SlaPolicy, result.policy_id)
    # the SLA policy runs from the document's effective date, not the day of Apply
    effective = date.fromisoformat(expected.effective_date)
    assert (policy.contract_id, policy.effective_from) == (contract.id, effective)
    targets = {t.priority: (t.response_minutes, t.resolution_minutes) for t in policy.targets}
    assert targets == {"P1": (30, 240), "P2": (60, 480), "P3": (240, 1440), "P4": (480, 4320)}
    fields = set(
        session.scalars(
            select(AuditEntry.field).where(
                AuditEntry.entity == "contract", AuditEntry.entity_id == contract.id
            )
        )
    )
    assert {"end_date", "notice_days", "auto_renew", "included services"} <= fields
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "sla_policy"))


def test_pending_and_rejected_terms_do_not_go_live(session, uploaded):
    doc_id, contract, _ = uploaded
    before = (contract.end_date, contract.notice_days, contract.recurring_fee)
    review_term(
        session=session,
        actor=ADMIN,
        term_id=_term(session, doc_id, "governing_law").id,
        action="accept",
    )
    review_term(
        session=session,
        actor=ADMIN,
        term_id=_term(session, doc_id, "recurring_fees").id,
        action="reject",
    )
    apply_to_contract(
        session=session,
        actor=ADMIN,
        document_id=doc_id,
        contract_id=contract.id,
        expected_version=contract.version,
        today=TODAY,
    )
    session.refresh(contract)
    assert (contract.end_date, contract.notice_days, contract.recurring_fee) == before
    assert session.scalar(select(SlaPolicy.id).where(SlaPolicy.contract_id == contract.id)) is None


def test_apply_on_a_stale_version_is_refused(session, uploaded):
    doc_id, contract, _ = uploaded
    _accept_all(session, doc_id)
    with pytest.raises(ConflictError):
        apply_to_contract(
            session=session,
            actor=ADMIN,
            document_id=doc_id,
            contract_id=contract.id,
            expected_version=contract.version - 1,
            today=TODAY,
        )


def test_apply_that_would_make_an_invalid_contract_says_why(session, uploaded):
    doc_id, contract, _ = uploaded
    term = _term(session, doc_id, "expiration_date")
    review_term(
        session=session,
        actor=ADMIN,
        term_id=term.id,
        action="correct",
        corrected_value="2020-01-01",
    )
    with pytest.raises(ValueError, match="is not after start date"):
        apply_to_contract(
            session=session,
            actor=ADMIN,
            document_id=doc_id,
            contract_id=contract.id,
            expected_version=contract.version,
            today=TODAY,
        )
    assert session.get(Contract, contract.id).end_date == date(2026, 8, 31)


def test_queue_lists_pending_documents_first(session, uploaded):
    doc_id, _, _ = uploaded
    empty = store_upload(session=session, actor=ADMIN, filename="e.pdf", data=b"").document_id
    queue = review_queue(session=session, actor=ADMIN)
    assert list(queue["id"]) == [doc_id, empty]
    review = document_review(session=session, actor=ADMIN, document_id=doc_id)
    assert review.contract_id in review.contracts and len(review.terms) == queue["terms"][0]


def test_preview_boxes_the_snippet_on_the_page_image(session, uploaded, pdfs):
    doc_id, _, _ = uploaded
    term = _term(session, doc_id, "governing_law")
    boxes = snippet_boxes(pdfs["msa_sla"][0], term.page, term.snippet)
    assert boxes and all(x1 > x0 and bottom > top for x0, top, x1, bottom in boxes)
    p = term_preview(session=session, actor=ADMIN, term_id=term.id)
    assert p.image.startswith(b"\x89PNG") and p.boxes == len(boxes)
    assert term.value in p.match


def test_preview_falls_back_to_text_when_the_snippet_is_not_on_the_page(pdfs):
    assert snippet_boxes(pdfs["msa_sla"][0], 1, "words that appear nowhere at all") == []
