# ruff: noqa: E501 - sample contract sentences read best unbroken
"""apply_it_terms against a real store: SLA matrix -> policy, coverage -> calendar,
rates -> pricing, penalties -> service-credit rules; conflicts and no-SLA are not applied."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from db.documents.apply_it import apply_it_terms
from db.models.contracts import Calendar, SlaPolicy
from db.models.credits import ServiceCreditRule
from extraction.it import extract_it_terms
from tests.factories import ADMIN, make_contract

DOC = """Service Level Agreement
References to working hours refer to 10:00-18:00 Monday-Friday, excluding bank holidays.

Urgent tickets must receive a first reply within 1 hour (standard) or 30 minutes (enhanced), at any time of the day or night.

High priority tickets must receive a first reply within 1 working hour and be resolved within 8 working hours.

Low priority tickets must receive replies within 5 business days.

The fixed monthly fee of GBP 4,250.00 is billed in advance.

A 2% deduction per day up to maximum of 10% of the monthly fee applies to late restorations.
"""


def test_mapper_writes_policy_calendar_pricing_and_credits(session) -> None:
    _, contract = make_contract(session)
    it = extract_it_terms([DOC])
    rows = apply_it_terms(
        session, contract, it, effective_from=date(2020, 3, 1), document_id=None, actor=ADMIN
    )
    session.flush()
    policy = session.scalars(select(SlaPolicy).where(SlaPolicy.contract_id == contract.id)).one()
    assert policy.effective_from == date(2020, 3, 1)  # as given, not clamped to today
    targets = {t.priority: t for t in policy.targets}
    assert set(targets) == {"P1", "P2", "P3"}  # Urgent / High / Low -> P1..P3
    assert (targets["P1"].response_minutes, targets["P1"].calendar) == (
        60,
        "24x7",
    )  # standard, not enhanced
    assert (targets["P2"].response_minutes, targets["P2"].resolution_minutes) == (60, 480)
    assert targets["P2"].calendar == "contract"
    assert targets["P3"].response_minutes == 7200
    cal = session.get(Calendar, contract.calendar_id)
    assert cal.spec == "Mon-Fri 10:00-18:00" and cal.timezone == "Europe/London"
    assert contract.recurring_fee == Decimal("4250.00")
    rule = session.scalars(
        select(ServiceCreditRule).where(ServiceCreditRule.contract_id == contract.id)
    ).one()
    assert (rule.credit_kind, rule.credit_value, rule.cap_percent) == (
        "percent_of_fee",
        Decimal("2"),
        Decimal("10"),
    )
    assert rule.effective_from == date(2020, 3, 1) and "deduction" in rule.source_text
    sla_rows = [r for r in rows if r["field"].startswith("sla.P")]
    assert [r["new"]["level"] for r in sla_rows] == ["Urgent", "High", "Low"]
    assert all(r["page"] == 1 and r["snippet"] for r in sla_rows)


def test_conflicts_and_missing_sla_are_not_applied(session) -> None:
    _, contract = make_contract(session)
    conflicting = extract_it_terms(
        [
            "Critical incidents shall receive a response within 15 minutes. "
            "Critical incidents shall receive a response within 1 hour."
        ]
    )
    rows = apply_it_terms(
        session,
        contract,
        conflicting,
        effective_from=date(2026, 1, 1),
        document_id=None,
        actor=ADMIN,
    )
    assert (
        session.scalars(select(SlaPolicy).where(SlaPolicy.contract_id == contract.id)).all() == []
    )
    assert any("conflicting" in (r["note"] or "") for r in rows)
    rows = apply_it_terms(session, contract, {"pages": ["Office supplies only."]}, effective_from=date(2026, 1, 1),
                          document_id=None, actor=ADMIN)  # fmt: skip
    assert [r["note"] for r in rows] == ["no SLA in the document - policy unchanged"]
