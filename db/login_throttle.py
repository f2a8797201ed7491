"""Login throttling per username and per client address (issue 18).

Failures are recorded (username, address, time). 5 in 15 minutes lock the username, 20 in 15
minutes lock the address (one client trying many usernames), each with an exponential backoff
(1, 2, 4 ... minutes, at most 1 hour); during a lockout even the right password is refused.
A successful login or an admin unlock clears a username's count; only an admin unlock clears
an address's (a valid login of the attacker's own account must not reset it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.models import LoginFailure, User

MAX_FAILURES = 5
ADDRESS_MAX_FAILURES = 20  # an office behind one NAT address mistypes too
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


def _lock_end(times: list[datetime], limit: int, now: datetime) -> datetime | None:
    # The lockout needs `limit` failures within 15 minutes of the latest one; every failure
    # beyond doubles it.
    if len(times) < limit:
        return None
    last = times[-1]
    if sum(1 for t in times if t >= last - WINDOW) < limit:
        return None
    extra = len(times) - limit
    until = last + min(BASE_LOCK * (2 ** min(extra, 16)), MAX_LOCK)
    return until if until > now else None


def locked_until(
    *, session: Session, username: str, now: datetime | None = None
) -> datetime | None:
    """When `username` may try again, or None if it is not locked."""
    now = _now(now)
    return _lock_end(_active_failures(session, username, now), MAX_FAILURES, now)


def address_locked_until(
    *, session: Session, address: str | None, now: datetime | None = None
) -> datetime | None:
    """When a client at `address` may try again (any username), or None if not locked."""
    if not address:
        return None
    now = _now(now)
    times = list(
        session.scalars(
            select(LoginFailure.at)
            .where(LoginFailure.address == address, LoginFailure.address_cleared_at.is_(None))
            .where(LoginFailure.at >= now - max(WINDOW, MAX_LOCK))
            .order_by(LoginFailure.at)
        )
    )
    return _lock_end(times, ADDRESS_MAX_FAILURES, now)


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


def unlock_address(
    *, session: Session, actor: Actor, address: str, now: datetime | None = None
) -> int:
    """Admin: lift the lockout of a client address (its failures stay, cleared)."""
    require(actor, "manage_users")
    result = session.execute(
        update(LoginFailure)
        .where(LoginFailure.address == address, LoginFailure.address_cleared_at.is_(None))
        .values(address_cleared_at=_now(now))
    )
    n = result.rowcount or 0
    audit.record(session=session, actor=actor, entity="login_address", entity_id=None,
                 action="unlock", field="address", old=n, new=address)
    return n


def locked_addresses(*, session: Session, now: datetime | None = None) -> list[str]:
    """Client addresses locked out now."""
    now = _now(now)
    found = session.scalars(
        select(LoginFailure.address).where(
            LoginFailure.address.is_not(None), LoginFailure.address_cleared_at.is_(None),
            LoginFailure.at >= now - max(WINDOW, MAX_LOCK))
        .distinct()
    ).all()
    return sorted(a for a in found if address_locked_until(session=session, address=a, now=now))


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
