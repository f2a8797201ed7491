"""Users (who logs in) and technicians (who does the work), with credentials and assignments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, Rate, utcnow

ROLES = ("admin", "manager", "executive", "technician")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Optional second factor (issue 18): the TOTP secret, encrypted (access/secretbox.py),
    # and the last time step accepted, so a code cannot be replayed.
    totp_secret: Mapped[str | None] = mapped_column(String(500))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]


class Technician(Base):
    __tablename__ = "technicians"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(50), default="engineer")
    cost_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    active: Mapped[bool] = mapped_column(default=True)

    credentials: Mapped[list[TechnicianCredential]] = relationship(back_populates="technician")


class TechnicianCredential(Base):
    __tablename__ = "technician_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technicians.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    filename: Mapped[str | None] = mapped_column(String(255))
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    deleted_at: Mapped[datetime | None]

    technician: Mapped[Technician] = relationship(back_populates="credentials")


class TechnicianAssignment(Base):
    """Which clients a technician may see in the field view."""

    __tablename__ = "technician_assignments"
    __table_args__ = (UniqueConstraint("technician_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technicians.id"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginSession(Base):
    """A browser that stays signed in across reloads: only the token's SHA-256 is kept."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # Shown on "My account" and the Users page so a user can tell their sessions apart.
    last_seen_at: Mapped[datetime | None]
    address: Mapped[str | None] = mapped_column(String(100))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    revoked_by: Mapped[str | None] = mapped_column(String(80))
