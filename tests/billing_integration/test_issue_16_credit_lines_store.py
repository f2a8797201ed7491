"""Issue 16 item 4: the billing run adds service-credit lines from the SLA engine (both stores)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from db.billing.run import preview_run, run_billing
from db.models import Invoice, ServiceCreditRule, Ticket
from tests.factories import ADMIN, make_contract

NOV = "2026-11"


def _contract(session, *, response_after: timedelta, rule=None):
    client, c = make_contract(session, name="Credit Co")  # gold, fixed 5000 in advance
    session.add(
        ServiceCreditRule(
            **{
                "contract_id": c.id,
                "name": "P1 response",
                "trigger": "per_breach",
                "metric": "response",
                "priority": "P1",
                "credit_kind": "amount",
                "credit_value": Decimal("250"),
                "effective_from": date(2026, 1, 1),
                **(rule or {}),
            }
        )  # fmt: skip
    )
    created = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    session.add(
        Ticket(
            source="test",
            external_id="INC-77",
            client_id=client.id,
            contract_id=c.id,
            service_type="network",
            priority="P1",
            status="open",
            created_at=created,
            first_response_at=created + response_after,
        )  # fmt: skip
    )
    session.flush()
    return c


def _invoice(session, c) -> Invoice:
    return session.scalars(
        select(Invoice).where(Invoice.contract_id == c.id, Invoice.key == f"{c.id}:2026-11-01")
    ).one()


def _lines(inv: Invoice):
    return sorted((ln.kind, ln.amount, ln.description) for ln in inv.lines)


def test_p1_breach_gives_one_negative_credit_line_and_rerun_changes_nothing(session):
    c = _contract(session, response_after=timedelta(hours=4))
    preview = preview_run(session=session, actor=ADMIN, period=NOV)
    run_billing(session=session, actor=ADMIN, period=NOV)
    inv = _invoice(session, c)
    credits = [ln for ln in inv.lines if ln.kind == "credit"]
    assert len(credits) == 1
    (line,) = credits
    assert (line.quantity, line.unit_price, line.amount) == (1, Decimal("-250"), Decimal("-250"))
    assert "INC-77" in line.description and "P1 response breach" in line.description
    assert inv.total == Decimal("4750.00")
    # preview and draft agree
    row = preview.invoices[preview.invoices["key"] == inv.key].iloc[0]
    assert Decimal(row["total"]) == Decimal("4750.00")
    # rerunning the period leaves the lines and total unchanged
    before = (inv.id, inv.total, _lines(inv))
    run_billing(session=session, actor=ADMIN, period=NOV)
    session.expire_all()
    inv = _invoice(session, c)
    assert (inv.id, inv.total, _lines(inv)) == before


def test_no_breach_no_credit_line(session):
    c = _contract(session, response_after=timedelta(minutes=10))
    run_billing(session=session, actor=ADMIN, period=NOV)
    inv = _invoice(session, c)
    assert [ln.kind for ln in inv.lines if ln.kind == "credit"] == []
    assert inv.total == Decimal("5000.00")


def test_rule_in_force_only_before_the_period_is_not_applied(session):
    c = _contract(
        session, response_after=timedelta(hours=4), rule={"effective_to": date(2026, 10, 31)}
    )
    run_billing(session=session, actor=ADMIN, period=NOV)
    assert _invoice(session, c).total == Decimal("5000.00")


def test_invalid_rule_is_a_run_finding_not_a_crash(session):
    c = _contract(session, response_after=timedelta(hours=4), rule={"metric": None})
    preview = preview_run(session=session, actor=ADMIN, period=NOV)
    found = preview.findings[preview.findings["code"] == "CREDIT_RULE_INVALID"]
    assert len(found) == 1 and "no measure" in found.iloc[0]["message"]
    run_billing(session=session, actor=ADMIN, period=NOV)
    assert _invoice(session, c).total == Decimal("5000.00")
