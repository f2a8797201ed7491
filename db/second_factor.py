"""Optional TOTP second factor (RFC 6238, pyotp) for admins (issue 18).

Enrolment: the page makes a secret with `new_secret`, shows it once (and its otpauth URI),
and `enrol` stores it only after a correct code, encrypted (access/secretbox.py); it is never
shown again. At login `code_ok` accepts the current code (one step of clock drift either way)
once: the step used is kept so a code seen over a shoulder cannot be replayed. An admin can
reset another user's second factor; every change is audited.
"""

from __future__ import annotations

from datetime import datetime

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from access.secretbox import seal, unseal
from db import audit
from db.models import User

ISSUER = "Contract Desk"
STEP = 30  # seconds per code (the authenticator apps' default)
ROLES_OFFERED = frozenset({"admin"})


class SecondFactorError(ValueError):
    """Bad enrolment input: the message says what to fix."""


def new_secret() -> str:
    return pyotp.random_base32()


def setup_uri(*, secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app imports (shown with the secret, once)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def enabled_since(*, session: Session, actor: Actor) -> datetime | None:
    """When the actor turned the second factor on, or None."""
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    return user.totp_enabled_at if user is not None and user.totp_secret else None


def has_second_factor(user: User) -> bool:
    return user.totp_secret is not None


def _step(secret: str, code: str, now: datetime) -> int | None:
    # The time step the code belongs to (now, or one step before or after), else None.
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    here = int(now.timestamp()) // STEP
    for step in (here, here - 1, here + 1):
        if pyotp.utils.strings_equal(totp.at(step * STEP), code):
            return step
    return None


def enrol(*, session: Session, actor: Actor, secret: str, code: str, now: datetime) -> None:
    """Turn on the second factor for the actor, once `code` proves the app has `secret`."""
    if actor.user_id is None or actor.role not in ROLES_OFFERED:
        raise SecondFactorError("A second factor is offered to admins.")
    user = session.get(User, actor.user_id)
    if user is None:
        raise SecondFactorError("Your user no longer exists.")
    step = _step(secret, code, now)
    if step is None:
        raise SecondFactorError(
            "That code does not match: check the device's clock and type the current 6 digits."
        )
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = seal(secret), now, step
    _audit(session, actor, user, "update", on=True)


def _audit(session: Session, actor: Actor, user: User, action: str, *, on: bool) -> None:
    old, new = ("off", "on") if on else ("on", "off")
    audit.record(session=session, actor=actor, entity="user", entity_id=user.id,
                 action=action, field="second_factor", old=old, new=new)  # fmt: skip


def code_ok(*, session: Session, user: User, code: str, now: datetime) -> bool:
    """True once for a current code of `user`'s second factor (a replayed step fails)."""
    if user.totp_secret is None:
        return True
    step = _step(unseal(user.totp_secret), code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def reset(*, session: Session, actor: Actor, user_id: int) -> None:
    """Admin: turn off a user's second factor (lost phone); they may enrol again."""
    require(actor, "manage_users")
    user = session.get(User, user_id)
    if user is None:
        raise SecondFactorError(f"No user {user_id}.")
    if user.totp_secret is None:
        raise SecondFactorError(f"{user.username} has no second factor.")
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    _audit(session, actor, user, "reset", on=False)


def user_named(*, session: Session, username: str) -> int | None:
    return session.scalar(select(User.id).where(User.username == username.strip().lower()))


def enrolled_users(*, session: Session, actor: Actor) -> list[dict]:
    """Admin: the users with a second factor (for the reset form)."""
    require(actor, "manage_users")
    rows = session.scalars(
        select(User).where(User.totp_secret.is_not(None)).order_by(User.username)
    )
    return [{"id": u.id, "username": u.username, "since": u.totp_enabled_at} for u in rows]
