"""Worked examples: every expected amount is computed by hand in the comments."""

from datetime import date
from decimal import Decimal as D

import pytest

from billing.blockhours import BlockHoursState, block_hours_ledger, block_hours_step
from billing.model import Usage
from billing.periods import iter_periods, periods_for
from billing.pricing import (
    BlockHours,
    FixedFee,
    PerUnit,
    TimeAndMaterials,
    invoice_lines,
    pricing_from_dict,
    pricing_to_dict,
)
from tests.billing.billing_factories import at, contract, entry

CARD = TimeAndMaterials({"engineer": D("120"), "senior": D("150")}, D("1.5"))


def march(c):
    return next(p for p in iter_periods(c, until=date(2025, 1, 1)) if p.start.month == 3)


def by_kind(lines):
    return [(ln.kind, ln.role, ln.amount) for ln in lines]


def test_fixed_fee_with_included_after_hours_and_out_of_scope_work():
    c = contract(rates=CARD)
    e_included = entry(minutes=60, started_at=at(4))
    e_after = entry(minutes=90, entitlement_outcome="covered_after_hours", started_at=at(5, 22))
    e_oos = entry(minutes=45, role="senior", entitlement_outcome="out_of_scope", approved=True)
    e_unapproved = entry(minutes=30, entitlement_outcome="out_of_scope", approved=False)
    e_nocontract = entry(minutes=30, entitlement_outcome="no_contract")
    e_oos_night = entry(
        minutes=30,
        entitlement_outcome="out_of_scope",
        approved=True,
        after_hours=True,
        started_at=at(6, 23),
    )
    usage = Usage([e_included, e_after, e_oos, e_unapproved, e_nocontract, e_oos_night])
    lines = invoice_lines(c, march(c), usage)
    # fee 1000.00; included 1 h at 0; after hours 90 min at 120*1.5 = 180/h -> 270.00;
    # out of scope at night 30 min at 180/h -> 90.00; out of scope senior 45 min at 150 -> 112.50
    assert by_kind(lines) == [
        ("recurring", None, D("1000.00")),
        ("included", None, D("0.00")),
        ("after_hours", "engineer", D("270.00")),
        ("out_of_scope", "engineer", D("90.00")),
        ("out_of_scope", "senior", D("112.50")),
    ]
    assert sum(ln.amount for ln in lines) == D("1472.50")
    assert [c.entry_id for c in lines[1].charges] == [e_included.entry_id]
    assert lines[2].unit_price == D("180") and lines[2].quantity == D("1.5")
    assert lines[2].charges[0].rule == "engineer 120.00/h x 1.5 after hours"
    billed = {ch.entry_id for ln in lines for ch in ln.charges}
    assert e_unapproved.entry_id not in billed and e_nocontract.entry_id not in billed


def test_after_hours_work_without_rate_card_is_not_billed_on_fixed_fee():
    c = contract()
    lines = invoice_lines(c, march(c), Usage([entry(entitlement_outcome="covered_after_hours")]))
    assert by_kind(lines) == [("recurring", None, D("1000.00"))]


def test_per_unit_counts_follow_effective_dates_and_minimum():
    model = PerUnit("device", D("12.50"), {date(2024, 1, 1): 40, date(2024, 3, 1): 45})
    c = contract(pricing=model)
    feb, mar = list(iter_periods(c, until=date(2024, 4, 1)))[1:3]
    assert invoice_lines(c, feb, Usage())[0].amount == D("500.00")  # 40 x 12.50
    assert invoice_lines(c, mar, Usage())[0].amount == D("562.50")  # 45 x 12.50
    counted = invoice_lines(c, mar, Usage(unit_counts={"device": 50}))[0]
    assert (counted.quantity, counted.amount) == (D(50), D("625.00"))  # 50 x 12.50
    floor = contract(pricing=PerUnit("device", D("12.50"), {date(2024, 1, 1): 40}, 42))
    assert invoice_lines(floor, feb, Usage())[0].amount == D("525.00")  # minimum 42 x 12.50


def test_per_unit_prorated_first_month():
    model = PerUnit("user", D("12.50"), {date(2024, 3, 16): 45})
    c = contract(pricing=model, start_date=date(2024, 3, 16), alignment="calendar")
    first = next(iter_periods(c, until=date(2024, 4, 1)))
    # 45 x 12.50 = 562.50 for March; 16 of 31 days: 562.50 * 16 / 31 = 290.322.. -> 290.32
    [line] = invoice_lines(c, first, Usage())
    assert line.amount == D("290.32")
    assert "prorated 16/31 days" in line.description


def test_block_hours_ledger_rollover_with_cap():
    model = BlockHours(D(10), D(500), D(150), rollover=True, rollover_cap_hours=D(4))
    ledger = block_hours_ledger(model, [D(6), D(16), D(3), D("10.5")])
    # p1: overage max(0, 6-10-0) = 0; rollover_out min(4, 10+0-6=4) = 4
    # p2: overage max(0, 16-10-4) = 2; rollover_out min(4, max(0, 14-16)) = 0
    # p3: overage 0; rollover_out min(4, 10-3=7) = 4 (the cap binds)
    # p4: overage max(0, 10.5-14) = 0; rollover_out min(4, 14-10.5=3.5) = 3.5
    assert [p.rollover_in_hours for p in ledger] == [0, 4, 0, 4]
    assert [p.overage_hours for p in ledger] == [0, 2, 0, 0]
    assert [p.rollover_out_hours for p in ledger] == [4, 0, 4, D("3.5")]
    # alert at 80%: 6/10, 16/14, 3/10, 10.5/14 = 0.75
    assert [p.alert for p in ledger] == [False, True, False, False]


def test_block_hours_without_rollover_never_carries_hours():
    model = BlockHours(D(10), D(500), D(150))
    ledger = block_hours_ledger(model, [D(2), D(12)])
    assert [p.rollover_out_hours for p in ledger] == [0, 0]
    assert ledger[1].overage_hours == D(2)  # 12 - 10, nothing rolled in


def test_block_hours_overage_line_splits_the_entry_that_crosses_the_block():
    model = BlockHours(D(10), D(500), D(150), rollover=True, rollover_cap_hours=D(4))
    c = contract(pricing=model)
    e1 = entry(minutes=480, started_at=at(4))
    e2 = entry(minutes=300, started_at=at(10))
    e3 = entry(minutes=180, started_at=at(20))
    night = entry(minutes=60, entitlement_outcome="covered_after_hours", started_at=at(21, 23))
    usage = Usage([e3, e1, e2, night], block_state=BlockHoursState(D(4), D(0)))
    lines = invoice_lines(c, march(c), usage)
    # used 16 h, block 10 + 4 rolled in = 14 h = 840 min: e1 480 + e2 300 + 60 of e3 within,
    # 120 min of e3 over at 150/h = 300.00; after hours without a rate card: overage rate 150/h
    assert by_kind(lines) == [
        ("recurring", None, D("500.00")),
        ("included", None, D("0.00")),
        ("overage", None, D("300.00")),
        ("after_hours", "engineer", D("150.00")),
    ]
    included, overage = lines[1], lines[2]
    assert [(ch.entry_id, ch.minutes) for ch in included.charges] == [
        (e1.entry_id, D(480)),
        (e2.entry_id, D(300)),
        (e3.entry_id, D(60)),
    ]
    assert included.charges[0].rule == "within block of 14.00 h"
    assert [(ch.entry_id, ch.minutes, ch.amount) for ch in overage.charges] == [
        (e3.entry_id, D(120), D("300.00"))
    ]


def test_prepaid_bank_absorbs_overage_before_it_is_billed():
    model = BlockHours(D(10), D(500), D(150), prepaid_balance_hours=D("1.5"))
    step = block_hours_step(model, D(12))
    # overage 2 h; 1.5 h from the prepaid bank; 0.5 h billed
    assert (step.overage_hours, step.prepaid_used_hours, step.billed_overage_hours) == (
        D(2),
        D("1.5"),
        D("0.5"),
    )
    assert step.next_state() == BlockHoursState(D(0), D(0))
    c = contract(pricing=model)
    lines = invoice_lines(c, march(c), Usage([entry(minutes=720)]))
    assert lines[-1].kind == "overage" and lines[-1].amount == D("75.00")  # 0.5 h x 150
    assert [ch.rule for ch in lines[1].charges] == ["within block of 10.00 h", "prepaid hours"]


def test_block_hours_prorated_first_month_prorates_fee_and_included_hours():
    model = BlockHours(D(10), D(500), D(150))
    c = contract(pricing=model, start_date=date(2024, 3, 16), alignment="calendar")
    first = next(iter_periods(c, until=date(2024, 4, 1)))
    lines = invoice_lines(c, first, Usage([entry(minutes=360, started_at=at(20))]))
    # fee 500 * 16/31 = 258.064.. -> 258.06; included 10 * 16/31 = 160/31 h;
    # overage (6 - 160/31) h = 26/31 h at 150 = 3900/31 = 125.806.. -> 125.81
    assert by_kind(lines) == [
        ("recurring", None, D("258.06")),
        ("included", None, D("0.00")),
        ("overage", None, D("125.81")),
    ]


def test_time_and_materials_roles_default_rate_and_exact_allocation():
    card = TimeAndMaterials({"engineer": D(100), "senior": D(140)}, D("1.5"), default_rate=D(90))
    c = contract(pricing=card)
    thirds = [entry(minutes=20, started_at=at(d)) for d in (3, 4, 5)]
    apprentice = entry(minutes=45, role="apprentice")
    night = entry(minutes=30, role="senior", entitlement_outcome="covered_after_hours")
    lines = invoice_lines(c, march(c), Usage([*thirds, apprentice, night]))
    # 60 min engineer at 100 = 100.00; apprentice 45 min at default 90 = 67.50;
    # senior after hours 30 min at 140*1.5 = 210 -> 105.00
    assert by_kind(lines) == [
        ("time_and_materials", "apprentice", D("67.50")),
        ("time_and_materials", "engineer", D("100.00")),
        ("after_hours", "senior", D("105.00")),
    ]
    # one rounding per line; the three 20-minute entries share 100.00 exactly
    assert [ch.amount for ch in lines[1].charges] == [D("33.34"), D("33.33"), D("33.33")]
    assert lines[1].quantity == D("1.0000")


def test_time_and_materials_unknown_role_without_default_is_left_out():
    c = contract(pricing=TimeAndMaterials({"engineer": D(100)}))
    assert invoice_lines(c, march(c), Usage([entry(role="intern")])) == []


def test_rounding_happens_once_per_line_not_per_entry():
    c = contract(pricing=TimeAndMaterials({"engineer": D("100")}))
    # 7 entries of 1 minute at 100/h: per entry 1.666.. -> 1.67 would make 11.69;
    # once per line: 7/60 * 100 = 11.666.. -> 11.67
    lines = invoice_lines(
        c, march(c), Usage([entry(minutes=1, started_at=at(d)) for d in range(1, 8)])
    )
    assert lines[0].amount == D("11.67")
    assert sum(ch.amount for ch in lines[0].charges) == D("11.67")


def test_closing_period_bills_only_usage():
    c = contract(
        billing_timing="advance",
        pricing=TimeAndMaterials({"engineer": D(100)}),
        end_date=date(2024, 3, 31),
    )
    closing = periods_for(c, date(2024, 4, 1))[-1]
    window = march(c)
    lines = invoice_lines(c, closing, Usage([entry(minutes=90)], period=window))
    assert by_kind(lines) == [("time_and_materials", "engineer", D("150.00"))]
    assert (lines[0].period_start, lines[0].period_end) == (date(2024, 3, 1), date(2024, 3, 31))


def test_no_pricing_model_raises():
    c = contract(pricing=None)
    with pytest.raises(ValueError, match="no pricing model"):
        invoice_lines(c, march(c), Usage())


@pytest.mark.parametrize(
    "model",
    [
        FixedFee(D("1000"), "quarterly", "Managed service"),
        PerUnit("device", D("12.50"), {date(2024, 1, 1): 40}, 5),
        BlockHours(D(10), D(500), D(150), True, D(4), D("1.5"), D("0.9")),
        TimeAndMaterials({"engineer": D(100)}, D("1.25"), D(80)),
    ],
)
def test_pricing_dict_round_trip(model):
    assert pricing_from_dict(pricing_to_dict(model)) == model


def test_money_in_models_is_never_float():
    with pytest.raises(TypeError):
        FixedFee(1000.0)
    with pytest.raises(TypeError):
        TimeAndMaterials({"engineer": 99.5})
