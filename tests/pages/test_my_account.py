"""Issue 18: "My account" lists the user's login sessions with Revoke and sets up the admins'
second factor; the Users page lists and revokes everyone's sessions and resets a second
factor; the roles are checked on the server."""

import time
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import select

from access.roles import SYSTEM
from db.engine import open_store, session_scope
from db.login_sessions import open_login
from db.models import AuditEntry, LoginSession, User
from db.users import actor_for, create_user
from tests.pages.conftest import page, serving

PW = "boss-pass-long"


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("CONTRACT_DESK_SECRET_KEY", "test-key-for-second-factors")


def _store(tmp_path):
    url = f"sqlite:///{tmp_path / 'account.db'}"
    now = datetime.now(UTC)
    with session_scope(open_store(url)) as s:
        boss = actor_for(
            session=s,
            user=create_user(session=s, actor=SYSTEM, username="boss", password=PW, role="admin"),
        )
        tom = actor_for(
            session=s,
            user=create_user(
                session=s, actor=SYSTEM, username="tom", password="tom-pass-long", role="technician"
            ),
        )
        here, _ = open_login(session=s, actor=tom, now=now, address="192.0.2.4")
        open_login(session=s, actor=tom, now=now, address="198.51.100.8", user_agent="Phone")
    return url, boss, tom, here


def _open(url, actor, token=None, path="pages/my_account.py"):
    at = page(path, url)
    at.session_state["actor"] = actor
    if token:
        at.session_state["_login_token"] = token
    return at.run()


def _open_sessions(url, username):
    with session_scope(open_store(url)) as s:
        return s.scalars(
            select(LoginSession.address)
            .join(User, User.id == LoginSession.user_id)
            .where(User.username == username, LoginSession.revoked_at.is_(None))
        ).all()


def test_a_user_revokes_another_of_their_sessions_then_this_one(tmp_path, monkeypatch):
    url, _, tom, here = _store(tmp_path)
    with serving(url, monkeypatch):
        at = _open(url, tom, here)
        assert not at.exception and not at.error
        assert at.title[0].value == "My account"
        shown = at.dataframe[0].value
        assert sorted(shown["address"]) == ["192.0.2.4", "198.51.100.8"]
        assert shown.set_index("address").loc["192.0.2.4", "this session"]
        assert not [b for b in at.button if "second factor" in b.label]  # admins only
        box = at.selectbox[0]
        box.select_index(next(i for i, o in enumerate(box.options) if "198.51.100.8" in o))
        [b for b in at.button if b.label == "Revoke session"][0].click()
        at.run()
        assert _open_sessions(url, "tom") == ["192.0.2.4"]
        assert "(this session)" in at.selectbox[0].options[0]
        at.selectbox[0].select_index(0)
        [b for b in at.button if b.label == "Revoke session"][0].click()
        at.run()
        assert _open_sessions(url, "tom") == []
        assert "actor" not in at.session_state  # revoking this session signs it out


def test_admin_sets_up_a_second_factor_then_login_needs_the_code(tmp_path, monkeypatch):
    url, boss, _, _ = _store(tmp_path)
    with serving(url, monkeypatch):
        at = _open(url, boss)
        [b for b in at.button if b.label == "Set up a second factor"][0].click()
        at.run()
        secret = at.session_state["_totp_pending"]
        assert secret in [c.value for c in at.code]
        at.text_input[0].input("000000")
        [b for b in at.button if b.label == "Confirm"][0].click()
        at.run()
        assert "does not match" in at.error[0].value
        at.text_input[0].input(pyotp.TOTP(secret).now())
        [b for b in at.button if b.label == "Confirm"][0].click()
        at.run()
        assert not at.error and "On since" in at.success[0].value
        assert secret not in [c.value for c in at.code]  # never shown again
        assert "_totp_pending" not in at.session_state

        login = page("pages/login.py", url).run()
        login.text_input[0].input("boss")
        login.text_input[1].input(PW)
        login.button[0].click()
        login.run()
        assert "wrong authenticator code" in login.error[0].value
        assert "actor" not in login.session_state
        # the next step's code: the enrolment code's step is spent (no replay)
        login.text_input[2].input(pyotp.TOTP(secret).at(time.time() + 30))
        login.button[0].click()
        login.run()
        assert not login.error and login.session_state["actor"].username == "boss"


def test_users_page_revokes_any_session_and_resets_a_second_factor(tmp_path, monkeypatch):
    url, boss, tom, _ = _store(tmp_path)
    secret = pyotp.random_base32()
    with session_scope(open_store(url)) as s:
        from db.second_factor import enrol

        enrol(
            session=s,
            actor=boss,
            secret=secret,
            code=pyotp.TOTP(secret).now(),
            now=datetime.now(UTC),
        )
    with serving(url, monkeypatch):
        # a technician may not open the Users page (server-side guard)
        refused = _open(url, tom, path="pages/user_admin.py")
        assert "may not manage users" in refused.error[0].value
        at = _open(url, boss, path="pages/user_admin.py")
        assert not at.exception
        box = [b for b in at.selectbox if b.label == "Session to revoke"][0]
        assert len(box.options) == 2
        box.select_index(next(i for i, o in enumerate(box.options) if "198.51.100.8" in o))
        [b for b in at.button if b.label == "Revoke session"][0].click()
        at.run()
        assert _open_sessions(url, "tom") == ["192.0.2.4"]
        reset_box = [b for b in at.selectbox if b.label == "User with a second factor"][0]
        assert reset_box.options == ["boss"]
        [b for b in at.button if b.label == "Reset second factor"][0].click()
        at.run()
        assert "reset" in at.success[0].value
        with session_scope(open_store(url)) as s:
            assert s.scalar(select(User.totp_secret).where(User.username == "boss")) is None
            actions = set(s.scalars(select(AuditEntry.action)))
        assert {"revoke", "reset"} <= actions
