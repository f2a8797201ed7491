"""Remembered sign-ins: a browser keeps a random token in a cookie so a reload does not log
the user out.

Only the token's SHA-256 is stored. A token is refused once it has expired, was revoked
(log out, user deactivated) or its user is inactive; the actor is rebuilt from the user row
each time, so a role change applies on the next reload.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access.roles import Actor, PermissionDenied, require
from access.tokens import new_token, token_hash
from db import audit
from db.models import LoginSession, User
from db.users import actor_for

SESSION_HOURS = 12  # one working day: a shared or lost laptop is not signed in for long
SEEN_EVERY = timedelta(minutes=1)  # "last seen" is written at most this often per session


def open_login(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    address: str | None = None,
    user_agent: str | None = None,
) -> tuple[str, datetime]:
    """A new token for this signed-in user and when it expires (the token is not stored);
    the address and browser are kept so the user can tell their sessions apart."""
    if actor.user_id is None:
        raise ValueError("Only a stored user can stay signed in.")
    token = new_token()
    expires = now + timedelta(hours=SESSION_HOURS)
    session.add(
        LoginSession(
            token_hash=token_hash(token),
            user_id=actor.user_id,
            created_at=now,
            expires_at=expires,
            last_seen_at=now,
            address=(address or None) and address[:100],
            user_agent=(user_agent or None) and user_agent[:300],
        )
    )
    session.flush()
    return token, expires


def resume(*, session: Session, token: str, now: datetime) -> Actor | None:
    """The actor of a valid token, else None (expired, revoked, unknown, inactive user)."""
    if not token:
        return None
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if row.last_seen_at is None or now - row.last_seen_at >= SEEN_EVERY:
        row.last_seen_at = now
    return actor_for(session=session, user=user)


def close_login(*, session: Session, token: str, now: datetime) -> None:
    """Revoke one token (log out on this browser); unknown tokens are ignored."""
    session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == token_hash(token), LoginSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def recheck(
    *,
    session: Session,
    actor: Actor,
    login_token: str | None,
    share_token: str | None,
    now: datetime,
) -> Actor | None:
    """The actor as the store sees it now, or None once access ended (issue 18).

    Run on every rerun of an open session: a revoked or expired login or share link, a
    deactivated or deleted user ends the session; a role change applies at once.
    """
    if share_token is not None:
        from db.share_links import still_valid

        return actor if still_valid(session=session, token=share_token, now=now) else None
    if login_token:
        return resume(session=session, token=login_token, now=now)
    if actor.user_id is None:
        return actor  # the system actor of scripts and jobs: nothing stored to check
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        return None
    return actor_for(session=session, user=user)


def list_sessions(
    *, session: Session, actor: Actor, user_id: int | None = None, now: datetime
) -> list[dict]:
    """Open (not revoked, not expired) login sessions: the actor's own, or with
    `manage_users` any user's (`user_id`, or everyone's when None)."""
    if actor.user_id is None and not actor.can("manage_users"):
        raise PermissionDenied("Only a stored user has login sessions.")
    query = (
        select(LoginSession, User.username)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.revoked_at.is_(None), LoginSession.expires_at > now)
        .order_by(User.username, LoginSession.created_at.desc())
    )
    if user_id is not None and user_id != actor.user_id:
        require(actor, "manage_users")
        query = query.where(LoginSession.user_id == user_id)
    elif user_id is None and actor.can("manage_users"):
        pass  # an admin's overview: every user
    else:
        query = query.where(LoginSession.user_id == actor.user_id)
    return [
        {
            "id": row.id,
            "user": username,
            "created": row.created_at,
            "last seen": row.last_seen_at,
            "address": row.address or "",
            "browser": row.user_agent or "",
            "expires": row.expires_at,
            "token_hash": row.token_hash,
        }
        for row, username in session.execute(query)
    ]


def revoke_session(*, session: Session, actor: Actor, session_id: int, now: datetime) -> None:
    """End one login session: the actor's own, or any user's with `manage_users` (audited).
    An open tab of that session signs out on its next interaction (`recheck`)."""
    row = session.get(LoginSession, session_id)
    if row is None or row.revoked_at is not None:
        raise ValueError(f"No open login session {session_id}: it ended already.")
    if row.user_id != actor.user_id:
        require(actor, "manage_users")
    row.revoked_at, row.revoked_by = now, actor.username
    audit.record(session=session, actor=actor, entity="login_session", entity_id=row.id,
                 action="revoke", field="user_id", new=row.user_id)
