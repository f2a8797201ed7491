"""Issue 16 item 4, completed: availability figures, hand-entered rules, the SLA credit
report (frames, CSV, PDF) and the executive "Credits given" tile (both stores)."""

from __future__ import annotations

import io
import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pdfplumber
import pytest
from sqlalchemy import select

from billing.credit_report import report_csv, report_pdf
from db.analytics_repo import executive_view
from db.billing.availability import record_availability
from db.billing.credit_report import credit_report
from db.billing.credit_rules import add_credit_rule
from db.billing.run import run_billing
from db.models import AvailabilityFigure, Invoice, ServiceCreditRule, Ticket
from tests.factories import ADMIN, actor, make_contract

NOV = "2026-11"


def _invoice(session, c) -> Invoice:
    return session.scalars(select(Invoice).where(Invoice.key == f"{c.id}:2026-11-01")).one()


def _tiered(session, c):
    # Under 99.5% credit 5%, under 99% 10%, under 98.5% 20% of the fee; cap 15% of the fee.
    return add_credit_rule(
        session=session, actor=ADMIN, contract_id=c.id, name="Uptime", trigger="availability_below",
        credit_kind="percent_of_fee", tiers="99.5:5, 99:10, 98.5:20", cap_percent="15",
        effective_from=date(2026, 1, 1),
    )  # fmt: skip


def test_tiered_availability_credit_with_a_cap_hand_computed(session):
    client, c = make_contract(session, name="Uptime Co")  # fixed 5000 GBP in advance
    _tiered(session, c)
    record_availability(session=session, actor=ADMIN, contract_id=c.id, period=NOV,
                        percent="98.2", source="PRTG monthly")  # fmt: skip
    run_billing(session=session, actor=ADMIN, period=NOV)
    inv = _invoice(session, c)
    (line,) = [ln for ln in inv.lines if ln.kind == "credit"]
    # 98.2% is under 98.5: tier 20% of 5000 = 1000, capped at 15% = 750.00
    assert line.amount == Decimal("-750.00") and inv.total == Decimal("4250.00")
    assert "availability 98.2% below" in line.description and "capped at 750.00" in line.description
    # a corrected figure (99.2%: tier 5%, 250) changes the draft on the next run, once
    record_availability(session=session, actor=ADMIN, contract_id=c.id, period=NOV, percent="99.2")
    assert len(session.scalars(select(AvailabilityFigure)).all()) == 1
    run_billing(session=session, actor=ADMIN, period=NOV)
    session.expire_all()
    inv = _invoice(session, c)
    assert [ln.amount for ln in inv.lines if ln.kind == "credit"] == [Decimal("-250.00")]
    run_billing(session=session, actor=ADMIN, period=NOV)
    session.expire_all()
    assert _invoice(session, c).total == Decimal("4750.00")


def test_no_figure_no_availability_credit(session):
    _, c = make_contract(session, name="Quiet Co")
    _tiered(session, c)
    run_billing(session=session, actor=ADMIN, period=NOV)
    assert _invoice(session, c).total == Decimal("5000.00")


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"trigger": "sla_compliance_below", "threshold": "95"}, "no measure"),
        ({"trigger": "per_breach", "metric": "response"}, "no credit"),
        ({"trigger": "availability_below", "credit_value": "5"}, "no measure"),
        ({"trigger": "per_breach", "metric": "response", "credit_value": "x"}, "not an amount"),
        ({"trigger": "availability_below", "tiers": "99 5"}, "below:credit"),
        ({"trigger": "per_breach", "metric": "response", "credit_value": "5",
          "cap_percent": "150"}, "above 100%"),
    ],
)
def test_hand_entered_rule_without_a_measure_is_refused_and_nothing_written(session, kw, message):
    _, c = make_contract(session, name="Bad Rule Co")
    with pytest.raises(ValueError, match=message):
        add_credit_rule(session=session, actor=ADMIN, contract_id=c.id, name="R",
                        credit_kind="percent_of_fee", effective_from=date(2026, 1, 1),
                        **kw)  # fmt: skip
    assert session.scalars(select(ServiceCreditRule)).all() == []


def test_bad_availability_is_refused(session):
    _, c = make_contract(session, name="Avail Co")
    for bad, message in (("101", "0 to 100"), ("-1", "0 to 100"), ("high", "not a number")):
        with pytest.raises(ValueError, match=message):
            record_availability(session=session, actor=ADMIN, contract_id=c.id, period=NOV,
                                percent=bad)  # fmt: skip
    assert session.scalars(select(AvailabilityFigure)).all() == []
    with pytest.raises(PermissionError):
        record_availability(session=session, actor=actor("executive"), contract_id=c.id,
                            period=NOV, percent="99")  # fmt: skip


def test_credit_report_lists_credits_and_their_evidence_and_exec_tile_shows_them(session):
    client, c = make_contract(session, name="Report Co")
    add_credit_rule(session=session, actor=ADMIN, contract_id=c.id, name="P1 response",
                    trigger="per_breach", metric="response", priority="P1",
                    credit_kind="amount", credit_value="200", cap_amount="300",
                    effective_from=date(2026, 1, 1))  # fmt: skip
    _tiered(session, c)
    record_availability(session=session, actor=ADMIN, contract_id=c.id, period=NOV, percent="99.4")
    base = datetime(2026, 11, 3, 10, tzinfo=UTC)
    for n, late in enumerate((timedelta(hours=3), timedelta(hours=2), timedelta(minutes=5))):
        at = base + timedelta(days=n)
        session.add(
            Ticket(source="test", external_id=f"INC-{n + 1}", client_id=client.id,
                   contract_id=c.id, service_type="network", priority="P1", status="open",
                   created_at=at, first_response_at=at + late)  # fmt: skip
        )
    session.flush()
    run_billing(session=session, actor=ADMIN, period=NOV)
    inv = _invoice(session, c)
    # two P1 breaches x 200 = 400, capped at 300; availability 99.4% -> tier 5% = 250
    assert sorted(ln.amount for ln in inv.lines if ln.kind == "credit") == [
        Decimal("-300.00"),
        Decimal("-250.00"),
    ]
    rep = credit_report(session=session, actor=ADMIN, client_id=client.id, period=NOV)
    assert rep.on_invoice == Decimal("550.00") and rep.problems == []
    rows = {r.rule: r for r in rep.credits.itertuples()}
    assert rows["P1 response"].credit == Decimal("300.00") and rows["P1 response"].capped
    assert rows["Uptime"].credit == Decimal("250.00") and not rows["Uptime"].capped
    assert "INC-1, INC-2" in rows["P1 response"].evidence
    ev = rep.evidence
    assert sorted(zip(ev["ticket"], ev["result"], strict=True)) == [
        ("INC-1", "breached"), ("INC-2", "breached"), ("INC-3", "met"),
    ]  # fmt: skip
    assert set(ev["target_minutes"]) == {int(ev["target_minutes"].iloc[0])}
    text = report_csv(rep.credits, rep.evidence).decode()
    assert "P1 response" in text and "INC-3" in text and "breached" in text
    pdf = report_pdf(rep.credits, rep.evidence, client=rep.client, period=rep.period)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        body = "".join(p.extract_text() or "" for p in doc.pages)
    assert "SLA credit report - Report Co - 2026-11" in body
    assert "Credits given: 550.00 GBP" in body and "INC-2" in body

    view = executive_view(session=session, actor=actor("executive"), currency="GBP",
                          start=date(2026, 11, 1), end=date(2026, 11, 30),
                          today=date(2026, 12, 1))  # fmt: skip
    names = [k.name for k in view.tiles]
    assert names.index("Credits given") == names.index("Revenue recovered") + 1
    tiles = {k.name: k for k in view.tiles}
    assert tiles["Credits given"].value == 550.0 and not tiles["Credits given"].higher_is_better
    # a period without credits shows 0, not "-0" (credit lines are negative amounts)
    before = executive_view(session=session, actor=actor("executive"), currency="GBP",
                            start=date(2026, 9, 1), end=date(2026, 9, 30),
                            today=date(2026, 12, 1))  # fmt: skip
    empty = next(k for k in before.tiles if k.name == "Credits given").value
    assert empty == 0 and math.copysign(1, empty) == 1


def test_report_for_a_client_without_rules_is_empty(session):
    client, _ = make_contract(session, name="No Rules Co")
    run_billing(session=session, actor=ADMIN, period=NOV)
    rep = credit_report(session=session, actor=ADMIN, client_id=client.id, period=NOV)
    assert rep.credits.empty and rep.evidence.empty and rep.on_invoice == 0
    with pytest.raises(ValueError, match="does not exist"):
        credit_report(session=session, actor=ADMIN, client_id=999_999, period=NOV)
