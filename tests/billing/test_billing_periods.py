from datetime import date
from decimal import Decimal as D

import pytest

from billing.money import round_money
from billing.periods import (
    bill_date,
    closing_period,
    invoice_key,
    iter_periods,
    periods_for,
    prorate,
    usage_period,
)
from billing.pricing import FixedFee
from tests.billing.billing_factories import contract


def spans(periods):
    return [(p.start, p.last_day) for p in periods]


def test_monthly_periods_anchored_on_month_end_start_stay_on_month_ends():
    c = contract(start_date=date(2024, 1, 31), end_date=None)
    got = list(iter_periods(c, until=date(2024, 6, 1)))
    # each boundary is computed from the anchor: Jan 31 + 1 month = Feb 29 (leap year),
    # + 2 months = Mar 31, + 3 months = Apr 30, + 4 months = May 31
    assert [p.start for p in got] == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
    ]
    assert [p.days_in_period for p in got] == [29, 31, 30, 31, 30]
    assert not any(p.is_partial for p in got)


def test_calendar_alignment_prorates_first_period_in_a_leap_february():
    c = contract(start_date=date(2024, 2, 15), alignment="calendar")
    first = next(iter_periods(c, until=date(2024, 3, 1)))
    assert (first.start, first.end, first.full_start, first.full_end) == (
        date(2024, 2, 15),
        date(2024, 3, 1),
        date(2024, 2, 1),
        date(2024, 3, 1),
    )
    # 15 Feb..29 Feb = 15 days of a 29-day February: 1000 * 15 / 29 = 517.241.. -> 517.24
    assert (first.covered_days, first.days_in_period) == (15, 29)
    assert round_money(prorate(D(1000), first)) == D("517.24")


def test_same_start_in_a_common_year_uses_28_days():
    c = contract(start_date=date(2023, 2, 15), end_date=None, alignment="calendar")
    first = next(iter_periods(c, until=date(2023, 3, 1)))
    # 15..28 Feb = 14 of 28 days: exactly half
    assert (first.covered_days, first.days_in_period) == (14, 28)
    assert round_money(prorate(D(1000), first)) == D("500.00")


def test_last_period_prorated_by_days_of_that_month():
    c = contract(start_date=date(2024, 1, 1), end_date=date(2024, 5, 10))
    last = list(iter_periods(c, until=date(2025, 1, 1)))[-1]
    assert (last.start, last.last_day) == (date(2024, 5, 1), date(2024, 5, 10))
    # 10 of May's 31 days: 1000 * 10 / 31 = 322.580.. -> 322.58
    assert round_money(prorate(D(1000), last)) == D("322.58")


def test_quarterly_calendar_quarter_in_leap_year_has_91_days():
    c = contract(cycle="quarterly", start_date=date(2024, 2, 10), alignment="calendar")
    first = next(iter_periods(c, until=date(2024, 4, 1)))
    # Q1 2024 = 31 + 29 + 31 = 91 days; covered 10 Feb..31 Mar = 20 + 31 = 51 days
    assert (first.full_start, first.full_end) == (date(2024, 1, 1), date(2024, 4, 1))
    assert (first.covered_days, first.days_in_period) == (51, 91)
    assert round_money(prorate(D(3000), first)) == D("1681.32")  # 3000*51/91 = 1681.318..


def test_annual_calendar_year_2024_has_366_days():
    c = contract(cycle="annual", start_date=date(2024, 3, 1), end_date=None, alignment="calendar")
    first = next(iter_periods(c, until=date(2025, 1, 1)))
    # 1 Mar..31 Dec 2024 = 306 days of 366: 12000 * 306 / 366 = 10032.786.. -> 10032.79
    assert (first.covered_days, first.days_in_period) == (306, 366)
    assert round_money(prorate(D(12000), first)) == D("10032.79")


def test_full_period_is_not_prorated():
    c = contract()
    first = next(iter_periods(c, until=date(2024, 2, 1)))
    assert prorate(D("1000.00"), first) == D("1000.00")


def test_arrears_periods_are_billed_the_day_after_they_end():
    c = contract(billing_timing="arrears")
    due = periods_for(c, date(2024, 4, 1))
    assert spans(due) == [
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 31)),
    ]
    assert [bill_date(c, p) for p in due] == [date(2024, 2, 1), date(2024, 3, 1), date(2024, 4, 1)]


def test_advance_periods_are_billed_on_their_first_day_and_since_limits_the_run():
    c = contract(billing_timing="advance")
    assert spans(periods_for(c, date(2024, 3, 1), since=date(2024, 2, 1))) == [
        (date(2024, 3, 1), date(2024, 3, 31))
    ]
    assert len(periods_for(c, date(2024, 3, 1))) == 3  # catch-up from the start


def test_advance_contract_gets_a_closing_period_for_its_last_usage():
    c = contract(billing_timing="advance", start_date=date(2024, 1, 1), end_date=date(2024, 3, 31))
    closing = closing_period(c)
    assert closing is not None and closing.is_closing
    assert closing.start == date(2024, 4, 1)
    assert usage_period(c, closing).start == date(2024, 3, 1)
    due = periods_for(c, date(2024, 4, 1))
    assert [p.start for p in due] == [
        date(2024, 1, 1),
        date(2024, 2, 1),
        date(2024, 3, 1),
        date(2024, 4, 1),
    ]
    assert closing_period(contract(billing_timing="arrears")) is None


def test_usage_period_is_previous_period_in_advance_and_same_in_arrears():
    adv = contract(billing_timing="advance")
    periods = list(iter_periods(adv, until=date(2024, 4, 1)))
    assert usage_period(adv, periods[0]) is None
    assert usage_period(adv, periods[2]) == periods[1]
    arr = contract(billing_timing="arrears")
    p = next(iter_periods(arr, until=date(2024, 2, 1)))
    assert usage_period(arr, p) == p


def test_open_ended_contract_keeps_billing():
    c = contract(end_date=None)
    assert len(periods_for(c, date(2029, 1, 1))) == 60


def test_invoice_key_is_contract_and_period_start():
    c = contract(contract_id=42)
    p = periods_for(c, date(2024, 2, 1))[0]
    assert invoice_key(42, p) == "42:2024-01-01"


def test_fixed_fee_annual_amount_billed_monthly():
    from billing.model import Usage
    from billing.pricing import invoice_lines

    c = contract(pricing=FixedFee(D("12000"), cycle="annual"))
    p = periods_for(c, date(2024, 2, 1))[0]
    [line] = invoice_lines(c, p, Usage())
    assert line.amount == D("1000.00")  # 12000 * 1 month / 12 months


def test_contract_rejects_bad_terms():
    with pytest.raises(ValueError):
        contract(billing_timing="later")
    with pytest.raises(ValueError):
        contract(start_date=date(2024, 2, 1), end_date=date(2024, 1, 1))
    with pytest.raises(ValueError):
        contract(cycle="weekly")


def test_add_months_matches_dateutil_relativedelta():
    """The peer billing/periods.py used before: every day of four years (leap day, month
    ends) plus -30 to +130 months."""
    from datetime import timedelta

    from dateutil.relativedelta import relativedelta

    from billing.periods import add_months

    day = date(2023, 1, 1)
    while day < date(2027, 1, 1):
        for months in (-30, -13, -1, 0, 1, 2, 3, 11, 12, 13, 25, 59, 130):
            assert add_months(day, months) == day + relativedelta(months=months), (day, months)
        day += timedelta(days=1)
