"""Login throttling per username (issue 18): failures are recorded, 5 in 15 minutes lock the
username with an exponential backoff (1, 2, 4 ... minutes, at most 1 hour); during a lockout
even the right password is refused. A successful login or an admin unlock clears the count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.models import LoginFailure, User

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
BASE_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=1)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _active_failures(session: Session, username: str, now: datetime) -> list[datetime]:
    # Failures still counting: not cleared and within the window or the longest lockout.
    since = now - max(WINDOW, MAX_LOCK)
    return list(
        session.scalars(
            select(LoginFailure.at)
            .where(LoginFailure.username == username, LoginFailure.cleared_at.is_(None))
            .where(LoginFailure.at >= since)
            .order_by(LoginFailure.at)
        )
    )


def locked_until(
    *, session: Session, username: str, now: datetime | None = None
) -> datetime | None:
    """When `username` may try again, or None if it is not locked."""
    now = _now(now)
    times = _active_failures(session, username, now)
    if len(times) < MAX_FAILURES:
        return None
    last = times[-1]
    # The lockout needs 5 failures within 15 minutes of the latest one.
    if sum(1 for t in times if t >= last - WINDOW) < MAX_FAILURES:
        return None
    extra = len(times) - MAX_FAILURES
    until = last + min(BASE_LOCK * (2 ** min(extra, 16)), MAX_LOCK)
    return until if until > now else None


def record_failure(
    *, session: Session, username: str, address: str | None, now: datetime | None = None
) -> None:
    session.add(LoginFailure(username=username[:200], address=(address or None), at=_now(now)))
    session.flush()


def clear(*, session: Session, username: str, by: str, now: datetime | None = None) -> int:
    result = session.execute(
        update(LoginFailure)
        .where(LoginFailure.username == username, LoginFailure.cleared_at.is_(None))
        .values(cleared_at=_now(now), cleared_by=by)
    )
    return result.rowcount or 0


def unlock(*, session: Session, actor: Actor, username: str, now: datetime | None = None) -> int:
    """Admin: lift the lockout of `username` (its failures stay in the audit, cleared)."""
    require(actor, "manage_users")
    username = username.strip().lower()
    n = clear(session=session, username=username, by=actor.username, now=now)
    uid = session.scalar(select(User.id).where(User.username == username))
    audit.record(session=session, actor=actor, entity="user", entity_id=uid, action="unlock",
                 field="login_failures", old=n, new=0)
    return n


def failures(*, session: Session, actor: Actor, limit: int = 200) -> list[dict]:
    """Admin: the latest failed login attempts."""
    require(actor, "manage_users")
    rows = session.scalars(select(LoginFailure).order_by(LoginFailure.at.desc()).limit(limit))
    return [
        {"username": r.username, "address": r.address, "at": r.at,
         "cleared": r.cleared_at is not None}
        for r in rows
    ]


def locked_usernames(*, session: Session, now: datetime | None = None) -> list[str]:
    now = _now(now)
    names = session.scalars(
        select(LoginFailure.username).where(LoginFailure.cleared_at.is_(None),
                                            LoginFailure.at >= now - max(WINDOW, MAX_LOCK))
        .distinct()
    ).all()
    return sorted(n for n in names if locked_until(session=session, username=n, now=now))
