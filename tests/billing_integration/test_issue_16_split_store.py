"""Issue 16: the billing run splits stored entries at the contract calendar's closing time."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from db.billing.backup_documents import backup_documents
from db.billing.run import run_billing
from db.models import Calendar, Invoice
from tests.factories import ADMIN


def test_entry_crossing_closing_time_is_billed_in_two_parts(session, store):
    cal = Calendar(name="Office", spec="Mon-Fri 08:00-18:00", timezone="UTC")
    session.add(cal)
    session.flush()
    _, tm = store.contract(
        "Split Ltd",
        pricing_model="time_materials",
        recurring_fee=None,
        hourly_rate=Decimal("100"),
        role_rates={"engineer": "100"},
        after_hours_multiplier=Decimal("1.5"),
        billing_timing="arrears",
        calendar_id=cal.id,
    )
    # Tue 6 Oct 2026 17:00-20:00 UTC: 1 h covered at 100.00, 2 h after hours at 150.00
    entry = store.entry(tm, datetime(2026, 10, 6, 17, tzinfo=UTC), 180, rate=None)
    run_billing(session=session, actor=ADMIN, period="2026-11")
    inv = session.scalar(select(Invoice).where(Invoice.contract_id == tm.id))
    by_kind = {ln.kind: ln.amount for ln in inv.lines}
    assert by_kind == {"time_and_materials": Decimal("100.00"), "after_hours": Decimal("300.00")}
    assert inv.total == Decimal("400.00")
    docs = backup_documents(session=session, actor=ADMIN, invoice_id=inv.id)
    assert docs.entries_listed
    rows = docs.frame[docs.frame["ticket"] == entry.ticket_id]
    assert len(rows) == 2  # one backup row per part
    assert sorted(rows["kind"]) == ["after_hours", "time_and_materials"]
    assert sorted(Decimal(str(a)) for a in rows["amount"]) == [Decimal("100.00"), Decimal("300.00")]
    # rerunning the period changes nothing
    run_billing(session=session, actor=ADMIN, period="2026-11")
    again = session.scalar(select(Invoice).where(Invoice.contract_id == tm.id))
    assert (again.id, again.total) == (inv.id, Decimal("400.00"))


def test_entries_are_split_by_the_calendar_version_in_force_when_they_started(session, store):
    """Cover extended to 20:00 from 14 Oct: an entry before keeps the old closing time."""
    from db.calendars import change_calendar

    cal = Calendar(name="Office v", spec="Mon-Fri 08:00-18:00", timezone="UTC")
    session.add(cal)
    session.flush()
    _, tm = store.contract(
        "Versioned Ltd", pricing_model="time_materials", recurring_fee=None,
        hourly_rate=Decimal("100"), role_rates={"engineer": "100"},
        after_hours_multiplier=Decimal("1.5"), billing_timing="arrears", calendar_id=cal.id,
    )  # fmt: skip
    extended = datetime(2026, 10, 14, tzinfo=UTC)
    change_calendar(session=session, actor=ADMIN, calendar_id=cal.id,
                    spec="Mon-Fri 08:00-20:00", valid_from=extended)  # fmt: skip
    store.entry(tm, datetime(2026, 10, 6, 17, tzinfo=UTC), 180, rate=None)  # old: 1 h + 2 h
    store.entry(tm, datetime(2026, 10, 20, 17, tzinfo=UTC), 180, rate=None)  # new: 3 h + 0 h
    run_billing(session=session, actor=ADMIN, period="2026-11")
    inv = session.scalar(select(Invoice).where(Invoice.contract_id == tm.id))
    amounts: dict[str, Decimal] = {}
    for ln in inv.lines:
        amounts[ln.kind] = amounts.get(ln.kind, Decimal("0")) + ln.amount
    # covered: 1 h + 3 h at 100.00; after hours: the first entry's 2 h at 150.00
    assert amounts == {"time_and_materials": Decimal("400.00"), "after_hours": Decimal("300.00")}
