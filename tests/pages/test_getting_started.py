"""A real first day: an admin of an empty store lands on the getting-started checklist."""

from access.roles import SYSTEM
from db.engine import open_store, session_scope
from db.users import create_user
from tests.pages.conftest import ADMIN, login_as, page, serving


def test_empty_store_opens_on_the_checklist_with_nothing_done(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with session_scope(open_store(url)) as s:
        create_user(session=s, actor=SYSTEM, username="first", password="a-long-first-pass",
                    role="admin")
    with serving(url, monkeypatch):
        at = page("app.py", url)
        at.session_state["actor"] = login_as(url, "first", "a-long-first-pass")
        at.run()
        assert not at.exception
        assert at.title[0].value == "Getting started"
        assert "0 of 5 steps done" in at.get("progress")[0].proto.text
        assert [e.value for e in at.markdown if "**" in e.value][2] == (
            ":material/radio_button_unchecked: **Import your contract list**"
        )


def test_seeded_store_opens_on_the_dashboard_and_the_checklist_is_done(app_env):
    at = page("app.py", app_env, user=ADMIN).run(timeout=120)
    assert at.title[0].value == "Executive dashboard"
    ck = page("pages/getting_started.py", app_env, user=ADMIN).run()
    assert "5 of 5 steps done" in ck.get("progress")[0].proto.text
