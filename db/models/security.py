"""Failed login attempts (issue 18): the audit of failures and the source of login throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class LoginFailure(Base):
    """One failed login: the username typed (known or not), the client address, when.

    `cleared_at` is set by a successful login or an admin unlock: cleared rows stay as audit
    but no longer count toward a lockout.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_at: Mapped[datetime | None]
    cleared_by: Mapped[str | None] = mapped_column(String(80))
    # Cleared for the per-address count (admin unlock of an address), apart from the username.
    address_cleared_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )
