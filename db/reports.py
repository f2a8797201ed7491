"""The weekly executive report: rendered from the executive view, queued once per ISO week."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from access.roles import SYSTEM
from analytics.weekly_report import email_context, report_pdf
from db.analytics_repo import executive_view
from db.models import Setting
from db.outbox import enqueue
from notify.render import Attachment, render

RECIPIENTS_KEY = "reports.weekly_recipients"


def weekly_recipients(*, session: Session) -> list[str]:
    row = session.get(Setting, RECIPIENTS_KEY)
    value = row.value if row else []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"Setting {RECIPIENTS_KEY} must be a list of email addresses.")
    return value


def set_weekly_recipients(*, session: Session, recipients: list[str]) -> None:
    bad = [r for r in recipients if "@" not in r]
    if bad:
        raise ValueError(f"Not email addresses: {', '.join(bad)}")
    row = session.get(Setting, RECIPIENTS_KEY) or Setting(key=RECIPIENTS_KEY, value=[])
    row.value = recipients
    session.add(row)


def queue_weekly_report(*, session: Session, now: datetime) -> int:
    """Queue last week's report (Mon-Sun) to the configured list; once per ISO week."""
    today = now.date()
    week_start = today - timedelta(days=today.weekday() + 7)
    week_end = week_start + timedelta(days=6)
    recipients = weekly_recipients(session=session)
    if not recipients:
        return 0
    year, week, _ = week_start.isocalendar()
    view = executive_view(
        session=session,
        actor=SYSTEM,
        currency=None,
        start=week_start - timedelta(days=83),
        end=week_end,
        today=today,
    )
    pdf = report_pdf(view, week_start=week_start, week_end=week_end)
    email = render(
        "weekly_executive_report",
        email_context(view, week_start=week_start, week_end=week_end),
        attachments=[Attachment(f"contract-desk-week-{year}-{week:02d}.pdf", pdf)],
    )
    return enqueue(
        session=session,
        key=f"weekly_report:{year}-W{week:02d}",
        rule="weekly_executive_report",
        email=email,
        recipients=recipients,
        now=now,
    )


def last_week(today: date) -> tuple[date, date]:
    start = today - timedelta(days=today.weekday() + 7)
    return start, start + timedelta(days=6)
