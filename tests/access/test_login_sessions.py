"""Remembered logins on both backends: only a hash stored; expiry, revocation, deactivated
users and role changes are decided on the server each time."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from access.tokens import token_hash
from db.login_sessions import SESSION_HOURS, close_login, open_login, resume
from db.models import LoginSession
from db.users import actor_for, create_user, set_active

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture
def ada(session):
    user = create_user(session=session, username="ada", password="long-enough-pw",
                       role="admin", actor=None)  # fmt: skip
    session.flush()
    return user


def test_token_resumes_the_user_and_only_its_hash_is_stored(session, ada):
    token, expires = open_login(
        session=session, actor=actor_for(session=session, user=ada), now=NOW
    )
    assert expires == NOW + timedelta(hours=SESSION_HOURS)
    stored = session.scalars(select(LoginSession.token_hash)).all()
    assert stored == [token_hash(token)] and token not in stored
    actor = resume(session=session, token=token, now=NOW + timedelta(hours=1))
    assert (actor.user_id, actor.role) == (ada.id, "admin")
    assert resume(session=session, token=token + "x", now=NOW) is None
    assert resume(session=session, token="", now=NOW) is None


def test_expired_revoked_and_deactivated_are_refused(session, ada):
    admin = actor_for(session=session, user=ada)
    token, expires = open_login(session=session, actor=admin, now=NOW)
    assert resume(session=session, token=token, now=expires) is None  # expired at the hour

    token, _ = open_login(session=session, actor=admin, now=NOW)
    close_login(session=session, token=token, now=NOW + timedelta(minutes=5))
    assert resume(session=session, token=token, now=NOW + timedelta(minutes=6)) is None

    other = create_user(session=session, username="max", password="long-enough-pw",
                        role="manager", actor=admin)  # fmt: skip
    session.flush()
    token, _ = open_login(session=session, actor=actor_for(session=session, user=other), now=NOW)
    assert resume(session=session, token=token, now=NOW).role == "manager"
    other.role = "executive"  # a role change applies on the next reload
    assert resume(session=session, token=token, now=NOW).role == "executive"
    set_active(session=session, actor=admin, user_id=other.id, active=False)
    assert resume(session=session, token=token, now=NOW) is None


def test_only_stored_users_are_remembered(session):
    from tests.factories import actor

    with pytest.raises(ValueError, match="stored user"):
        open_login(session=session, actor=actor("admin"), now=NOW)
