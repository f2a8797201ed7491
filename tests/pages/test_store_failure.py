"""The store failing while the app runs: PostgreSQL stopped, then back.

A private PostgreSQL cluster (its own data folder and port) is stopped under the running
app process: a session shows a clear message instead of a traceback, and works again once
the server is back.
"""

from __future__ import annotations

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from access.roles import Actor
from db.config import ROOT
from db.engine import make_engine, open_store, session_scope, store_failure
from db.models import Client
from db.users import create_user
from tests.factories import ADMIN, make_contract
from tests.pages.conftest import serving


def test_postgresql_down_then_back_while_the_app_runs(private_pg, monkeypatch):
    url, start, stop = private_pg
    engine = open_store(url)
    with session_scope(engine) as s:
        user = create_user(session=s, actor=ADMIN, username="boss", password="a long pass phrase 9",
                           role="admin")  # fmt: skip
        make_contract(s, name="Bluewater Dental")
        actor = Actor(user_id=user.id, username="boss", role="admin")
    engine.dispose()
    with serving(url, monkeypatch):
        # Each AppTest is a browser session on the one app process (the engine is shared).
        def visit() -> AppTest:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
            at.session_state["actor"] = actor
            return at.run()

        up = visit()
        assert not up.exception and [t.value for t in up.title] == ["Getting started"]
        stop()
        down = visit()
        assert not down.exception, [e.stack_trace for e in down.exception]
        failed = [e.value for e in down.error if "The contract store failed" in e.value]
        assert failed and "Nothing from this action was saved" in failed[0]
        start()
        back = visit()
        assert not back.exception and [t.value for t in back.title] == ["Getting started"]
        assert not [e for e in back.error if "store failed" in e.value]
    check = make_engine(url)
    with check.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Client)).scalar_one() == 1
    check.dispose()


def test_other_errors_are_not_dressed_up_as_store_failures():
    assert store_failure(ValueError("a bug")) is None
