"""Billing periods: cycles anchored on the contract, advance/arrears, proration by day.

A period's nominal span is k cycles after the anchor, computed from the anchor each
time (never by adding months repeatedly), so a contract starting on 31 January bills
31 Jan, 29 Feb, 31 Mar, 30 Apr... The covered span is the nominal span clipped to the
contract term. Proration (documented formula):

    prorated fee = fee * covered_days / days_in_period

where days_in_period is the real number of days of that nominal period (28, 29, 30 or
31 for a month; 90-92 for a quarter; 365 or 366 for a year), so leap years and month
ends are exact. The result is rounded once, on the invoice line.

Timing: in advance, a period is invoiced on its first covered day and its usage
(hours beyond the fee) on the next invoice; in arrears, a period is invoiced on the day
after its last covered day, usage included. An advance contract with an end date gets
a zero-length closing period on the day after it ends, which bills the last usage.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from billing.model import ContractBilling, Cycle, Id


@dataclass(frozen=True)
class BillingPeriod:
    """Covered span [start, end) inside the nominal span [full_start, full_end)."""

    start: date
    end: date
    full_start: date
    full_end: date
    index: int

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def covered_days(self) -> int:
        return (self.end - self.start).days

    @property
    def days_in_period(self) -> int:
        return (self.full_end - self.full_start).days

    @property
    def is_partial(self) -> bool:
        return self.covered_days != self.days_in_period

    @property
    def is_closing(self) -> bool:
        """The zero-length period that carries an advance contract's last usage."""
        return self.covered_days == 0

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def label(self) -> str:
        if self.is_closing:
            return f"closing {self.start:%d %b %Y}"
        return f"{self.start:%d %b %Y} - {self.last_day:%d %b %Y}"


def prorate(amount: Decimal, period: BillingPeriod) -> Decimal:
    """amount * covered_days / days_in_period, unrounded (the line rounds once)."""
    if not period.is_partial:
        return amount
    return amount * Decimal(period.covered_days) / Decimal(period.days_in_period)


def _anchor(contract: ContractBilling) -> date:
    start = contract.start_date
    if contract.alignment == "contract":
        return start
    if contract.cycle is Cycle.MONTHLY:
        return start.replace(day=1)
    if contract.cycle is Cycle.QUARTERLY:
        return date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    return date(start.year, 1, 1)


def _term_end(contract: ContractBilling) -> date | None:
    """Exclusive end of the contract term."""
    return None if contract.end_date is None else contract.end_date + timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, the day clamped to the month's length, as
    dateutil's relativedelta(months=...) adds them, at a tenth of its cost (every run walks
    each contract's periods from its start)."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def period_at(contract: ContractBilling, index: int) -> BillingPeriod | None:
    """The index-th period (0-based) of the contract, None when outside the term."""
    anchor = _anchor(contract)
    months = contract.cycle.months
    term_end = _term_end(contract)
    full_start = add_months(anchor, months * index)
    full_end = add_months(anchor, months * (index + 1))
    start = max(full_start, contract.start_date)
    end = full_end if term_end is None else min(full_end, term_end)
    if index < 0 or end <= start:
        return None
    return BillingPeriod(start, end, full_start, full_end, index)


def iter_periods(contract: ContractBilling, *, until: date) -> Iterator[BillingPeriod]:
    """Covered periods of the contract whose first day is before `until`."""
    index = 0
    while True:
        period = period_at(contract, index)
        if period is None or period.start >= until:
            return
        yield period
        index += 1


def closing_period(contract: ContractBilling) -> BillingPeriod | None:
    """Zero-length period after the term of an advance contract (bills the last usage)."""
    term_end = _term_end(contract)
    if contract.billing_timing != "advance" or term_end is None:
        return None
    periods = list(iter_periods(contract, until=term_end))
    if not periods:
        return None
    last = periods[-1]
    return BillingPeriod(term_end, term_end, last.full_start, last.full_end, last.index + 1)


def bill_date(contract: ContractBilling, period: BillingPeriod) -> date:
    """The day a period is invoiced: its first day in advance, the day after in arrears."""
    return period.start if contract.billing_timing == "advance" else period.end


def periods_for(
    contract: ContractBilling, run_date: date, *, since: date | None = None
) -> list[BillingPeriod]:
    """Periods whose bill date is on or before `run_date` (and after `since`, if given).

    Catch-up by design: a missed run never loses an invoice. Runs are idempotent
    through `invoice_key`, which the integrator's database enforces.
    """
    periods = list(iter_periods(contract, until=run_date + timedelta(days=1)))
    closing = closing_period(contract)
    if closing is not None:
        periods.append(closing)
    return [
        p
        for p in periods
        if bill_date(contract, p) <= run_date and (since is None or bill_date(contract, p) > since)
    ]


def usage_period(contract: ContractBilling, period: BillingPeriod) -> BillingPeriod | None:
    """The period whose usage is billed with `period` (the previous one in advance)."""
    if contract.billing_timing == "arrears":
        return period
    return period_at(contract, period.index - 1)


def invoice_key(contract_id: Id, period: BillingPeriod) -> str:
    """Idempotency key of an invoice run: contract id + period start."""
    return f"{contract_id}:{period.start.isoformat()}"
