"""`cli.py api token create` and `cli.py api serve` as real processes; killing the server
mid-stream loses nothing it acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
from sqlalchemy import select

from db.engine import session_factory, session_scope
from db.models import InboundEvent
from tests.factories import make_contract

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
PORT = int(os.environ.get("TEST_API_PORT", "8615"))  # a free port of the runner's


def test_serve_token_and_kill_mid_stream(engine):
    with session_scope(engine) as s:
        make_contract(s, name="Acme Dental")
    env = {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    made = subprocess.run(
        [sys.executable, "cli.py", "api", "token", "create", "psa", "--scope", "tickets:write"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("cdk_")
    listed = subprocess.run([sys.executable, "cli.py", "api", "token", "list"], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=True)  # fmt: skip
    assert "psa" in listed.stdout and token not in listed.stdout
    server = subprocess.Popen(
        [sys.executable, "cli.py", "api", "serve", "--port", str(PORT)], cwd=ROOT, env=env,
        start_new_session=True,
    )  # fmt: skip
    acked: list[str] = []
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                if httpx.get(base + "/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        assert httpx.get(base + "/docs").status_code == 200
        h = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=h, timeout=10) as c:
            for i in range(40):
                ev = {"event_id": f"k{i}", "type": "created", "occurred_at": "2026-03-02T09:00Z",
                      "ticket": {"id": f"T{i}", "client": "Acme Dental", "priority": "P3",
                                 "service_type": "network"}}  # fmt: skip
                if i == 25:
                    os.killpg(server.pid, signal.SIGKILL)  # kill mid-stream
                try:
                    r = c.post("/api/v1/webhooks/generic", json=ev)
                except httpx.TransportError:
                    break
                assert r.status_code == 200, r.text
                acked.append(r.json()["receipt_id"])
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    assert len(acked) == 25
    with session_factory(engine)() as s:
        stored = set(s.scalars(select(InboundEvent.receipt_id)))
    assert set(acked) <= stored


def test_importing_the_serve_module_opens_no_store(tmp_path):
    """Its settings are imported by tests and tools: the app (and the store's migration) is
    built by uvicorn's factory in each worker, never on import."""
    store = tmp_path / "never.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{store}"}
    subprocess.run(
        [sys.executable, "-c", "import api.serve as s; assert s.PING_IDLE_AFTER > 0; s.build"],
        cwd=ROOT, env=env, check=True, timeout=120,
    )  # fmt: skip
    assert not store.exists()
