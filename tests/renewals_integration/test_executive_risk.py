"""Executive view: renewal forecast, at-risk contracts with reasons, revenue recovered."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from db.analytics_repo import executive_view
from db.models import Contract, Invoice, InvoiceLine
from tests.factories import actor
from tests.renewals_integration.conftest import make_book

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)
EXEC = actor("executive")


def _invoice(session, contract_id, client_id, number, due, lines, status="issued"):
    inv = Invoice(number=number, key=number, client_id=client_id, contract_id=contract_id,
                  period_start=due - timedelta(days=30), period_end=due, issue_date=due,
                  due_date=due, status=status, currency="GBP",
                  total=sum((a for _, a in lines), start=Decimal(0)))  # fmt: skip
    inv.lines = [
        InvoiceLine(
            kind=kind, description=kind, quantity=Decimal(1), unit_price=amount, amount=amount
        )  # fmt: skip
        for kind, amount in lines
    ]
    session.add(inv)


def _view(session):
    today = NOW.date()
    return executive_view(session=session, actor=EXEC, currency="GBP",
                          start=date(2026, 9, 1), end=today, today=today)  # fmt: skip


def test_overdue_client_is_at_risk_with_its_reason_and_value(session):
    book = make_book(session, NOW)
    quiet = book.ids["C-2"]
    client_id = session.get(Contract, quiet).client_id
    _invoice(session, quiet, client_id, "OLD-1", NOW.date() - timedelta(days=95),
             [("fee", Decimal("1000"))])  # fmt: skip
    session.commit()

    view = _view(session)
    tiles = {k.name: k.value for k in view.tiles}
    assert tiles["At-risk contracts"] == len(view.at_risk) >= 1
    row = view.at_risk[view.at_risk["reference"] == "C-2"].iloc[0]
    assert "95 days overdue" in row["why"]
    assert tiles["At-risk value"] == view.at_risk["value"].sum()
    assert tiles["Forecast renewals"] is not None and tiles["Forecast renewals"] > 0


def test_revenue_recovered_sums_only_validation_lines_in_the_period(session):
    book = make_book(session, NOW)
    c1 = book.ids["C-1"]
    client_id = session.get(Contract, c1).client_id
    due = NOW.date() - timedelta(days=10)
    lines = [("fee", Decimal("1000")), ("out_of_scope", Decimal("240")),
             ("overage", Decimal("150.50")), ("after_hours", Decimal("90"))]  # fmt: skip
    _invoice(session, c1, client_id, "NEW-1", due, lines, status="paid")
    _invoice(session, c1, client_id, "OLD-2", date(2026, 3, 1), [("overage", Decimal("999"))])
    _invoice(session, c1, client_id, "VOID-1", due, [("overage", Decimal("500"))], "void")
    session.commit()

    view = _view(session)
    tiles = {k.name: k.value for k in view.tiles}
    assert float(tiles["Revenue recovered"]) == 480.50
    by_source = dict(zip(view.recovered["source"], view.recovered["amount"], strict=True))
    assert by_source == {
        "Out-of-scope work captured": 240.0,
        "Overage billed": 150.5,
        "After-hours work billed": 90.0,
    }
