"""Turning rated time entries into invoice lines whose entry charges add up exactly.

A line's amount is computed once from exact minutes (amount = minutes * rate / 60,
rounded once per line); the entries behind it get shares of that rounded amount by
largest remainder (`billing.money.allocate`), so a backup document always sums to the
invoice to the cent, even when 3 x 20 minutes at 100.00/h make 100.00.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.model import EntryCharge, InvoiceLine, TimeEntry
from billing.money import allocate, round_money

SIXTY = Decimal(60)
HOURS_DISPLAY = Decimal("0.0001")

# Line kinds, in invoice order.
KIND_ORDER = (
    "recurring",
    "units",
    "included",
    "overage",
    "time_and_materials",
    "after_hours",
    "out_of_scope",
)
HOURLY_TITLES = {
    "time_and_materials": "Time & materials",
    "after_hours": "After-hours work",
    "out_of_scope": "Out-of-scope work (approved)",
}


@dataclass(frozen=True)
class RatedEntry:
    """How one entry is billed: kind (see KIND_ORDER, or included/block/not_billable)."""

    entry: TimeEntry
    kind: str
    rate: Decimal | None
    rule: str


def hours(minutes: Decimal) -> Decimal:
    """Display quantity in hours, 4 dp (amounts never use it)."""
    return (minutes / SIXTY).quantize(HOURS_DISPLAY)


def charge(
    rated: RatedEntry, *, timezone: str, minutes: Decimal, amount: Decimal, rule: str | None = None
) -> EntryCharge:
    entry = rated.entry
    return EntryCharge(
        entry_id=entry.entry_id,
        work_date=entry.local_date(timezone),
        ticket_id=entry.ticket_id,
        technician_id=entry.technician_id,
        role=entry.role,
        minutes=minutes,
        rate=rated.rate,
        rule=rule or rated.rule,
        amount=amount,
    )


def hourly_line(
    kind: str,
    title: str,
    parts: Sequence[tuple[RatedEntry, Decimal, str]],
    *,
    rate: Decimal,
    currency: str,
    timezone: str,
    period: tuple[date, date],
    role: str | None,
) -> InvoiceLine:
    """One line for (entry, minutes, rule) parts at one rate; charges allocated exactly."""
    total_minutes = sum((m for _, m, _ in parts), Decimal(0))
    amount = round_money(total_minutes * rate / SIXTY, currency)
    shares = allocate(amount, [m for _, m, _ in parts], currency)
    charges = tuple(
        charge(r, timezone=timezone, minutes=m, amount=share, rule=rule)
        for (r, m, rule), share in zip(parts, shares, strict=True)
    )
    quantity = hours(total_minutes)
    who = f" - {role}" if role else ""
    return InvoiceLine(
        kind=kind,
        description=f"{title}{who}: {quantity.normalize():f} h at {rate:.2f}/h",
        quantity=quantity,
        unit="hour",
        unit_price=rate,
        amount=amount,
        currency=currency,
        period_start=period[0],
        period_end=period[1],
        role=role,
        charges=charges,
    )


def hourly_lines(
    rated: Iterable[RatedEntry], *, currency: str, timezone: str, period: tuple[date, date]
) -> list[InvoiceLine]:
    """Group hourly entries by (kind, role, rate) into lines, in KIND_ORDER then role."""
    groups: dict[tuple[str, str, Decimal], list[tuple[RatedEntry, Decimal, str]]] = {}
    for r in rated:
        if r.kind not in HOURLY_TITLES or r.rate is None or r.entry.minutes is None:
            continue
        key = (r.kind, r.entry.role, r.rate)
        groups.setdefault(key, []).append((r, Decimal(r.entry.minutes), r.rule))
    lines = []
    for kind, role, rate in sorted(groups, key=lambda k: (KIND_ORDER.index(k[0]), k[1], k[2])):
        parts = sorted(groups[(kind, role, rate)], key=lambda p: p[0].entry.started_at)
        lines.append(
            hourly_line(
                kind,
                HOURLY_TITLES[kind],
                parts,
                rate=rate,
                currency=currency,
                timezone=timezone,
                period=period,
                role=role,
            )
        )
    return lines


@dataclass(frozen=True)
class BlockSplit:
    """How much of one entry fell within the block, on the prepaid bank, and over."""

    rated: RatedEntry
    within: Decimal
    prepaid: Decimal
    over: Decimal


def split_block(
    rated: Iterable[RatedEntry], *, block_minutes: Decimal, prepaid_minutes: Decimal
) -> list[BlockSplit]:
    """Consume the block, then the prepaid bank, in start order; the rest is overage."""
    splits = []
    block_left, prepaid_left = block_minutes, prepaid_minutes
    for r in sorted(rated, key=lambda r: (r.entry.started_at, str(r.entry.entry_id))):
        minutes = Decimal(r.entry.minutes or 0)
        within = min(minutes, max(block_left, Decimal(0)))
        block_left -= within
        prepaid = min(minutes - within, max(prepaid_left, Decimal(0)))
        prepaid_left -= prepaid
        splits.append(BlockSplit(r, within, prepaid, minutes - within - prepaid))
    return splits
