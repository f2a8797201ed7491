"""Weekly executive report: PDF text, queued once per week, delivered by real SMTP."""

import io
from datetime import UTC, date, datetime, timedelta

import pdfplumber
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Notification
from db.outbox import deliver
from db.reports import queue_weekly_report, set_weekly_recipients
from demo.seed import SeedSize, seed
from notify.smtp import SmtpSettings, send

MONDAY = datetime(2026, 11, 23, 7, tzinfo=UTC)


def test_weekly_report_queued_once_and_delivered_with_pdf(engine, smtp_server):
    seed(
        engine,
        seed=3,
        size=SeedSize(clients=3, contracts=6, tickets=400, technicians=2),
        today=date(2026, 11, 23),
    )
    with Session(engine) as s, s.begin():
        assert queue_weekly_report(session=s, now=MONDAY) == 0  # nobody to send to yet
        set_weekly_recipients(session=s, recipients=["ceo@example.com", "cfo@example.com"])
        assert queue_weekly_report(session=s, now=MONDAY) == 2
    with Session(engine) as s, s.begin():
        assert queue_weekly_report(session=s, now=MONDAY + timedelta(days=2)) == 0
        subject = s.scalars(select(Notification.subject)).first()
    assert subject == "Contract Desk weekly report, 2026-11-16 to 2026-11-22"
    r = deliver(
        engine=engine,
        settings=SmtpSettings(host=smtp_server.host, port=smtp_server.port),
        now=MONDAY,
        send=send,
    )
    assert r.sent == 2
    msg = smtp_server.recorder.messages[0][2]
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "contract-desk-week-2026-47.pdf"
    with pdfplumber.open(io.BytesIO(att.get_content())) as pdf:
        text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Contract Desk weekly report" in text
    assert "16 Nov 2026 to 22 Nov 2026" in text
    assert "Total contract value" in text and "Renewal pipeline" in text
    assert "Contracts at risk, and why" in text and "At-risk value" in text
    assert "Revenue recovered by billing validation" in text
