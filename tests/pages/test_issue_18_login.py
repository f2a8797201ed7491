"""Issue 18: the login page locks a username after repeated failures; the Users page unlocks."""

from sqlalchemy import select

from access.roles import SYSTEM
from db.engine import open_store, session_scope
from db.models import LoginFailure
from db.users import create_user
from tests.pages.conftest import page, serving

PW = "boss-pass-long"


def _store(tmp_path):
    url = f"sqlite:///{tmp_path / 'login.db'}"
    with session_scope(open_store(url)) as s:
        create_user(session=s, actor=SYSTEM, username="boss", password=PW, role="admin")
        create_user(session=s, actor=SYSTEM, username="tom", password="tom-pass-long",
                    role="technician")
    return url


def _login(at, username, password):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


def test_ten_wrong_passwords_lock_the_login_and_the_admin_unlocks(tmp_path, monkeypatch):
    url = _store(tmp_path)
    with serving(url, monkeypatch):
        at = page("pages/login.py", url).run()
        for i in range(10):
            _login(at, "tom", f"wrong-{i}")
            assert not at.exception
        assert "locked until" in at.error[0].value
        _login(at, "tom", "tom-pass-long")
        assert "locked until" in at.error[0].value and "actor" not in at.session_state
        with session_scope(open_store(url)) as s:
            assert s.query(LoginFailure).count() == 11

        at2 = page("pages/login.py", url).run()
        _login(at2, "boss", PW)
        assert not at2.error
        admin = page("pages/user_admin.py", url)
        admin.session_state["actor"] = at2.session_state["actor"]
        admin.run()
        assert not admin.exception
        box = [b for b in admin.selectbox if b.label == "Locked username"][0]
        assert box.options == ["tom"]
        box.select("tom")
        [b for b in admin.button if b.label == "Unlock"][0].click()
        admin.run()
        assert not [b for b in admin.selectbox if b.label == "Locked username"]

        _login(at, "tom", "tom-pass-long")
        assert not at.error
        assert at.session_state["actor"].username == "tom"
        with session_scope(open_store(url)) as s:
            assert all(r.cleared_at for r in s.scalars(select(LoginFailure)))
