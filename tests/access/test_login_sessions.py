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


def test_sessions_listed_and_revoked_by_their_user_or_an_admin(session, ada):
    from access.roles import PermissionDenied
    from db.login_sessions import list_sessions, recheck, revoke_session
    from db.models import AuditEntry

    admin = actor_for(session=session, user=ada)
    tom = actor_for(session=session, user=create_user(
        session=session, username="tom", password="tom-pass-long", role="technician",
        actor=admin))
    mine, _ = open_login(session=session, actor=tom, now=NOW, address="192.0.2.4",
                         user_agent="Firefox/140")
    open_login(session=session, actor=tom, now=NOW + timedelta(minutes=5))
    open_login(session=session, actor=admin, now=NOW)
    listed = list_sessions(session=session, actor=tom, user_id=tom.user_id, now=NOW)
    assert [(r["user"], r["address"], r["browser"]) for r in listed] == [
        ("tom", "", ""), ("tom", "192.0.2.4", "Firefox/140")]
    assert list_sessions(session=session, actor=tom, now=NOW) == listed  # never another's
    with pytest.raises(PermissionDenied):
        list_sessions(session=session, actor=tom, user_id=admin.user_id, now=NOW)
    admin_session = list_sessions(session=session, actor=admin, user_id=admin.user_id, now=NOW)
    with pytest.raises(PermissionDenied):
        revoke_session(session=session, actor=tom, session_id=admin_session[0]["id"], now=NOW)
    assert len(list_sessions(session=session, actor=admin, now=NOW)) == 3  # everyone's

    # last seen moves when the open session is re-checked (at most once a minute)
    later = NOW + timedelta(minutes=3)
    assert recheck(session=session, actor=tom, login_token=mine, share_token=None, now=later)
    seen = {r["address"]: r["last seen"] for r in list_sessions(
        session=session, actor=tom, now=later)}
    assert seen["192.0.2.4"] == later

    target = next(r["id"] for r in listed if r["address"] == "192.0.2.4")
    revoke_session(session=session, actor=admin, session_id=target, now=later)
    assert recheck(session=session, actor=tom, login_token=mine, share_token=None,
                   now=later) is None  # the open tab ends on its next interaction
    assert len(list_sessions(session=session, actor=tom, now=later)) == 1
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "revoke"))
    assert (entry.entity, entry.entity_id, entry.username) == ("login_session", target, "ada")
    with pytest.raises(ValueError, match="ended already"):
        revoke_session(session=session, actor=tom, session_id=target, now=later)
