"""Outbox delivery: client notices and reminders before bulk alerts, the whole due backlog
drained within the run's time budget (not 200 a run), the lease renewed while sending, and
the run's figures (sent, waiting, oldest waiting)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import db.outbox
from db.models import Notification
from db.outbox import deliver, enqueue
from notify.render import Email
from notify.smtp import SmtpSettings

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MAIL = Email(subject="s", text="t", html="", attachments=())


def _queue(engine, rule: str, n: int, start: int = 0) -> None:
    with Session(engine) as s, s.begin():
        for i in range(start, start + n):
            enqueue(session=s, key=f"{rule}:{i}", rule=rule, email=MAIL,
                    recipients=[f"r{i}@x.example"], now=NOW - timedelta(minutes=30))  # fmt: skip


def test_reminders_and_client_notices_go_before_bulk_alerts(engine):
    _queue(engine, "sla_breach_warning", 30)
    _queue(engine, "compliance_gap_alert", 5, 100)
    _queue(engine, "renewal_reminder", 3, 200)
    _queue(engine, "client_renewal_notice", 2, 300)
    order: list[str] = []

    def send(email, settings):
        order.append(email.to[0])

    r = deliver(engine=engine, settings=SmtpSettings(host="x"), now=NOW, send=send, limit=5)
    assert r.sent == 5
    with Session(engine) as s:
        rule = dict(s.execute(select(Notification.recipient, Notification.rule)).all())
    assert [rule[x] for x in order] == ["client_renewal_notice"] * 2 + ["renewal_reminder"] * 3
    assert r.waiting == 35 and r.oldest_waiting == timedelta(minutes=30)
    assert "35 waiting (oldest 30 min)" in str(r)


def test_drains_more_than_200_in_one_run(engine):
    _queue(engine, "sla_breach_warning", 260)
    sent = []
    r = deliver(engine=engine, settings=SmtpSettings(host="x"), now=NOW,
                send=lambda e, st: sent.append(e))  # fmt: skip
    assert r.sent == 260 and len(sent) == 260 and r.waiting == 0


def test_time_budget_stops_and_leaves_the_rest_pending(engine):
    _queue(engine, "sla_breach_warning", 40)

    def slow(email, settings):
        time.sleep(0.05)

    r = deliver(engine=engine, settings=SmtpSettings(host="x"), now=NOW, send=slow,
                budget_s=0.5)  # fmt: skip
    assert 0 < r.sent < 40 and r.waiting == 40 - r.sent
    with Session(engine) as s:
        statuses = set(s.scalars(select(Notification.status)))
    assert statuses == {"sent", "pending"}  # nothing left claimed


def test_lease_is_renewed_while_a_slow_batch_sends(engine, monkeypatch):
    """Another runner arriving after the lease would have run out (timed from the start)
    must not mark the still-sending batch uncertain."""
    monkeypatch.setattr(db.outbox, "LEASE", timedelta(seconds=1))
    _queue(engine, "renewal_reminder", 6)
    started = threading.Event()

    def slow(email, settings):
        started.set()
        time.sleep(0.5)  # 6 x 0.5 s = 3 s, three leases

    a = threading.Thread(target=lambda: deliver(engine=engine, settings=SmtpSettings(host="x"),
                                                now=NOW, send=slow, runner="a"))  # fmt: skip
    a.start()
    started.wait(5)
    time.sleep(1.7)
    other = deliver(engine=engine, settings=SmtpSettings(host="x"), now=NOW + timedelta(
        seconds=1.7), send=lambda e, st: None, runner="b")  # fmt: skip
    a.join()
    with Session(engine) as s:
        statuses = list(s.scalars(select(Notification.status)))
    assert "uncertain" not in statuses
    assert statuses.count("sent") == 6 and other.sent == 0
