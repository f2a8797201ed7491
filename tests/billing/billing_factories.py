"""Small builders for billing tests: one contract, one entry, with sensible defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from billing.model import ContractBilling, TimeEntry
from billing.pricing import FixedFee

D = Decimal
UTC = UTC


def contract(**overrides) -> ContractBilling:
    data = dict(
        contract_id="C1",
        client_id="K1",
        currency="EUR",
        pricing=FixedFee(D("1000")),
        cycle="monthly",
        billing_timing="arrears",
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
    )
    data.update(overrides)
    return ContractBilling(**data)


_counter = iter(range(1, 10_000))


def entry(**overrides) -> TimeEntry:
    n = next(_counter)
    data = dict(
        entry_id=f"E{n}",
        contract_id="C1",
        client_id="K1",
        ticket_id=f"T{n}",
        technician_id="U1",
        role="engineer",
        started_at=datetime(2024, 3, 5, 10, 0, tzinfo=UTC),
        minutes=60,
        rate_charged=None,
        currency="EUR",
        entitlement_outcome="covered",
        approved=False,
    )
    data.update(overrides)
    return TimeEntry(**data)


def at(day: int, hour: int = 10, month: int = 3, year: int = 2024, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
