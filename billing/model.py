"""Input and output shapes of billing; the integrator maps database rows to these.

Contracts (`ContractBilling`) and time entries (`TimeEntry`) come in; invoice lines
(`InvoiceLine`, each carrying the entry charges that back it) and invoices go out.
Everything is frozen: a correction is a new object (or, once issued, a credit note).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from billing.blockhours import BlockHoursState
    from billing.periods import BillingPeriod
    from billing.pricing import PricingModel, TimeAndMaterials
    from billing.tax import TaxRate


class Cycle(StrEnum):
    """Billing cycle; the value is what the database and DataFrames hold."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "annual": 12}[self.value]


class Outcome(StrEnum):
    """Entitlement outcome of a time entry, as computed by sla/entitlement.py."""

    COVERED = "covered"
    COVERED_AFTER_HOURS = "covered_after_hours"
    OUT_OF_SCOPE = "out_of_scope"
    NO_CONTRACT = "no_contract"

    @classmethod
    def parse(cls, value: object) -> Outcome | None:
        """Accept 'covered-after-hours', 'Covered after hours', enum members; else None."""
        if isinstance(value, cls):
            return value
        if value is None:
            return None
        if isinstance(value, str):  # the common case, once per entry and check: cached
            return _parse_text(value)
        return _parse_text(str(getattr(value, "value", value)))


@lru_cache(maxsize=256)
def _parse_text(value: str) -> Outcome | None:
    text = value.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Outcome(text)
    except ValueError:
        return None


# Database ids are ints, demo and test ids are often strings: both are accepted.
Id = str | int
Timing = Literal["advance", "arrears"]
Alignment = Literal["contract", "calendar"]


@dataclass(frozen=True)
class ContractBilling:
    """The billing terms of one contract.

    `end_date` is the last covered day (inclusive); None means open-ended.
    `alignment`: 'contract' (stored as 'anniversary') anchors periods on the start date
    (every period full except possibly the last); 'calendar' bills calendar
    months/quarters/years, so the first period is prorated too. `rates` is the rate
    card for work billed by the hour on top of a recurring fee (out-of-scope,
    after-hours); a TimeAndMaterials pricing is its own rate card. `timezone` decides
    on which local day an entry was worked.
    """

    contract_id: Id
    client_id: Id
    currency: str
    pricing: PricingModel | None
    cycle: Cycle
    billing_timing: Timing
    start_date: date
    end_date: date | None = None
    rates: TimeAndMaterials | None = None
    alignment: Alignment = "contract"
    timezone: str = "UTC"
    payment_terms_days: int = 30

    def __post_init__(self) -> None:
        object.__setattr__(self, "cycle", Cycle(self.cycle))
        object.__setattr__(self, "currency", str(self.currency).upper())
        if self.alignment == "anniversary":  # the stored name of contract alignment
            object.__setattr__(self, "alignment", "contract")
        if len(self.currency) != 3:
            raise ValueError(f"currency must be an ISO 4217 code, got {self.currency!r}")
        if self.billing_timing not in ("advance", "arrears"):
            raise ValueError(f"billing_timing must be advance or arrears: {self.billing_timing}")
        if self.alignment not in ("contract", "calendar"):
            raise ValueError(f"alignment must be contract or calendar: {self.alignment}")
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError(f"contract {self.contract_id} ends before it starts")
        ZoneInfo(self.timezone)  # fail early on a bad zone name

    def in_force(self, day: date) -> bool:
        """True when `day` lies inside the contract term."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True)
class TimeEntry:
    """One piece of logged work. `started_at` must be timezone-aware.

    `after_hours` None means "as the entitlement outcome says"; set it when the
    time-tracking tool records it (e.g. out-of-scope work done at night).
    `rate_charged` None means the technician charged no explicit rate.
    """

    entry_id: Id
    contract_id: Id | None
    client_id: Id
    ticket_id: Id | None
    technician_id: Id | None
    role: str
    started_at: datetime
    minutes: int | None
    rate_charged: Decimal | None
    currency: str | None
    entitlement_outcome: str
    approved: bool = False
    after_hours: bool | None = None

    def __post_init__(self) -> None:
        if self.started_at.tzinfo is None or self.started_at.utcoffset() is None:
            raise ValueError(f"entry {self.entry_id}: started_at must be timezone-aware")

    @cached_property
    def outcome(self) -> Outcome | None:
        # parsed once per entry: validation, rating and the split read it ~4 times each
        return Outcome.parse(self.entitlement_outcome)

    @property
    def is_after_hours(self) -> bool:
        if self.after_hours is not None:
            return bool(self.after_hours)
        return self.outcome is Outcome.COVERED_AFTER_HOURS

    def local_date(self, timezone: str) -> date:
        """The day the work started, in the contract's zone."""
        return self.started_at.astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True)
class EntryCharge:
    """One time entry's part of an invoice line (the backup document row)."""

    entry_id: Id
    work_date: date
    ticket_id: Id | None
    technician_id: Id | None
    role: str
    minutes: Decimal
    rate: Decimal | None
    rule: str
    amount: Decimal


@dataclass(frozen=True)
class InvoiceLine:
    """One invoice line; `amount` is rounded once; `charges` are the entries behind it.

    For hourly lines the charges sum exactly to `amount`. For recurring lines (`kind`
    'recurring' or 'units') the charges are the work the fee included, at amount 0.
    `quantity` is for display (hours to 4 dp); the amount comes from exact minutes.
    """

    kind: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal
    currency: str
    period_start: date
    period_end: date
    role: str | None = None
    charges: tuple[EntryCharge, ...] = ()


@dataclass(frozen=True)
class Usage:
    """What was consumed in a usage window: entries, unit counts, block-hours state.

    `period` is the usage window when it differs from the invoiced period (billing in
    advance bills the previous period's usage); None means the invoiced period.
    """

    entries: Sequence[TimeEntry] = ()
    unit_counts: Mapping[str, int] = field(default_factory=dict)
    block_state: BlockHoursState | None = None
    period: BillingPeriod | None = None


InvoiceStatus = Literal["draft", "issued", "void"]


@dataclass(frozen=True)
class Invoice:
    """An invoice or, with `credits_invoice_no` set, a credit note.

    `status` is the stored lifecycle state (draft, issued, void); paid, partially paid
    and overdue are derived at a date from payments (billing.ageing).
    """

    invoice_no: str
    contract_id: Id | None
    client_id: Id
    currency: str
    issue_date: date
    due_date: date
    lines: tuple[InvoiceLine, ...]
    status: InvoiceStatus = "draft"
    period_start: date | None = None
    period_end: date | None = None
    credits_invoice_no: str | None = None
    tax: TaxRate | None = None  # the tax its "tax" line was computed with (billing.tax)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def is_credit_note(self) -> bool:
        return self.credits_invoice_no is not None
