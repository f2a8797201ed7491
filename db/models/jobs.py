"""What the scheduled jobs could not do: the "needs data" list and items that failed.

One row per (job, item key). A job replaces its own rows on every run, so the list always
shows what the last run of each job could not handle; fixing the data empties it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
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
