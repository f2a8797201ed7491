"""The HTTP API's records: tokens, the request audit, raw inbound ticket events, sync cursors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class ApiToken(Base):
    """A bearer token for the API: only its SHA-256 is stored; shown once at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # first characters, to recognise it
    scopes: Mapped[str] = mapped_column(String(200))  # space separated
    rate_per_minute: Mapped[int] = mapped_column(default=6000)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class ApiRequest(Base):
    """One row per API request (authenticated or not): who, what, the answer."""

    __tablename__ = "api_requests"
    __table_args__ = (Index("ix_api_requests_token_at", "token_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int]
    detail: Mapped[str | None] = mapped_column(String(300))


class InboundEvent(Base):
    """A ticket event as the source sent it, stored before it is applied (receipt id).

    status: received (stored, not applied yet) | applied | unmatched (no known client) |
    rejected (authenticated but unusable: reason in `error`).
    """

    __tablename__ = "inbound_events"
    __table_args__ = (
        UniqueConstraint("source", "event_id"),
        Index("ix_inbound_events_ticket", "source", "external_ticket_id", "event_at"),
        Index("ix_inbound_events_status", "status"),
        Index("ix_inbound_events_source_received", "source", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[str] = mapped_column(String(36), unique=True)
    source: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    event_at: Mapped[datetime | None]
    kind: Mapped[str | None] = mapped_column(String(30))
    external_ticket_id: Mapped[str | None] = mapped_column(String(80))
    client_name: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    normalised: Mapped[str | None] = mapped_column(Text)  # JSON of the fields used
    status: Mapped[str] = mapped_column(String(20), default="received")
    error: Mapped[str | None] = mapped_column(String(300))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))


class SyncCursor(Base):
    """Where a pull connector stopped for a source: resumable after a crash."""

    __tablename__ = "sync_cursors"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
