"""Issue 16: an entry crossing closing time (and midnight) is rated per part, hand-computed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from billing.coverage_split import split_entry
from billing.pricing import FixedFee, TimeAndMaterials
from billing.run import invoice_run
from sla.calendar import Calendar
from tests.billing.billing_factories import contract, entry

D = Decimal
OFFICE = Calendar.from_spec("Mon-Fri 08:00-18:00", "UTC")
TM = TimeAndMaterials({"engineer": D("100")}, after_hours_multiplier=D("1.5"))


def _run(c, e):
    result = invoice_run([c], [e], run_date=date(2024, 4, 1), coverage={"C1": OFFICE})
    (inv,) = [i for i in result.invoices if i.period_start == date(2024, 3, 1)]
    return {ln.kind: ln for ln in inv.lines}


def test_entry_from_17_to_20_is_one_covered_and_two_after_hours_hours():
    c = contract(pricing=TM)
    e = entry(started_at=datetime(2024, 3, 5, 17, 0, tzinfo=UTC), minutes=180)
    lines = _run(c, e)
    # 17:00-18:00 at 100.00 = 100.00; 18:00-20:00 at 150.00 = 300.00
    assert lines["time_and_materials"].amount == D("100.00")
    assert lines["after_hours"].amount == D("300.00")
    assert lines["after_hours"].quantity == D("2.0000")
    # the backup shows the entry on two rows, one per part
    assert [ch.entry_id for ch in lines["time_and_materials"].charges] == [e.entry_id]
    assert [ch.minutes for ch in lines["after_hours"].charges] == [D(120)]


def test_entry_crossing_closing_time_and_midnight():
    # Tue 17:00 -> Wed 01:00 (480 min): 60 covered (100.00), 420 after hours (1050.00)
    c = contract(pricing=TM)
    e = entry(started_at=datetime(2024, 3, 5, 17, 0, tzinfo=UTC), minutes=480)
    parts = split_entry(e, OFFICE)
    assert [(p.started_at.hour, p.minutes, p.entitlement_outcome) for p in parts] == [
        (17, 60, "covered"),
        (18, 420, "covered_after_hours"),
    ]
    lines = _run(c, e)
    assert lines["time_and_materials"].amount == D("100.00")
    assert lines["after_hours"].amount == D("1050.00")


def test_after_hours_entry_running_into_opening_time_is_split_too():
    # Wed 07:00-09:00: 60 after hours (150.00) then 60 covered (100.00)
    e = entry(started_at=datetime(2024, 3, 6, 7, 0, tzinfo=UTC), minutes=120,
              entitlement_outcome="covered_after_hours")
    lines = _run(contract(pricing=TM), e)
    assert (lines["after_hours"].amount, lines["time_and_materials"].amount) == (
        D("150.00"), D("100.00"))


def test_fixed_fee_contract_bills_only_the_after_hours_part():
    rates = TimeAndMaterials({"engineer": D("100")}, after_hours_multiplier=D("2"))
    c = contract(pricing=FixedFee(D("1000")), rates=rates)
    e = entry(started_at=datetime(2024, 3, 5, 17, 30, tzinfo=UTC), minutes=90)
    lines = _run(c, e)
    assert lines["recurring"].amount == D("1000.00")
    assert lines["included"].quantity == D("0.5000")  # 17:30-18:00 is in the fee
    assert lines["after_hours"].amount == D("200.00")  # 60 min at 200.00


def test_entry_inside_cover_is_not_split():
    e = entry(started_at=datetime(2024, 3, 5, 9, 0, tzinfo=UTC), minutes=120)
    assert split_entry(e, OFFICE) == [e]


def test_validation_counts_a_split_entry_once():
    e = entry(started_at=datetime(2024, 3, 5, 17, 0, tzinfo=UTC), minutes=180)
    result = invoice_run([contract(pricing=TM)], [e], run_date=date(2024, 4, 1),
                         coverage={"C1": OFFICE})
    assert len(result.report.entries) == 1 and result.accuracy == 1.0


def test_vectorized_split_matches_entry_by_entry_across_dst_and_weekends():
    import random
    from datetime import timedelta

    from billing.coverage_split import split_at_coverage

    london = Calendar.from_spec("Mon-Fri 08:00-18:00; Sat 09:00-13:00", "Europe/London")
    rng = random.Random(5)
    base = datetime(2024, 3, 25, tzinfo=UTC)  # the week after the spring change, then on
    outcomes = ["covered", "covered_after_hours", "out_of_scope", "no_contract"]
    entries = [
        entry(
            entry_id=f"E{n}",
            started_at=base + timedelta(minutes=rng.randrange(0, 60 * 24 * 230)),
            minutes=rng.choice([0, 15, 45, 90, 180, 600, 1500]),
            entitlement_outcome=rng.choice(outcomes),
        )
        for n in range(400)
    ]
    expected = [p for e in entries for p in split_entry(e, london)]
    got = split_at_coverage(entries, {"C1": london})
    assert got == expected
    assert len(got) > len(entries)  # some did cross a boundary
