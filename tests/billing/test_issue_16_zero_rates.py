"""Issue 16: an explicit 0 rate, multiplier, fee or included quantity is billed as 0."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.frames import contract_from_row
from billing.model import Usage
from billing.periods import period_at
from billing.pricing import BlockHours, TimeAndMaterials, contracted_rate, invoice_lines
from tests.billing.billing_factories import at, entry

D = Decimal
ROW = {
    "contract_id": 1,
    "client_id": 1,
    "currency": "USD",
    "billing_cycle": "monthly",
    "billing_timing": "arrears",
    "start_date": date(2026, 1, 1),
}


def test_zero_after_hours_multiplier_is_kept():
    row = {**ROW, "pricing_model": "time_materials", "hourly_rate": D("100"),
           "after_hours_multiplier": D("0")}
    c = contract_from_row(row)
    assert isinstance(c.pricing, TimeAndMaterials)
    assert c.pricing.after_hours_multiplier == D("0")
    assert contracted_rate(c, "engineer", after_hours=True)[0] == D("0")


def test_missing_after_hours_multiplier_defaults_to_one_and_a_half():
    row = {**ROW, "pricing_model": "time_materials", "hourly_rate": D("100")}
    assert contract_from_row(row).pricing.after_hours_multiplier == D("1.5")


def test_zero_overage_rate_is_not_replaced_by_hourly_rate():
    row = {**ROW, "pricing_model": "block_hours", "included_hours": D("0"),
           "recurring_fee": D("0"), "overage_rate": D("0"), "hourly_rate": D("120")}
    c = contract_from_row(row)
    assert isinstance(c.pricing, BlockHours)
    assert c.pricing.overage_rate == D("0")
    assert c.pricing.included_hours_per_period == D("0")
    assert c.pricing.fee == D("0")


def test_block_without_overage_rate_falls_back_to_hourly():
    row = {**ROW, "pricing_model": "block_hours", "included_hours": D("10"),
           "recurring_fee": D("500"), "hourly_rate": D("120")}
    assert contract_from_row(row).pricing.overage_rate == D("120")


def test_zero_rates_bill_zero_amounts():
    """Zero included hours, zero overage: 2 h of work is all overage at 0.00."""
    row = {**ROW, "contract_id": "C1", "client_id": "K1", "pricing_model": "block_hours",
           "included_hours": D("0"), "recurring_fee": D("0"), "overage_rate": D("0")}
    c = contract_from_row(row)
    period = period_at(c, 2)  # March 2026
    work = [entry(started_at=at(5, month=3, year=2026), minutes=120, currency="USD")]
    lines = invoice_lines(c, period, Usage(entries=work))
    over = [ln for ln in lines if ln.kind == "overage"]
    assert len(over) == 1 and over[0].amount == D("0.00") and over[0].quantity == D("2.0000")
    assert sum(ln.amount for ln in lines) == D("0")
