"""Pricing models and the invoice lines of one contract for one period.

Four models: a fixed recurring fee, a price per unit (devices, users), a block of
hours with overage (and optional rollover and prepaid bank), and time and materials.
Work billed by the hour on top of a fee (approved out-of-scope work, covered
after-hours work) is priced from the contract's rate card: the TimeAndMaterials
pricing itself, or `ContractBilling.rates`; a block-hours contract without a rate card
falls back to its overage rate. Money is rounded once per line (billing.money).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from billing.blockhours import BlockHoursPeriod, BlockHoursState, block_hours_step, initial_state
from billing.model import ContractBilling, Cycle, InvoiceLine, Outcome, TimeEntry, Usage
from billing.money import require_decimal, round_money
from billing.periods import BillingPeriod, prorate
from billing.rating import SIXTY, RatedEntry, charge, hourly_line, hourly_lines, hours, split_block


@dataclass(frozen=True)
class FixedFee:
    """`amount` per `cycle`, converted to the contract's billing cycle by months."""

    amount: Decimal
    cycle: Cycle = Cycle.MONTHLY
    description: str = "Support services"

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", require_decimal(self.amount, "amount"))
        object.__setattr__(self, "cycle", Cycle(self.cycle))


@dataclass(frozen=True)
class PerUnit:
    """`unit_price` per unit per `cycle`; `counts` maps effective date -> unit count."""

    unit_name: str
    unit_price: Decimal
    counts: Mapping[date, int] = field(default_factory=dict)
    minimum_units: int = 0
    cycle: Cycle = Cycle.MONTHLY

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit_price", require_decimal(self.unit_price, "unit_price"))
        object.__setattr__(self, "cycle", Cycle(self.cycle))

    def count_on(self, day: date) -> int:
        """The count in effect on `day` (latest effective date on or before it)."""
        effective = [d for d in self.counts if d <= day]
        return self.counts[max(effective)] if effective else 0


@dataclass(frozen=True)
class BlockHours:
    """Included hours per billing period for `fee`; hours beyond at `overage_rate`."""

    included_hours_per_period: Decimal
    fee: Decimal
    overage_rate: Decimal
    rollover: bool = False
    rollover_cap_hours: Decimal | None = None
    prepaid_balance_hours: Decimal = Decimal(0)
    alert_threshold_share: Decimal = Decimal("0.8")

    def __post_init__(self) -> None:
        for name in ("included_hours_per_period", "fee", "overage_rate", "prepaid_balance_hours"):
            object.__setattr__(self, name, require_decimal(getattr(self, name), name))
        share = require_decimal(self.alert_threshold_share, "alert_threshold_share")
        object.__setattr__(self, "alert_threshold_share", share)
        if self.rollover_cap_hours is not None:
            cap = require_decimal(self.rollover_cap_hours, "rollover_cap_hours")
            object.__setattr__(self, "rollover_cap_hours", cap)


@dataclass(frozen=True)
class TimeAndMaterials:
    """Hourly rate per role; after-hours work at rate * multiplier."""

    rates: Mapping[str, Decimal]
    after_hours_multiplier: Decimal = Decimal("1.5")
    default_rate: Decimal | None = None

    def __post_init__(self) -> None:
        rates = {role: require_decimal(r, f"rate of {role}") for role, r in self.rates.items()}
        object.__setattr__(self, "rates", rates)
        mult = require_decimal(self.after_hours_multiplier, "after_hours_multiplier")
        object.__setattr__(self, "after_hours_multiplier", mult)
        if self.default_rate is not None:
            object.__setattr__(self, "default_rate", require_decimal(self.default_rate, "rate"))


MINUTE_PRECISION = Decimal("0.0001")
PricingModel = FixedFee | PerUnit | BlockHours | TimeAndMaterials
MODEL_NAMES: dict[str, type] = {
    "fixed_fee": FixedFee,
    "per_unit": PerUnit,
    "block_hours": BlockHours,
    "time_and_materials": TimeAndMaterials,
}


def pricing_to_dict(model: PricingModel) -> dict[str, Any]:
    """JSON-ready form (Decimals and dates as strings) for a database column."""
    name = next(k for k, v in MODEL_NAMES.items() if isinstance(model, v))
    out: dict[str, Any] = {"model": name}
    for key, value in vars(model).items():
        if isinstance(value, Mapping):
            value = {str(k): (str(v) if isinstance(v, Decimal) else v) for k, v in value.items()}
        elif isinstance(value, Decimal | Cycle):
            value = str(value)
        out[key] = value
    return out


def pricing_from_dict(data: Mapping[str, Any]) -> PricingModel:
    """Inverse of pricing_to_dict; unknown keys are an error, not silently dropped."""
    params = dict(data)
    cls = MODEL_NAMES[params.pop("model")]
    if cls is PerUnit and "counts" in params:
        params["counts"] = {date.fromisoformat(str(k)): int(v) for k, v in params["counts"].items()}
    return cls(**params)


def rate_card(contract: ContractBilling) -> TimeAndMaterials | None:
    pricing = contract.pricing
    return pricing if isinstance(pricing, TimeAndMaterials) else contract.rates


def contracted_rate(
    contract: ContractBilling, role: str, *, after_hours: bool
) -> tuple[Decimal, str] | None:
    """(hourly rate, how it was derived) for billable work by `role`, or None."""
    card = rate_card(contract)
    if card is not None:
        base = card.rates.get(role, card.default_rate)
        if base is None:
            return None
        if after_hours:
            mult = card.after_hours_multiplier
            return base * mult, f"{role} {base:.2f}/h x {mult.normalize():f} after hours"
        return base, f"{role} {base:.2f}/h"
    if isinstance(contract.pricing, BlockHours):
        return contract.pricing.overage_rate, "block overage rate"
    return None


def rate_entry(contract: ContractBilling, entry: TimeEntry) -> RatedEntry:
    """Decide how one entry is billed under the contract (kind, rate, rule)."""
    outcome = entry.outcome
    pricing = contract.pricing

    def unbillable(why: str) -> RatedEntry:
        return RatedEntry(entry, "not_billable", None, why)

    if entry.minutes is None or entry.minutes <= 0:
        return unbillable("minutes must be > 0")
    if outcome is None:
        return unbillable(f"unknown entitlement outcome {entry.entitlement_outcome!r}")
    if outcome is Outcome.NO_CONTRACT:
        return unbillable("no contract in force")
    if pricing is None:
        return unbillable("contract has no pricing model")
    if outcome is Outcome.OUT_OF_SCOPE and not entry.approved:
        return unbillable("out-of-scope work awaiting approval")
    if outcome is Outcome.COVERED and not isinstance(pricing, TimeAndMaterials):
        kind = "block" if isinstance(pricing, BlockHours) else "included"
        return RatedEntry(entry, kind, None, f"included in {_fee_name(pricing)}")
    after_hours = outcome is Outcome.COVERED_AFTER_HOURS or (
        outcome is Outcome.OUT_OF_SCOPE and entry.is_after_hours
    )
    found = contracted_rate(contract, entry.role, after_hours=after_hours)
    if found is None:
        return unbillable(f"no contracted rate for role {entry.role!r}")
    rate, how = found
    kind = {
        Outcome.COVERED: "time_and_materials",
        Outcome.COVERED_AFTER_HOURS: "after_hours",
        Outcome.OUT_OF_SCOPE: "out_of_scope",
    }[outcome]
    return RatedEntry(entry, kind, rate, how)


def _minutes(hours_value: Decimal) -> Decimal:
    """Hours to minutes at 1/10,000 minute, so 2/3 h splits as 40 min, not 40.000..02."""
    return (hours_value * SIXTY).quantize(MINUTE_PRECISION)


def _fee_name(pricing: PricingModel) -> str:
    if isinstance(pricing, BlockHours):
        return "block hours"
    if isinstance(pricing, PerUnit):
        return f"per-{pricing.unit_name} fee"
    return "fixed fee"


def _recurring_line(
    contract: ContractBilling, period: BillingPeriod, usage: Usage
) -> InvoiceLine | None:
    pricing = contract.pricing
    months = Decimal(contract.cycle.months)
    share = f" (prorated {period.covered_days}/{period.days_in_period} days)"
    share = share if period.is_partial else ""
    common = {
        "currency": contract.currency,
        "period_start": period.start,
        "period_end": period.last_day,
    }
    if isinstance(pricing, FixedFee):
        full = pricing.amount * months / Decimal(pricing.cycle.months)
        amount = round_money(prorate(full, period), contract.currency)
        text = f"{pricing.description}, {period.label()}{share}"
        return InvoiceLine("recurring", text, Decimal(1), "period", amount, amount, **common)
    if isinstance(pricing, PerUnit):
        count = usage.unit_counts.get(pricing.unit_name, pricing.count_on(period.start))
        count = max(count, pricing.minimum_units)
        price = pricing.unit_price * months / Decimal(pricing.cycle.months)
        amount = round_money(prorate(price * count, period), contract.currency)
        text = f"{count} {pricing.unit_name} x {price:.2f}, {period.label()}{share}"
        return InvoiceLine(
            "units", text, Decimal(count), pricing.unit_name, price, amount, **common
        )
    if isinstance(pricing, BlockHours):
        amount = round_money(prorate(pricing.fee, period), contract.currency)
        included = prorate(pricing.included_hours_per_period, period)
        text = f"Block of {included.quantize(Decimal('0.01'))} h, {period.label()}{share}"
        return InvoiceLine("recurring", text, Decimal(1), "period", amount, amount, **common)
    return None


def invoice_lines(
    contract: ContractBilling, period: BillingPeriod, usage: Usage
) -> list[InvoiceLine]:
    """Invoice lines for `period`: recurring fee, units, included work, overage, hourly work.

    `usage.entries` are the validated entries of the usage window (`usage.period`, or
    `period` itself when billing in arrears); entries that cannot be billed (no contract,
    unapproved out-of-scope, no rate) are left out, validation reports them.
    """
    if contract.pricing is None:
        raise ValueError(f"contract {contract.contract_id} has no pricing model")
    window = usage.period or period
    span = (window.start, window.last_day if window.covered_days else window.start)
    tz, cur = contract.timezone, contract.currency
    lines: list[InvoiceLine] = []
    if period.covered_days:
        recurring = _recurring_line(contract, period, usage)
        if recurring is not None:
            lines.append(recurring)
    rated = [rate_entry(contract, e) for e in usage.entries]
    included = [(r, Decimal(r.entry.minutes or 0), r.rule) for r in rated if r.kind == "included"]
    overage: list[tuple[RatedEntry, Decimal, str]] = []
    pricing = contract.pricing
    if isinstance(pricing, BlockHours):
        state = usage.block_state or initial_state(pricing)
        block_hours = prorate(pricing.included_hours_per_period, window) + state.rollover_in_hours
        splits = split_block(
            [r for r in rated if r.kind == "block"],
            block_minutes=_minutes(block_hours),
            prepaid_minutes=_minutes(state.prepaid_balance_hours),
        )
        block_rule = f"within block of {block_hours.quantize(Decimal('0.01'))} h"
        for s in splits:
            if s.within:
                included.append((s.rated, s.within, block_rule))
            if s.prepaid:
                included.append((s.rated, s.prepaid, "prepaid hours"))
            if s.over:
                rule = f"overage at {pricing.overage_rate:.2f}/h"
                rated_over = RatedEntry(s.rated.entry, "overage", pricing.overage_rate, rule)
                overage.append((rated_over, s.over, rule))
    if included:
        zero = round_money(Decimal(0), cur)
        total = hours(sum((m for _, m, _ in included), Decimal(0)))
        charges = tuple(
            charge(r, timezone=tz, minutes=m, amount=zero, rule=rule) for r, m, rule in included
        )
        text = f"Included work: {total.normalize():f} h"
        lines.append(
            InvoiceLine("included", text, total, "hour", zero, zero, cur, *span, None, charges)
        )
    if overage and isinstance(pricing, BlockHours):
        title = "Block hours overage"
        rate = pricing.overage_rate
        lines.append(
            hourly_line(
                "overage",
                title,
                overage,
                rate=rate,
                currency=cur,
                timezone=tz,
                period=span,
                role=None,
            )
        )
    lines.extend(hourly_lines(rated, currency=cur, timezone=tz, period=span))
    return lines


def block_usage(contract: ContractBilling, window: BillingPeriod, usage: Usage) -> BlockHoursPeriod:
    """The block-hours ledger row of a usage window (for alerts and the next state)."""
    pricing = contract.pricing
    if not isinstance(pricing, BlockHours):
        raise ValueError(f"contract {contract.contract_id} is not priced in block hours")
    rated = (rate_entry(contract, e) for e in usage.entries)
    minutes = sum((Decimal(r.entry.minutes or 0) for r in rated if r.kind == "block"), Decimal(0))
    return block_window_step(pricing, window, minutes, usage.block_state)


def block_window_step(
    pricing: BlockHours, window: BillingPeriod, minutes: Decimal, state: BlockHoursState | None
) -> BlockHoursPeriod:
    """The ledger row of a window whose block-rated work came to `minutes`: the one rule an
    invoice run and a replay from summed minutes (billing.run.replay_block_states) share."""
    return block_hours_step(
        pricing,
        minutes / SIXTY,
        included_hours=prorate(pricing.included_hours_per_period, window),
        state=state,
    )
