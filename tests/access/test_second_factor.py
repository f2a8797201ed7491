"""Issue 18: the optional TOTP second factor for admins: enrolment proves the app has the
secret, the secret is stored encrypted, login then needs a fresh code, an admin reset is
audited."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from access.roles import SYSTEM, PermissionDenied
from db.models import AuditEntry, LoginFailure, User
from db.second_factor import SecondFactorError, enrol, enrolled_users, new_secret, reset
from db.users import actor_for, authenticate, create_user

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PW = "long-enough-pw"


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("CONTRACT_DESK_SECRET_KEY", "test-key-for-second-factors")


@pytest.fixture
def ada(session):
    user = create_user(session=session, username="ada", password=PW, role="admin", actor=None)
    return actor_for(session=session, user=user)


def _code(secret, at):
    return pyotp.TOTP(secret).at(at)


def test_enrol_then_login_needs_a_fresh_code(session, ada):
    secret = new_secret()
    with pytest.raises(SecondFactorError, match="does not match"):
        enrol(session=session, actor=ada, secret=secret, code="000000", now=T0)
    assert session.get(User, ada.user_id).totp_secret is None
    enrol(session=session, actor=ada, secret=secret, code=_code(secret, T0), now=T0)
    stored = session.get(User, ada.user_id).totp_secret
    assert stored and secret not in stored  # encrypted, never readable from the row

    later = T0 + timedelta(minutes=2)
    # the password alone, or with a wrong code, no longer signs in (and counts as a failure)
    assert authenticate(session=session, username="ada", password=PW, now=later) is None
    assert (
        authenticate(session=session, username="ada", password=PW, code="123456", now=later) is None
    )
    assert session.query(LoginFailure).count() == 2
    code = _code(secret, later)
    assert authenticate(session=session, username="ada", password=PW, code=code, now=later)
    # the same code again (seen over a shoulder) is refused; the next step's code works
    assert (
        authenticate(
            session=session,
            username="ada",
            password=PW,
            code=code,
            now=later + timedelta(seconds=5),
        )
        is None
    )
    nxt = later + timedelta(seconds=30)
    assert authenticate(
        session=session, username="ada", password=PW, code=_code(secret, nxt), now=nxt
    )
    # a code for the wrong password still fails
    assert (
        authenticate(
            session=session,
            username="ada",
            password="wrong-password",
            code=_code(secret, nxt + timedelta(seconds=30)),
            now=nxt + timedelta(seconds=30),
        )
        is None
    )


def test_offered_to_admins_and_reset_by_an_admin_only(session, ada):
    mgr = actor_for(
        session=session,
        user=create_user(
            session=session, username="mo", password="mo-pass-long", role="manager", actor=SYSTEM
        ),
    )
    secret = new_secret()
    with pytest.raises(SecondFactorError, match="admins"):
        enrol(session=session, actor=mgr, secret=secret, code=_code(secret, T0), now=T0)
    enrol(session=session, actor=ada, secret=secret, code=_code(secret, T0), now=T0)
    with pytest.raises(PermissionDenied):
        reset(session=session, actor=mgr, user_id=ada.user_id)
    assert [u["username"] for u in enrolled_users(session=session, actor=SYSTEM)] == ["ada"]
    reset(session=session, actor=SYSTEM, user_id=ada.user_id)
    assert authenticate(session=session, username="ada", password=PW, now=T0) is not None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "reset"))
    assert (entry.field, entry.entity_id, entry.username) == (
        "second_factor",
        ada.user_id,
        "system",
    )
    with pytest.raises(SecondFactorError, match="no second factor"):
        reset(session=session, actor=SYSTEM, user_id=ada.user_id)


def test_cli_resets_a_lost_second_factor(tmp_path, monkeypatch, capsys):
    from cli import main
    from db.engine import open_store, session_scope

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    secret = new_secret()
    with session_scope(open_store(url)) as s:
        boss = actor_for(
            session=s,
            user=create_user(session=s, username="boss", password=PW, role="admin", actor=None),
        )
        enrol(session=s, actor=boss, secret=secret, code=_code(secret, T0), now=T0)
    assert main(["users", "reset-2fa", "BOSS"]) == 0
    assert main(["users", "reset-2fa", "boss"]) == 2  # nothing left to reset
    assert main(["users", "reset-2fa", "nobody"]) == 2
    assert "No user 'nobody'" in capsys.readouterr().err
    with session_scope(open_store(url)) as s:
        assert s.scalar(select(User.totp_secret)) is None
