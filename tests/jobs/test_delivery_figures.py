"""Per-run delivery figures (sent, waiting, oldest waiting): kept for every delivery,
printed by `cli.py jobs run`, shown on the outbox page. Real SMTP (aiosmtpd, port 8652)."""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor
from commands.jobs import run_jobs
from db.models import DeliveryRun
from db.outbox import deliver, enqueue
from notify.render import Email
from notify.smtp import SmtpSettings, send
from tests.notify.conftest import Recorder

PORT = 8652
NOW = datetime(2026, 6, 8, 14, 0, tzinfo=UTC)


@pytest.fixture
def smtp() -> Iterator[Recorder]:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=PORT)
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()


def _queue(engine, n: int, created: datetime) -> None:
    email = Email(subject="s", text="t", html="")
    with Session(engine) as s, s.begin():
        for i in range(n):
            enqueue(session=s, key=f"k{i}", rule="renewal_reminder", email=email,
                    recipients=[f"r{i}@x.example"], now=created)  # fmt: skip


def _runs(engine) -> list[DeliveryRun]:
    with Session(engine) as s:
        return list(s.scalars(select(DeliveryRun).order_by(DeliveryRun.id)))


def test_every_delivery_keeps_its_figures(engine, smtp):
    _queue(engine, 5, NOW - timedelta(minutes=42))
    settings = SmtpSettings(host="127.0.0.1", port=PORT)
    spent = deliver(engine=engine, settings=settings, now=NOW, send=send, budget_s=0)
    assert (spent.sent, spent.waiting) == (0, 5)
    assert str(spent).startswith("0 sent, 0 to retry, 0 given up; 5 waiting (oldest 42 min)")
    done = deliver(engine=engine, settings=settings, now=NOW, send=send, runner="r2")
    assert (done.sent, done.waiting, done.oldest_waiting) == (5, 0, None)
    assert len(smtp.messages) == 5
    first, second = _runs(engine)
    assert (first.sent, first.waiting, first.oldest_waiting_s) == (0, 5, 42 * 60)
    assert (second.sent, second.waiting, second.oldest_waiting_s) == (5, 0, None)
    assert second.runner == "r2" and second.seconds >= 0


def test_jobs_run_prints_the_figures(engine, smtp, monkeypatch, capsys):
    _queue(engine, 3, datetime.now(UTC) - timedelta(minutes=5))
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(PORT))
    assert run_jobs(Namespace(only=["none"], no_send=False)) == 0
    out = capsys.readouterr().out
    assert "outbox: 3 sent, 0 to retry, 0 given up; 0 waiting;" in out
    [run] = _runs(engine)
    assert (run.sent, run.waiting) == (3, 0)


def test_outbox_page_shows_the_last_deliveries(engine, smtp, monkeypatch):
    from tests.pages.conftest import page, serving

    _queue(engine, 4, NOW - timedelta(minutes=30))
    settings = SmtpSettings(host="127.0.0.1", port=PORT)
    deliver(engine=engine, settings=settings, now=NOW, send=send, budget_s=0)
    url = engine.url.render_as_string(hide_password=False)
    with serving(url, monkeypatch):
        at = page("pages/outbox.py", url)
        at.session_state["actor"] = Actor(user_id=None, username="m", role="manager")
        at.run()
    assert not at.exception
    assert "Deliveries" in [h.value for h in at.subheader]
    captions = " ".join(c.value for c in at.caption)
    assert "Last delivery 2026-06-08 14:00 UTC: 0 sent, 0 to retry, 0 given up, 4 waiting " \
           "(oldest 30 min)" in captions  # fmt: skip
    assert any("4 due message(s) were still waiting" in w.value for w in at.warning)
    runs = next(d.value for d in at.dataframe if "oldest waiting (min)" in d.value.columns)
    assert runs.iloc[0]["waiting"] == 4 and runs.iloc[0]["oldest waiting (min)"] == 30
