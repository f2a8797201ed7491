"""Concurrent runs end cleanly: while another process holds a run, `tickets import`,
`billing run` and `jobs run` say "another ... run is in progress" and exit 3 — no
IntegrityError traceback, no deadlock, nothing written. The lock is re-entrant in a session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from contracts.schema import client_name_key
from db.models import Client, Ticket
from db.run_lock import RunInProgress, lock_key, run_lock
from tests.sla.test_sla_ticket_import import write_csv

ROOT = Path(__file__).resolve().parents[2]
ROWS = [
    ["Id", "Organization", "Subject", "Status", "Priority", "Created at", "Solved at"],
    ["1", "Acme Ltd", "a", "Solved", "Normal", "2026-01-05 10:00", "2026-01-05 12:00"],
    ["2", "Acme Ltd", "b", "Open", "High", "2026-01-06 10:00", ""],
]


def _cli(engine, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    return subprocess.run([sys.executable, "cli.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_lock_is_reentrant_within_a_session(session):
    with run_lock(session, "billing"), run_lock(session, "billing"), run_lock(session, "billing"):
        pass
    session.commit()


def test_second_session_is_refused_on_postgres(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite serialises writers itself")
    with Session(engine) as a, Session(engine) as b:
        with (
            run_lock(a, "billing"),
            pytest.raises(RunInProgress, match="another billing run is in progress"),
            run_lock(b, "billing"),
        ):
            pass
        a.commit()  # the transaction-level lock ends with the transaction
        with run_lock(b, "billing"):
            pass


@pytest.mark.parametrize("command", [
    ["tickets", "import", "{file}", "--preset", "zendesk"],
    ["billing", "run", "--period", "2026-01"],
    ["jobs", "run", "--no-send"],
])  # fmt: skip
def test_cli_loser_reports_another_run(engine, tmp_path, command):
    if engine.dialect.name != "postgresql":
        pytest.skip("the two-runner lock is PostgreSQL's advisory lock")
    with Session(engine) as s:
        s.add(Client(name="Acme Ltd", name_key=client_name_key("Acme Ltd")))
        s.commit()
    path = tmp_path / "t.csv"
    write_csv(path, ROWS)
    args = [a.replace("{file}", str(path)) for a in command]
    name = {"tickets": "tickets-import", "billing": "billing", "jobs": "jobs"}[command[0]]
    with engine.connect() as holder:  # another runner, mid-run
        holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_key(name)})
        done = _cli(engine, *args)
        holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(name)})
    assert done.returncode == 3, done.stderr
    assert "run is in progress" in done.stderr
    assert "Traceback" not in done.stderr
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 0
    again = _cli(engine, *args)
    assert again.returncode in (0, 1), again.stderr  # the lock is gone with its holder
    assert "Traceback" not in again.stderr


def test_two_concurrent_imports_end_cleanly(engine, tmp_path):
    with Session(engine) as s:
        s.add(Client(name="Acme Ltd", name_key=client_name_key("Acme Ltd")))
        s.commit()
    path = tmp_path / "t.csv"
    write_csv(path, ROWS + [[str(i), "Acme Ltd", "x", "Open", "Low", "2026-01-07 10:00", ""]
                            for i in range(3, 3000)])  # fmt: skip
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    cmd = [sys.executable, "cli.py", "tickets", "import", str(path), "--preset", "zendesk"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    for code, _out, err in results:
        assert code in (0, 3), err
        assert "Traceback" not in err
        if code == 3:
            assert "another tickets import run is in progress" in err
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 2999  # never doubled
