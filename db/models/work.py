"""The real work checked against contracts: tickets, their event log, time entries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Rate, utcnow

PRIORITIES = ("P1", "P2", "P3", "P4")


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_tickets_client_created", "client_id", "created_at"),
        # covers the renewal health figures' one scan over a year of tickets
        Index("ix_tickets_created_contract", "created_at", "contract_id", "csat"),
        Index("ix_tickets_changed_at", "changed_at"),
        Index("ix_tickets_imported_at", "imported_at"),  # the SLA cache fingerprint
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(80))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technicians.id"), index=True)
    subject: Mapped[str | None] = mapped_column(String(300))
    service_type: Mapped[str] = mapped_column(String(80))
    priority: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    csat: Mapped[int | None]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by every ORM/Core update (a webhook resolving a ticket in place): the SLA outcome
    # cache of every app replica sees the change on its next rerun (db/sla/outcome_cache.py).
    changed_at: Mapped[datetime | None] = mapped_column(default=None, onupdate=utcnow)


class TicketEvent(Base):
    """Status, priority and pause history: SLA state is recomputed from this, never summed."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime]
    # created | first_response | paused | resumed | resolved | reopened | priority_changed
    kind: Mapped[str] = mapped_column(String(30))
    value: Mapped[str | None] = mapped_column(String(80))


class TimeEntry(Base):
    __tablename__ = "time_entries"
    __table_args__ = (
        Index("ix_time_entries_client_started", "client_id", "started_at"),
        # covers the hours and cost of a period per contract (executive margins)
        Index(
            "ix_time_entries_started_contract",
            "started_at",
            "contract_id",
            "technician_id",
            "minutes",
        ),  # fmt: skip
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technicians.id"))
    started_at: Mapped[datetime]
    minutes: Mapped[int]
    role: Mapped[str] = mapped_column(String(50), default="engineer")
    service_type: Mapped[str | None] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)
    rate_charged: Mapped[Decimal | None] = mapped_column(Rate)
    currency: Mapped[str | None] = mapped_column(String(3))
    approved: Mapped[bool] = mapped_column(default=False)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))


class OutOfScopeRequest(Base):
    """Work asked for on site that the contract does not cover: approved, then billed.

    `quoted_rate` is what the field script quoted at the door; the approver sets `hours` and
    `rate` (the quote unless changed), hence `amount`. `invoice_id` is the invoice that bills
    it: set by the billing run, so a request is billed once and never moves off an issued one.
    """

    __tablename__ = "out_of_scope_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technicians.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    description: Mapped[str] = mapped_column(Text)
    matched_clause: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    quoted_rate: Mapped[Decimal | None] = mapped_column(Rate)
    currency: Mapped[str | None] = mapped_column(String(3))
    hours: Mapped[Decimal | None] = mapped_column(Rate)
    rate: Mapped[Decimal | None] = mapped_column(Rate)
    amount: Mapped[Decimal | None]
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
