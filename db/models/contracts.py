"""Contracts and what hangs off them: calendars, services, SLA policy, documents, terms."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts.term import last_day
from db.base import Base, Rate, utcnow

TIERS = ("platinum", "gold", "silver", "bronze")
STATUSES = ("draft", "active", "expired", "terminated")
PRICING_MODELS = ("fixed", "per_unit", "block_hours", "time_materials")
BILLING_CYCLES = ("monthly", "quarterly", "annual")
BILLING_ALIGNMENTS = ("calendar", "anniversary")


class Calendar(Base):
    """Coverage hours: a weekly spec (e.g. "8x5" or "Mon-Fri 08:00-18:00") in an IANA zone."""

    __tablename__ = "calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    spec: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(2))
    subdivision: Mapped[str | None] = mapped_column(String(10))

    holidays: Mapped[list[CalendarHoliday]] = relationship(
        back_populates="calendar", cascade="all, delete-orphan", order_by="CalendarHoliday.day"
    )


class CalendarVersion(Base):
    """A calendar as it was from `valid_from`: tickets created from then use it, so a
    change of hours, zone or holidays never moves the SLA results of earlier tickets."""

    __tablename__ = "calendar_versions"
    __table_args__ = (UniqueConstraint("calendar_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id"), index=True)
    version: Mapped[int]
    valid_from: Mapped[datetime]
    spec: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(2))
    subdivision: Mapped[str | None] = mapped_column(String(10))
    custom_holidays: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates
    note: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarHoliday(Base):
    """Holidays are stored as explicit dates: regions differ and the package changes."""

    __tablename__ = "calendar_holidays"
    __table_args__ = (UniqueConstraint("calendar_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendars.id"), index=True)
    day: Mapped[date]
    name: Mapped[str] = mapped_column(String(120))

    calendar: Mapped[Calendar] = relationship(back_populates="holidays")


class Contract(Base):
    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(40), default="silver")
    status: Mapped[str] = mapped_column(String(20), default="active")
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    term_months: Mapped[int | None]
    auto_renew: Mapped[bool] = mapped_column(default=False)
    renewal_term_months: Mapped[int | None]
    notice_days: Mapped[int | None]
    # Term model (contracts/term.py): evergreen runs until notice; notice_given_on is the
    # day notice of non-renewal was given; terminated_on the last day in force.
    evergreen: Mapped[bool] = mapped_column(default=False)
    notice_given_on: Mapped[date | None]
    terminated_on: Mapped[date | None]
    # Derived, kept by the ORM on every save: contracts.term.last_day(self) (None = runs on).
    # Engines filter "in force on d" with it, never with end_date (the initial term's end).
    in_force_until: Mapped[date | None] = mapped_column(index=True)
    # Contract facts from the document, shown on the contract page: liability cap,
    # termination for convenience, warranty, governing law ({"governing_law": "England"}).
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    value: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    pricing_model: Mapped[str | None] = mapped_column(String(20))
    billing_cycle: Mapped[str] = mapped_column(String(20), default="monthly")
    billing_timing: Mapped[str] = mapped_column(String(10), default="advance")
    # calendar: months/quarters/years from the 1st, partial first/last periods prorated by
    # day; anniversary: periods from the start date. New contracts bill on the calendar;
    # contracts stored before the choice existed keep anniversary (migration 0009).
    billing_alignment: Mapped[str] = mapped_column(String(12), default="calendar")
    recurring_fee: Mapped[Decimal | None]
    unit_name: Mapped[str | None] = mapped_column(String(40))
    unit_price: Mapped[Decimal | None] = mapped_column(Rate)
    unit_count: Mapped[int | None]
    included_hours: Mapped[Decimal | None]
    rollover: Mapped[bool] = mapped_column(default=False)
    rollover_cap_hours: Mapped[Decimal | None]
    hourly_rate: Mapped[Decimal | None] = mapped_column(Rate)
    overage_rate: Mapped[Decimal | None] = mapped_column(Rate)
    after_hours_multiplier: Mapped[Decimal | None] = mapped_column(Rate)
    # Per-role rates for time and materials: {"engineer": "95.00", "senior": "140.00"}.
    role_rates: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("calendars.id"))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    special_instructions: Mapped[str | None] = mapped_column(Text)
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    previous_contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None]
    # Optimistic lock: a save based on a stale version is refused, never overwrites.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client = relationship("Client")
    calendar: Mapped[Calendar | None] = relationship()
    services: Mapped[list[ContractService]] = relationship(
        back_populates="contract", cascade="all, delete-orphan"
    )
    documents: Mapped[list[ContractDocument]] = relationship(back_populates="contract")


@event.listens_for(Contract, "before_insert")
@event.listens_for(Contract, "before_update")
def _keep_in_force_until(_mapper, _connection, target: Contract) -> None:
    target.in_force_until = last_day(target)


class ContractVersion(Base):
    """What changed on a contract, from when, from which document (an Apply or an edit).

    ``changes`` maps field -> [before, after] (JSON-safe strings); ``snapshot`` holds the
    values of the versioned fields in force from ``effective_from`` on, so the version in
    force on a day (a ticket's creation, a billing period) is readable without replaying.
    """

    __tablename__ = "contract_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    effective_from: Mapped[date]
    document_id: Mapped[int | None] = mapped_column(ForeignKey("contract_documents.id"))
    kind: Mapped[str] = mapped_column(String(20), default="apply")  # apply | amendment | edit
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Who, as the audit names them (API tokens and jobs have no user row).
    username: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContractService(Base):
    __tablename__ = "contract_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # included | excluded
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)

    contract: Mapped[Contract] = relationship(back_populates="services")


class UnitCount(Base):
    """A per-unit contract's count (devices, users) from a date on: the count taken for a
    period, so a past period is billed on the count it had, not today's."""

    __tablename__ = "unit_counts"
    __table_args__ = (UniqueConstraint("contract_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    effective_from: Mapped[date]
    count: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class SlaPolicy(Base):
    """An SLA matrix in force from a date; tickets use the policy in force at creation."""

    __tablename__ = "sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    tier: Mapped[str | None] = mapped_column(String(40))  # tier default when contract is null
    effective_from: Mapped[date]
    warning_share: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0.75"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    targets: Mapped[list[SlaTarget]] = relationship(
        back_populates="policy", cascade="all, delete-orphan"
    )


class SlaTarget(Base):
    __tablename__ = "sla_targets"
    __table_args__ = (UniqueConstraint("policy_id", "priority", "service_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("sla_policies.id"), index=True)
    priority: Mapped[str] = mapped_column(String(2))
    service_type: Mapped[str] = mapped_column(String(80), default="*")
    response_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
    calendar: Mapped[str] = mapped_column(String(20), default="contract")  # contract | 24x7

    policy: Mapped[SlaPolicy] = relationship(back_populates="targets")


class ContractDocument(Base):
    """An uploaded file, kept even when extraction fails."""

    __tablename__ = "contract_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    doc_type: Mapped[str] = mapped_column(String(40), default="contract")
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    page_count: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    extraction_status: Mapped[str] = mapped_column(String(20), default="pending")
    extraction_error: Mapped[str | None] = mapped_column(Text)
    # What the reader should know about the text: OCRed or unread scanned pages, repaired
    # doubled characters, tracked changes read as accepted, a misnamed file (list of str).
    extraction_warnings: Mapped[Any | None] = mapped_column(JSON)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    contract: Mapped[Contract | None] = relationship(back_populates="documents")
    terms: Mapped[list[ExtractedTerm]] = relationship(back_populates="document")


class ExtractedTerm(Base):
    __tablename__ = "extracted_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("contract_documents.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    field: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(Text)
    normalized: Mapped[Any | None] = mapped_column(JSON)
    confidence: Mapped[float]
    page: Mapped[int | None]
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    snippet: Mapped[str | None] = mapped_column(Text)
    # Where a person finds it: "page 3" (PDF), "paragraph 12" (DOCX), "line 40" (text).
    location: Mapped[str | None] = mapped_column(String(40))
    # pending | accepted | corrected | rejected | auto_accepted
    review_state: Mapped[str] = mapped_column(String(20), default="pending")
    corrected_value: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]

    document: Mapped[ContractDocument] = relationship(back_populates="terms")


class TermSuggestion(Base):
    """A low-confidence fallback for a term the contract does not state (e.g. the agreement
    date offered as the effective date). Kept apart from ExtractedTerm so nothing that reads
    values (apply, search, contract detail) can take it for one; a reviewer who picks it
    turns it into an accepted ExtractedTerm (`picked_term_id`)."""

    __tablename__ = "term_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("contract_documents.id"), index=True)
    field: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(Text)
    normalized: Mapped[Any | None] = mapped_column(JSON)
    confidence: Mapped[float]
    page: Mapped[int | None]
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    snippet: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(40))
    picked_term_id: Mapped[int | None] = mapped_column(ForeignKey("extracted_terms.id"))
