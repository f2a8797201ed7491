"""`cli.py jobs worker`: a ticket crossing its warning share is alerted within one interval;
SIGTERM stops the loop after the current tick (real process, real store)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from db.engine import session_scope
from db.models import Ticket, User
from tests.factories import make_contract

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def test_worker_alerts_within_one_interval_and_stops_on_sigterm(engine):
    with session_scope(engine) as s:
        manager = User(username="am", display_name="AM", email="am@example.com",
                       role="manager", password_hash="x")  # fmt: skip
        s.add(manager)
        s.flush()
        # gold P1: 30 min response on 24x7; 74.5% elapsed now -> at risk ~9 s from now
        now = datetime.now(UTC)
        _, contract = make_contract(s, start_date=(now - timedelta(days=30)).date(),
                                    end_date=(now + timedelta(days=300)).date())  # fmt: skip
        contract.account_manager_id = manager.id
        s.add(Ticket(source="api", external_id="W1", client_id=contract.client_id,
                     contract_id=contract.id, service_type="network", priority="P1",
                     status="open", created_at=now - timedelta(minutes=30 * 0.745)))  # fmt: skip
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    proc = subprocess.Popen(
        [sys.executable, "cli.py", "jobs", "worker", "--interval", "2", "--only", "sla_alerts",
         "--no-send"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    lines: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "1 SLA alert(s) queued" in line:
                break
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    alerts = [ln for ln in lines if "sla_alerts:" in ln]
    assert alerts[0].strip().startswith("sla_alerts: 0 SLA alert(s) queued")  # not at risk yet
    assert alerts[-1].strip().startswith("sla_alerts: 1 SLA alert(s) queued: 0 breach alert(s), "
                                         "1 digest(s) listing 1 warning(s)")  # fmt: skip
    assert len(alerts) <= 10  # crossed at ~9 s: alerted by the next 2 s tick
    assert proc.returncode == 0 and "jobs worker: stopped" in out
