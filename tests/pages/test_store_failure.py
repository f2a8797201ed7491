"""The store failing while the app runs: PostgreSQL stopped, then back.

A private PostgreSQL cluster (its own data folder and port) is stopped under the running
app process: a session shows a clear message instead of a traceback, and works again once
the server is back.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from access.roles import Actor
from db.config import ROOT
from db.engine import make_engine, open_store, session_scope, store_failure
from db.models import Client
from db.users import create_user
from tests.factories import ADMIN, make_contract
from tests.pages.conftest import serving

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*cmd: str) -> None:
    subprocess.run(["su", "postgres", "-c", " ".join(cmd)], check=True, capture_output=True,
                   timeout=120)  # fmt: skip


@pytest.fixture
def private_pg():
    if not (PG_BIN / "initdb").exists() or os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("CI needs PostgreSQL 15 binaries and root to run a private cluster")
        pytest.skip("needs PostgreSQL 15 binaries and root")
    folder = Path(tempfile.mkdtemp(prefix="cd-pg-"))
    shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log")]
    opts = f"'-p {port} -k {folder} -c listen_addresses='"

    def start() -> None:
        _as_postgres(*ctl, "-o", opts, "start")

    def stop() -> None:
        _as_postgres(*ctl, "-m", "fast", "stop")

    start()
    url = f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
    try:
        yield url, start, stop
    finally:
        subprocess.run(["su", "postgres", "-c", " ".join([*ctl, "-m", "immediate", "stop"])],
                       capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


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
