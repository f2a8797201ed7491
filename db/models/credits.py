"""Service-credit rules: what a contract owes its client when the SLA is missed.

Shared by the term model (Apply writes rules read from a document), the billing run
(computes credit lines per period from the SLA engine's results) and the contract page
(rules entered by hand). One row is one rule; a tiered rule keeps its tiers in `tiers`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Rate, utcnow

# What sets a rule off, per billing period:
#   sla_compliance_below: met/(met+breached) of `metric` (and `priority`, when set) < threshold
#   availability_below:   measured availability % < threshold (needs an availability figure)
#   per_breach:           every breached target of `metric` (and `priority`, when set)
TRIGGERS = ("sla_compliance_below", "availability_below", "per_breach")
METRICS = ("response", "resolution")
# How much: a share of the period's recurring fee, or a fixed amount in the contract currency.
CREDIT_KINDS = ("percent_of_fee", "amount")


class ServiceCreditRule(Base):
    """One credit rule of a contract, in force from `effective_from` (to `effective_to`)."""

    __tablename__ = "service_credit_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(30))
    metric: Mapped[str | None] = mapped_column(String(20))
    priority: Mapped[str | None] = mapped_column(String(2))  # P1..P4, None = every priority
    # Percent (e.g. 95.0) for *_below triggers; unused for per_breach.
    threshold: Mapped[Decimal | None] = mapped_column(Rate)
    credit_kind: Mapped[str] = mapped_column(String(20))
    # Percent of the fee (5.0 = 5%) or an amount, per period (or per breach for per_breach).
    credit_value: Mapped[Decimal | None] = mapped_column(Rate)
    # Tiers, best first: [{"below": "99.0", "credit": "5"}, {"below": "95.0", "credit": "10"}];
    # the lowest tier whose `below` the measure falls under applies (overrides credit_value).
    tiers: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    cap_percent: Mapped[Decimal | None] = mapped_column(Rate)  # cap per period, % of the fee
    cap_amount: Mapped[Decimal | None]  # cap per period, amount
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    source_document_id: Mapped[int | None] = mapped_column(ForeignKey("contract_documents.id"))
    source_text: Mapped[str | None] = mapped_column(Text)  # the clause it was read from
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]


class AvailabilityFigure(Base):
    """Measured availability % of a contract's service over a period (entered or imported).

    The SLA engine measures tickets, not uptime: availability comes from the client's
    monitoring and is entered per contract and period; `availability_below` rules read it.
    """

    __tablename__ = "availability_figures"
    __table_args__ = (UniqueConstraint("contract_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    percent: Mapped[Decimal] = mapped_column(Rate)
    source: Mapped[str | None] = mapped_column(String(200))  # "PRTG monthly report", ...
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
