"""Users: creation (never with a default password), login, listing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.passwords import hash_password, new_password_problem, verify_dummy, verify_password
from access.roles import ROLES, Actor, require
from db import audit
from db.base import utcnow
from db.login_throttle import address_locked_until, clear, locked_until, record_failure
from db.models import Technician, User
from db.second_factor import code_ok, has_second_factor


class UserError(ValueError):
    """Bad user input: the message says what to fix."""


class LoginLocked(UserError):
    """Too many failed logins for this username: the message says when to retry."""

    def __init__(self, until: datetime, *, what: str = "this account is") -> None:
        self.until = until
        super().__init__(
            f"Too many failed logins: {what} locked until "
            f"{until:%Y-%m-%d %H:%M:%S} UTC. Try again then, or ask an admin to unlock it."
        )


ADDRESS = "your address is"  # LoginLocked(what=ADDRESS): the client's address is locked


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    email: str | None = None,
    actor: Actor | None,
) -> User:
    """Create a user; `actor=None` is allowed only for the very first admin."""
    if actor is None:
        if count_users(session=session) > 0:
            require(None, "manage_users")
        if role != "admin":
            raise UserError("The first user must be an admin.")
    else:
        require(actor, "manage_users")
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise UserError("Username must be letters, digits, dots, dashes or underscores.")
    if role not in ROLES:
        raise UserError(f"Role must be one of {', '.join(ROLES)}.")
    if session.scalar(select(User).where(User.username == username)):
        raise UserError(f"User {username!r} already exists.")
    problem = new_password_problem(password)
    if problem:
        raise UserError(problem)
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    user = User(
        username=username,
        display_name=display_name or username,
        email=email,
        role=role,
        password_hash=hashed,
    )
    session.add(user)
    session.flush()
    who = actor or Actor(user_id=user.id, username=username, role=role)
    audit.record(
        session=session,
        actor=who,
        entity="user",
        entity_id=user.id,
        action="create",
        field="role",
        new=role,
    )
    return user


def count_users(*, session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def authenticate(
    *,
    session: Session,
    username: str,
    password: str,
    address: str | None = None,
    code: str | None = None,
    now: datetime | None = None,
) -> Actor | None:
    """The actor for valid credentials of an active user, else None (same answer for both).

    Unknown users cost one argon2 check too (a dummy hash), so timing does not tell them
    apart. A user with a second factor also needs the current TOTP `code`; a missing or wrong
    one is a failure like a wrong password. A failure is recorded (username, client address,
    time); too many lock the username or the address (raises `LoginLocked`, even for the
    right password) until the backoff ends.
    """
    name = username.strip().lower()
    now = now or datetime.now(UTC)
    blocked = _lock(session, name, address, now)
    if blocked is not None:
        verify_dummy(password)
        record_failure(session=session, username=name, address=address, now=now)
        raise blocked
    user = session.scalar(select(User).where(User.username == name))
    ok = verify_password(user.password_hash, password) if user else verify_dummy(password)
    if ok and user is not None and has_second_factor(user):
        ok = code_ok(session=session, user=user, code=code or "", now=now)
    if user is None or not user.active or not ok:
        record_failure(session=session, username=name, address=address, now=now)
        blocked = _lock(session, name, address, now)
        if blocked is not None:
            audit.record(session=session, actor=Actor(None, "login", "system"), entity="login",
                         entity_id=user.id if user else None, action="lock", field=name[:60],
                         new=address)
            raise blocked
        return None
    clear(session=session, username=name, by="login", now=now)
    user.last_login_at = utcnow()
    actor = actor_for(session=session, user=user)
    audit.record(session=session, actor=actor, entity="user", entity_id=user.id, action="login",
                 new=address)
    return actor


def _lock(session: Session, name: str, address: str | None, now: datetime) -> LoginLocked | None:
    until = locked_until(session=session, username=name, now=now)
    if until is not None:
        return LoginLocked(until)
    until = address_locked_until(session=session, address=address, now=now)
    return LoginLocked(until, what=ADDRESS) if until is not None else None


def actor_for(*, session: Session, user: User) -> Actor:
    tech_id = session.scalar(select(Technician.id).where(Technician.user_id == user.id))
    return Actor(user_id=user.id, username=user.username, role=user.role, technician_id=tech_id)


def list_users(*, session: Session, actor: Actor) -> list[dict]:
    require(actor, "manage_users")
    rows = session.scalars(select(User).order_by(User.username)).all()
    return [
        {
            "id": u.id,
            "username": u.username,
            "name": u.display_name,
            "role": u.role,
            "email": u.email,
            "active": u.active,
            "last login": u.last_login_at,
        }
        for u in rows
    ]


def set_active(*, session: Session, actor: Actor, user_id: int, active: bool) -> None:
    require(actor, "manage_users")
    user = session.get(User, user_id)
    if user is None:
        raise UserError(f"No user {user_id}.")
    if user.id == actor.user_id and not active:
        raise UserError("You cannot deactivate yourself.")
    audit.record(
        session=session,
        actor=actor,
        entity="user",
        entity_id=user.id,
        action="update",
        field="active",
        old=user.active,
        new=active,
    )
    user.active = active
