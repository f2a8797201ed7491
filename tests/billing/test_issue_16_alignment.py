"""Issue 16: calendar alignment with proration by day, hand-computed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.frames import contract_from_row
from billing.model import Usage
from billing.periods import bill_date, iter_periods, periods_for
from billing.pricing import FixedFee, invoice_lines
from billing.run import invoice_run
from tests.billing.billing_factories import contract

D = Decimal


def _recurring(c, until):
    out = []
    for p in iter_periods(c, until=until):
        line = invoice_lines(c, p, Usage())[0]
        out.append((p.start, p.last_day, line.amount, line.description))
    return out


def test_mid_month_start_is_prorated_19_of_28_then_whole_months():
    # 10 Feb 2026 .. 28 Feb = 19 of 28 days; 2800 * 19 / 28 = 1900.00
    c = contract(start_date=date(2026, 2, 10), end_date=None, alignment="calendar",
                 pricing=FixedFee(D("2800")), currency="USD")
    got = _recurring(c, date(2026, 4, 1))
    assert got[0][:3] == (date(2026, 2, 10), date(2026, 2, 28), D("1900.00"))
    assert got[0][3].endswith("(prorated 19/28 days)")
    assert got[1][:3] == (date(2026, 3, 1), date(2026, 3, 31), D("2800.00"))
    assert "prorated" not in got[1][3]


def test_leap_year_quarter_is_prorated_over_91_days():
    # Q1 2028 = 31 + 29 + 31 = 91 days; 15 Feb..31 Mar = 15 + 31 = 46 days;
    # 9100 * 46 / 91 = 4600.00
    c = contract(start_date=date(2028, 2, 15), end_date=None, alignment="calendar",
                 cycle="quarterly", pricing=FixedFee(D("9100"), "quarterly"))
    got = _recurring(c, date(2028, 4, 2))
    assert got[0][:3] == (date(2028, 2, 15), date(2028, 3, 31), D("4600.00"))
    assert "prorated 46/91 days" in got[0][3]
    assert got[1][:3] == (date(2028, 4, 1), date(2028, 6, 30), D("9100.00"))


def test_contract_ending_mid_period_prorates_the_last_month():
    # ends 14 June 2026: 14 of 30 days of 3000 = 1400.00
    c = contract(start_date=date(2026, 1, 1), end_date=date(2026, 6, 14), alignment="calendar",
                 pricing=FixedFee(D("3000")))
    got = _recurring(c, date(2027, 1, 1))
    assert len(got) == 6
    assert got[-1][:3] == (date(2026, 6, 1), date(2026, 6, 14), D("1400.00"))
    assert "prorated 14/30 days" in got[-1][3]


def test_anniversary_keeps_periods_on_the_start_day():
    c = contract(start_date=date(2026, 2, 10), end_date=None, alignment="anniversary",
                 pricing=FixedFee(D("2800")))
    got = _recurring(c, date(2026, 4, 1))
    assert [(s, e, a) for s, e, a, _ in got] == [
        (date(2026, 2, 10), date(2026, 3, 9), D("2800.00")),
        (date(2026, 3, 10), date(2026, 4, 9), D("2800.00")),
    ]


def test_advance_bills_on_the_first_day_arrears_on_the_day_after():
    adv = contract(start_date=date(2026, 2, 10), end_date=None, alignment="calendar",
                   billing_timing="advance")
    arr = contract(start_date=date(2026, 2, 10), end_date=None, alignment="calendar",
                   billing_timing="arrears")
    assert [bill_date(adv, p) for p in periods_for(adv, date(2026, 3, 31))] == [
        date(2026, 2, 10), date(2026, 3, 1)]
    assert [bill_date(arr, p) for p in periods_for(arr, date(2026, 3, 31))] == [
        date(2026, 3, 1)]


def test_stored_alignment_reaches_the_billing_contract():
    row = {"contract_id": 1, "client_id": 1, "start_date": date(2026, 2, 10),
           "pricing_model": "fixed", "recurring_fee": D("2800")}
    assert contract_from_row({**row, "billing_alignment": "calendar"}).alignment == "calendar"
    assert contract_from_row({**row, "billing_alignment": "anniversary"}).alignment == "contract"
    assert contract_from_row(row).alignment == "contract"  # rows stored before the choice


def test_rerunning_a_period_gives_identical_invoices():
    c = contract(start_date=date(2026, 2, 10), end_date=None, alignment="calendar",
                 pricing=FixedFee(D("2800")))
    one = invoice_run([c], [], run_date=date(2026, 3, 31))
    two = invoice_run([c], [], run_date=date(2026, 3, 31))
    assert one.invoices == two.invoices
    assert [i.invoice_no for i in one.invoices] == ["C1:2026-02-10"]
