"""Invoices, their lines, payments, billing runs and their validation findings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Rate, utcnow

INVOICE_STATUSES = ("draft", "issued", "paid", "partially_paid", "overdue", "void")


class BillingRun(Base):
    __tablename__ = "billing_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lines_total: Mapped[int] = mapped_column(default=0)
    lines_passed: Mapped[int] = mapped_column(default=0)


class BillingRunClient(Base):
    """A run's accuracy for one client: its entries checked and those with no finding."""

    __tablename__ = "billing_run_clients"

    run_id: Mapped[int] = mapped_column(ForeignKey("billing_runs.id"), primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    entries: Mapped[int]
    passed: Mapped[int]


class Invoice(Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    # contract id + period start: a second run for the same period finds this invoice.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("billing_runs.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    issue_date: Mapped[date | None]
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="draft")
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    credit_note_for_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    # The tax the invoice was drafted with (a snapshot: a later rate change leaves it alone).
    tax_rate_id: Mapped[int | None] = mapped_column(ForeignKey("tax_rates.id"))
    tax_name: Mapped[str | None] = mapped_column(String(60))
    tax_kind: Mapped[str | None] = mapped_column(String(20))
    tax_percent: Mapped[Decimal | None] = mapped_column(Rate)
    tax_quickbooks_code: Mapped[str | None] = mapped_column(String(60))
    tax_xero_type: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan"
    )
    payments: Mapped[list[Payment]] = relationship(back_populates="invoice")


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # fee | units | overage | out_of_scope | ...
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Rate)
    unit_price: Mapped[Decimal] = mapped_column(Rate)
    amount: Mapped[Decimal]
    rule: Mapped[str | None] = mapped_column(String(120))

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class BillingFinding(Base):
    __tablename__ = "billing_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("billing_runs.id"), index=True)
    time_entry_id: Mapped[int | None] = mapped_column(ForeignKey("time_entries.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(default=False)
    # RATE_MISMATCH: contracted minus charged amount of the entry (> 0: undercharge recovered).
    amount: Mapped[Decimal | None]


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    paid_on: Mapped[date]
    amount: Mapped[Decimal]
    method: Mapped[str | None] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(80))

    invoice: Mapped[Invoice] = relationship(back_populates="payments")
