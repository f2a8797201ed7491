"""Renewal opportunities and tasks; compliance requirements and what the company holds."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class RenewalOpportunity(Base):
    __tablename__ = "renewal_opportunities"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    term_end: Mapped[date]
    # open | renewed | renegotiated | lost
    outcome: Mapped[str] = mapped_column(String(20), default="open")
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    health_score: Mapped[float | None]
    proposed_value: Mapped[Decimal | None]
    new_contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RenewalTask(Base):
    __tablename__ = "renewal_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | done | snoozed
    snoozed_until: Mapped[date | None]
    done_at: Mapped[datetime | None]


class ComplianceRequirement(Base):
    __tablename__ = "compliance_requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    # insurance | certification | security_clause | credential
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(120))
    minimum_cover: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    applies_to: Mapped[str] = mapped_column(String(20), default="onsite")  # onsite | all
    details: Mapped[str | None] = mapped_column(Text)
    deleted_at: Mapped[datetime | None]


class CompanyHolding(Base):
    """What the provider itself holds: insurance policies and certifications."""

    __tablename__ = "company_holdings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # insurance | certification
    name: Mapped[str] = mapped_column(String(120))
    cover_amount: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    expires_on: Mapped[date | None]
    filename: Mapped[str | None] = mapped_column(String(255))
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
