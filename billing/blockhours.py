"""Block-hours ledger: included hours, rollover with a cap, prepaid balance, alerts.

Per period, in hours (exact Decimal, never rounded here):

    available     = included + rollover_in
    overage       = max(0, used - included - rollover_in)
    rollover_out  = min(cap, max(0, included + rollover_in - used))   (0 without rollover;
                                                                      no cap when cap is None)
    prepaid_used  = min(prepaid_in, overage)     # a prepaid bank absorbs overage first
    billed        = overage - prepaid_used       # what the overage line charges
    share_used    = used / (included + rollover_in + prepaid_in)
    alert         = share_used >= alert_threshold_share

`included` is the period's included hours, prorated like the fee for a partial period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from billing.pricing import BlockHours

ZERO = Decimal(0)


@dataclass(frozen=True)
class BlockHoursState:
    """What a period inherits from the one before it."""

    rollover_in_hours: Decimal = ZERO
    prepaid_balance_hours: Decimal = ZERO


@dataclass(frozen=True)
class BlockHoursPeriod:
    """The block-hours result of one period."""

    included_hours: Decimal
    rollover_in_hours: Decimal
    used_hours: Decimal
    overage_hours: Decimal
    prepaid_in_hours: Decimal
    prepaid_used_hours: Decimal
    billed_overage_hours: Decimal
    rollover_out_hours: Decimal
    share_used: Decimal | None
    alert: bool

    @property
    def prepaid_out_hours(self) -> Decimal:
        return self.prepaid_in_hours - self.prepaid_used_hours

    def next_state(self) -> BlockHoursState:
        return BlockHoursState(self.rollover_out_hours, self.prepaid_out_hours)


def initial_state(model: BlockHours) -> BlockHoursState:
    """State of the first period: no rollover, the full prepaid balance."""
    return BlockHoursState(ZERO, model.prepaid_balance_hours)


def block_hours_step(
    model: BlockHours,
    used_hours: Decimal,
    *,
    included_hours: Decimal | None = None,
    state: BlockHoursState | None = None,
) -> BlockHoursPeriod:
    """Apply the block-hours formula to one period (see the module docstring)."""
    state = state or initial_state(model)
    included = model.included_hours_per_period if included_hours is None else included_hours
    rollover_in = state.rollover_in_hours
    overage = max(ZERO, used_hours - included - rollover_in)
    if model.rollover:
        rollover_out = max(ZERO, included + rollover_in - used_hours)
        if model.rollover_cap_hours is not None:
            rollover_out = min(model.rollover_cap_hours, rollover_out)
    else:
        rollover_out = ZERO
    prepaid_in = state.prepaid_balance_hours
    prepaid_used = min(prepaid_in, overage)
    capacity = included + rollover_in + prepaid_in
    share = used_hours / capacity if capacity > 0 else None
    # With no capacity at all, any use is worth an alert.
    alert = used_hours > 0 if share is None else share >= model.alert_threshold_share
    return BlockHoursPeriod(
        included_hours=included,
        rollover_in_hours=rollover_in,
        used_hours=used_hours,
        overage_hours=overage,
        prepaid_in_hours=prepaid_in,
        prepaid_used_hours=prepaid_used,
        billed_overage_hours=overage - prepaid_used,
        rollover_out_hours=rollover_out,
        share_used=share,
        alert=alert,
    )


def block_hours_ledger(
    model: BlockHours,
    used_hours: Sequence[Decimal],
    *,
    included_hours: Sequence[Decimal] | None = None,
    state: BlockHoursState | None = None,
) -> list[BlockHoursPeriod]:
    """Walk consecutive periods, carrying rollover and prepaid balance forward."""
    if included_hours is not None and len(included_hours) != len(used_hours):
        raise ValueError("included_hours and used_hours must have the same length")
    ledger: list[BlockHoursPeriod] = []
    for i, used in enumerate(used_hours):
        included = None if included_hours is None else included_hours[i]
        step = block_hours_step(model, used, included_hours=included, state=state)
        ledger.append(step)
        state = step.next_state()
    return ledger
