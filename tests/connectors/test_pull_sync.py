"""Pull connectors against a local server speaking each source's export API (both stores)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from connectors.http import Connection, SyncError
from connectors.sources import PULL_SOURCES, Cursor, request_for
from db.engine import session_factory, session_scope
from db.models import InboundEvent, Ticket
from db.ticket_sync import load_cursor, sync_source
from sla.events import PAUSE_STATUSES, STOP_STATUSES
from tests.connectors.fake_sources import CREDENTIALS, FakeSource, FakeTicket, serve, ticket_id
from tests.factories import make_contract

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
START = datetime(2026, 2, 1, tzinfo=UTC)


@pytest.fixture
def store(engine):
    with session_scope(engine) as s:
        make_contract(s, name="Acme Dental")
    return engine


def tickets(n: int, client: str = "Acme Dental") -> list[FakeTicket]:
    base = datetime(2026, 2, 20, 8, 0, tzinfo=UTC)
    out = []
    for i in range(n):
        created = base + timedelta(minutes=7 * i)
        out.append(FakeTicket(number=1000 + i, client=client, subject=f"Printer {i}",
                              service="Network support", priority=f"P{i % 4 + 1}",
                              status=("open", "pending", "resolved")[i % 3], created=created,
                              updated=created + timedelta(hours=1)))  # fmt: skip
    return out


def run(engine, fake: FakeSource, url: str, **kw):
    conn = Connection.from_secrets(
        fake.source, {"connectors": {fake.source: {**CREDENTIALS[fake.source], "base_url": url}}}
    )
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # real waits, recorded
        waits.append(seconds)
        time.sleep(seconds)

    conn.sleep = sleep
    with httpx.Client() as client, session_factory(engine)() as s:
        report = sync_source(session=s, source=fake.source, now=NOW,
                             fetch=lambda req: conn.get(client, req), **kw)  # fmt: skip
    return report, waits


def stored(engine, source: str) -> dict[str, Ticket]:
    with session_factory(engine)() as s:
        return {t.external_id: t for t in s.scalars(select(Ticket).where(Ticket.source == source))}


@pytest.mark.parametrize("source", PULL_SOURCES)
def test_sync_reads_every_page_then_only_what_changed(store, source):
    fake = FakeSource(source, tickets(230))
    server, url = serve(fake)
    try:
        report, _ = run(store, fake, url, since=START)
        assert report.finished and report.pages == 3 and report.new_events == 230
        got = stored(store, source)
        assert len(got) == 230
        sample = fake.tickets[4]  # P1... i=4 -> P1, status pending
        t = got[ticket_id(source, sample)]
        assert (t.priority, t.subject) == ("P1", "Printer 4")
        assert t.status in PAUSE_STATUSES  # the source's waiting status pauses the clock
        assert t.created_at.replace(tzinfo=UTC) == sample.created
        assert t.contract_id is not None  # matched to Acme Dental's contract
        resolved = got[ticket_id(source, fake.tickets[2])]
        assert resolved.resolved_at is not None

        # Nothing changed: the next sync starts at the stored cursor and adds nothing.
        fake.requests.clear()
        again, _ = run(store, fake, url)
        assert again.new_events == 0 and len(fake.requests) == 1
        # One ticket resolved later: only it is read and applied.
        moved = fake.tickets[0]
        moved.status, moved.updated = "resolved", datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
        third, _ = run(store, fake, url)
        assert third.new_events == 1 and third.tickets_applied == 1
        t0 = stored(store, source)[ticket_id(source, moved)]
        assert t0.status in STOP_STATUSES
        assert t0.resolved_at.replace(tzinfo=UTC) == moved.updated
        with session_factory(store)() as s:
            assert s.scalar(select(func.count()).select_from(Ticket)) == 230
    finally:
        server.shutdown()


@pytest.mark.parametrize("source", ["zendesk", "freshdesk", "jsm", "servicenow"])
def test_a_stopped_sync_resumes_at_the_next_page_without_rereading(store, source):
    fake = FakeSource(source, tickets(250))
    server, url = serve(fake)
    try:
        first, _ = run(store, fake, url, since=START, max_pages=1)
        assert not first.finished and first.new_events == 100
        with session_factory(store)() as s:
            cursor = load_cursor(s, source)
        assert cursor is not None and (cursor.page == 2 or cursor.token)
        fake.requests.clear()
        rest, _ = run(store, fake, url)
        assert rest.finished and rest.new_events == 150 and len(fake.requests) == 2
        assert len(stored(store, source)) == 250
        with session_factory(store)() as s:
            assert s.scalar(select(func.count()).select_from(InboundEvent)) == 250
    finally:
        server.shutdown()


def test_rate_limit_is_waited_out_and_reread_is_idempotent(store):
    fake = FakeSource("freshdesk", tickets(30), throttle_next=2)
    server, url = serve(fake)
    try:
        report, waits = run(store, fake, url, since=START)
        assert report.new_events == 30 and waits == [1.0, 1.0]
        # Reading the whole window again (explicit --since) stores and applies nothing new.
        again, _ = run(store, fake, url, since=START)
        assert again.new_events == 0 and again.tickets_applied == 0
    finally:
        server.shutdown()


def test_unknown_client_is_kept_unmatched(store):
    fake = FakeSource("zendesk", tickets(3, client="Nobody Ltd"))
    server, url = serve(fake)
    try:
        report, _ = run(store, fake, url, since=START)
        assert len(report.unmatched) == 3 and report.tickets_applied == 0
        with session_factory(store)() as s:
            statuses = s.scalars(select(InboundEvent.status)).all()
        assert statuses == ["unmatched"] * 3
    finally:
        server.shutdown()


def test_bad_credentials_and_missing_settings_are_clear(store):
    fake = FakeSource("servicenow", tickets(2))
    server, url = serve(fake)
    try:
        bad = Connection.from_secrets("servicenow", {"connectors": {"servicenow": {
            "base_url": url, "username": "svc", "password": "wrong"}}})  # fmt: skip
        with httpx.Client() as client, pytest.raises(SyncError, match="refused the credentials"):
            bad.get(client, request_for("servicenow", Cursor(since=START)))
    finally:
        server.shutdown()
    with pytest.raises(SyncError, match=r"\[connectors.zendesk\] is missing email, api_token"):
        Connection.from_secrets("zendesk", {"connectors": {"zendesk": {"base_url": "http://x"}}})
    with pytest.raises(SyncError, match="no \\[connectors.halopsa\\] section"):
        Connection.from_secrets("halopsa", {})


def test_cli_sync_and_its_exit_codes(store, tmp_path):
    fake = FakeSource("connectwise", tickets(120))
    server, url = serve(fake)
    env = {**os.environ, "DATABASE_URL": store.url.render_as_string(hide_password=False)}
    secrets = tmp_path / "secrets.toml"
    creds = {**CREDENTIALS["connectwise"], "base_url": url}
    secrets.write_text("[connectors.connectwise]\n"
                       + "".join(f'{k} = "{v}"\n' for k, v in creds.items()))  # fmt: skip
    cmd = [sys.executable, "cli.py", "tickets", "sync", "--source", "connectwise",
           "--secrets", str(secrets), "--since", "2026-02-01"]  # fmt: skip
    try:
        done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "2 page(s), 120 record(s), 120 new" in done.stdout and "up to date" in done.stdout
        assert len(stored(store, "connectwise")) == 120
        secrets.write_text('[connectors.connectwise]\nbase_url = "http://127.0.0.1:1"\n')
        bad = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert bad.returncode == 2 and "is missing company" in bad.stderr
    finally:
        server.shutdown()
