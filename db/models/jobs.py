"""The records of batch runs: what the jobs could not do (the "needs data" list and items
that failed), run locks, streamed ticket imports' progress, outbox deliveries and the SLA
alerts owed to each recipient.

Job issues: one row per (job, item key). A job replaces its own rows on every run, so the
list always shows what the last run of each job could not handle; fixing the data empties it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class JobIssue(Base):
    __tablename__ = "job_issues"
    __table_args__ = (UniqueConstraint("job", "item", name="uq_job_issues_job_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    item: Mapped[str] = mapped_column(String(200))  # e.g. "contract:12" or "ticket:99"
    kind: Mapped[str] = mapped_column(String(20))  # needs_data | failed
    reason: Mapped[str] = mapped_column(Text)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunLock(Base):
    """The row `db.run_lock` writes on SQLite to take the writer lock at a run's start."""

    __tablename__ = "run_locks"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    taken: Mapped[int] = mapped_column(default=0)


class TicketImportRun(Base):
    """A streamed ticket import's progress: each chunk commits with it, so a killed import
    resumes at `position` (a byte offset in a CSV, a sheet row in an XLSX) of the same file
    (same SHA-256, source and options) without reading what was committed again."""

    __tablename__ = "ticket_import_runs"
    __table_args__ = (Index("ix_ticket_import_runs_file", "file_sha256", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(40))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)  # preset/mapping, tz, day-first
    status: Mapped[str] = mapped_column(String(20))  # running | done
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    next_row: Mapped[int] = mapped_column(default=0)
    inserted: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    error_rows: Mapped[int] = mapped_column(default=0)
    chunks: Mapped[int] = mapped_column(default=0)
    runner: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class TicketImportError(Base):
    """A row a streamed import could not take, kept with its run so a resumed import still
    reports the bad rows of the chunks committed before the crash."""

    __tablename__ = "ticket_import_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("ticket_import_runs.id", ondelete="CASCADE"), index=True
    )
    row: Mapped[int]
    column: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)


class DeliveryRun(Base):
    """One delivery of the outbox: what was sent, what still waits and how old the oldest
    is, so the outbox page shows whether the runs keep up."""

    __tablename__ = "delivery_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    runner: Mapped[str] = mapped_column(String(100))
    sent: Mapped[int] = mapped_column(default=0)
    retrying: Mapped[int] = mapped_column(default=0)
    dead: Mapped[int] = mapped_column(default=0)
    waiting: Mapped[int] = mapped_column(default=0)
    oldest_waiting_s: Mapped[int | None]
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class SlaAlertItem(Base):
    """One SLA alert owed to one recipient (ticket, metric, warning|breach). Breaches go out
    at once; warnings wait for the recipient's next digest. `notification_id` is the outbox
    message that carried it (NULL: still waiting); a warning overtaken by its breach is
    marked `superseded` and never sent."""

    __tablename__ = "sla_alert_items"
    __table_args__ = (
        UniqueConstraint("ticket_id", "metric", "threshold", "recipient",
                         name="uq_sla_alert_items_item"),
        Index("ix_sla_alert_items_waiting", "recipient", "notification_id"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(30))
    threshold: Mapped[str] = mapped_column(String(10))  # warning | breach
    recipient: Mapped[str] = mapped_column(String(200))
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE")
    )
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)  # what the email shows
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))
    superseded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
