"""`python cli.py jobs run` end to end: renewal jobs queue, the outbox delivers to a real
aiosmtpd server, a second run sends nothing; SMTP down leaves rows failed for a retry."""

from argparse import Namespace
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from commands.jobs import run_jobs
from db.models import Notification
from tests.renewals_integration.conftest import make_book

JOBS = Namespace(only=["renewal_tasks", "renewal_notices"], no_send=False)


def _env(monkeypatch, engine, host, port) -> None:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SMTP_HOST", host)
    monkeypatch.setenv("SMTP_PORT", str(port))


def test_jobs_run_delivers_reminders_and_client_notice_once(engine, smtp_server, monkeypatch):
    with Session(engine) as s:
        make_book(s, datetime.now(UTC))  # jobs run uses the real clock
    _env(monkeypatch, engine, smtp_server.host, smtp_server.port)
    assert run_jobs(JOBS) == 0
    received = list(smtp_server.recorder.messages)
    assert run_jobs(JOBS) == 0
    assert len(smtp_server.recorder.messages) == len(received)  # never twice
    by_rcpt = {rcpt[0]: msg for _, rcpt, msg in received}
    assert "mona@desk.example" in by_rcpt
    assert by_rcpt["mona@desk.example"]["Subject"].startswith("[Renewal] ")
    notices = {r: m for r, m in by_rcpt.items() if r.startswith("esc")}
    [(rcpt, msg)] = notices.items()  # Quiet Ltd opted out; Autoco is not 60 days out yet
    assert rcpt.startswith("esc1@") and "C-1" in msg["Subject"]
    [pdf] = list(msg.iter_attachments())
    assert pdf.get_filename() == "performance-report-C-1.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    assert "esc2@" not in " ".join(by_rcpt)


def test_smtp_down_keeps_messages_failed(engine, monkeypatch):
    with Session(engine) as s:
        make_book(s, datetime.now(UTC))
    _env(monkeypatch, engine, "127.0.0.1", 1)
    assert run_jobs(JOBS) == 1  # every send failed: the exit code says so
    with Session(engine) as s:
        rows = s.scalars(select(Notification)).all()
        assert rows and {n.status for n in rows} == {"failed"}
        assert all("could not talk to SMTP server" in n.last_error for n in rows)
