"""Several app and job processes on one PostgreSQL store (issue 20, item 3), each a real
process: the SLA outcome cache of one replica sees a change made in another on its next
call, and a load one replica made is read by the other from its frame file; two job workers
send every queued message once; two billing runs draft each invoice once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from db.models import Invoice, Notification
from db.outbox import enqueue
from demo.seed import SeedSize, seed
from notify.render import Email
from tests.conftest import TODAY
from tests.notify.conftest import smtp_server  # noqa: F401 - fixture re-export
from tests.sla_integration.sla_data import build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("replicas share a PostgreSQL store; SQLite is one process's embedded store")
    return engine


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


class Replica:
    def __init__(self, engine) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests/scale/replica.py"), _url(engine)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert json.loads(self.proc.stdout.readline())["ready"]

    def ask(self, line: str) -> dict:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def test_a_change_in_one_replica_shows_in_the_other_on_its_next_call(pg):
    with session_scope(pg) as s:
        ids = build(s)
    a, b = Replica(pg), Replica(pg)
    try:
        t1, t2 = ids["T1"], ids["T2"]
        assert a.ask(f"state {t2}") == {"state": "breached", "stopped": "NaT", "loads": 1}
        assert b.ask(f"state {t2}")["loads"] == 0  # B maps the frame file A wrote
        assert b.ask(f"state {t1}")["loads"] == 0  # unchanged store: served from B's cache
        # A resolves T2 in place (a webhook does the same: no audit entry, no ticket event)
        assert a.ask(f"resolve {t2} 2026-06-01T10:00:00+00:00") == {"done": True}
        seen = b.ask(f"state {t2}")  # A's file is stale now: B loads the store and rewrites it
        assert seen == {"state": "met", "stopped": "2026-06-01 10:00:00+00:00", "loads": 1}
        assert a.ask(f"state {t2}") == {
            "state": "met",
            "stopped": "2026-06-01 10:00:00+00:00",
            "loads": 1,  # ... which A now maps
        }
    finally:
        a.close()
        b.close()


def test_a_billing_run_in_one_replica_shows_in_the_others_preview(pg):
    seed(pg, seed=3, size=SeedSize(clients=6, contracts=12, tickets=500, technicians=2),
         today=TODAY, documents=0)  # fmt: skip
    a, b = Replica(pg), Replica(pg)
    try:
        assert a.ask("preview 2026-12") == {"actions": ["create draft"], "computed": 1}
        assert b.ask("preview 2026-12") == {"actions": ["create draft"], "computed": 0}  # A's file
        assert a.ask("bill 2026-12")["created"] > 0
        # B's kept preview and A's file are stale now: B computes it again
        assert b.ask("preview 2026-12") == {"actions": ["update draft"], "computed": 1}
        assert a.ask("preview 2026-12") == {"actions": ["update draft"], "computed": 1}  # B's file
    finally:
        a.close()
        b.close()


def test_a_change_in_one_replica_shows_on_the_others_sla_dashboard(pg):
    """The dashboard's frame held per store state: one replica builds it, the other maps its
    file; a ticket resolved in one shows resolved in the other's next frame."""
    with session_scope(pg) as s:
        ids = build(s)
    a, b = Replica(pg), Replica(pg)
    try:
        t2 = ids["T2"]
        assert a.ask(f"dash {t2}") == {"state": "breached", "stopped": "NaT", "loads": 1}
        assert b.ask(f"dash {t2}")["loads"] == 0  # B maps the frame A built
        assert a.ask(f"resolve {t2} 2026-06-01T10:00:00+00:00") == {"done": True}
        seen = b.ask(f"dash {t2}")
        assert seen == {"state": "met", "stopped": "2026-06-01 10:00:00+00:00", "loads": 1}
        assert a.ask(f"dash {t2}")["state"] == "met"
    finally:
        a.close()
        b.close()


def _workers(engine, smtp, n: int) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "DATABASE_URL": _url(engine), "SMTP_HOST": smtp.host,
           "SMTP_PORT": str(smtp.port)}  # fmt: skip
    cmd = [sys.executable, "cli.py", "jobs", "worker", "--interval", "0.2", "--max-ticks", "4",
           "--only", "weekly_report"]  # fmt: skip
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(n)]  # fmt: skip
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=300), *p.communicate())
            for p in procs]  # fmt: skip


def test_two_job_workers_send_every_message_once(pg, smtp_server):  # noqa: F811
    now = datetime.now(UTC)
    with session_scope(pg) as s:
        for i in range(40):
            email = Email(subject=f"notice {i}", text="body", html="<p>body</p>")
            enqueue(session=s, key=f"replica-{i}", rule="test", email=email,
                    recipients=[f"r{i}@example.com"], now=now)  # fmt: skip
    done = _workers(pg, smtp_server, 2)
    assert [d.returncode for d in done] == [0, 0], [d.stderr[-800:] for d in done]
    subjects = [m["Subject"] for _, _, m in smtp_server.recorder.messages]
    assert sorted(subjects) == sorted(f"notice {i}" for i in range(40))  # each exactly once
    with session_scope(pg) as s:
        assert s.scalar(select(func.count()).where(Notification.status != "sent")) == 0


def test_two_billing_runs_at_once_draft_each_invoice_once(pg):
    seed(pg, seed=3, size=SeedSize(clients=6, contracts=12, tickets=500, technicians=2),
         today=TODAY, documents=0)  # fmt: skip
    with session_scope(pg) as s:
        before = s.scalar(select(func.count()).select_from(Invoice))
    env = {**os.environ, "DATABASE_URL": _url(pg)}
    cmd = [sys.executable, "cli.py", "billing", "run", "--period", "2026-12"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    codes = sorted(p.wait(timeout=300) for p in procs)
    assert codes in ([0, 0], [0, 3]), [p.communicate() for p in procs]
    with session_scope(pg) as s:
        keys = s.scalars(select(Invoice.key)).all()
        after = len(keys)
    assert after > before and len(set(keys)) == after  # drafted, none twice
    again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0
    with session_scope(pg) as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == after  # nothing new


def test_replicas_starting_together_on_an_empty_store_migrate_once(pg):
    from tests.conftest import _reset_postgres

    pg.dispose()
    _reset_postgres(_url(pg))
    code = "import sys; from db.engine import open_store; open_store(sys.argv[1]); print('up')"
    procs = [subprocess.Popen([sys.executable, "-c", code, _url(pg)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]  # fmt: skip
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-600:] for _, err in outs]
    pg.dispose()
    with session_scope(pg) as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == 0  # schema at head
