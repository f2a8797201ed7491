"""Renewal emails: a reminder to the account manager when a renewal task falls due, and
one notice to the client (escalation level-1 contact, performance report attached) when
the proposal stage starts. Clients who opted out get nothing. Keyed per (rule, contract,
due date), so the outbox holds each message once however often the job runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from db.engine import session_scope
from db.renewals.notices import enqueue_renewal_notices

ORDER = 30  # after renewal_tasks, so reminders list today's tasks


def run(engine: Engine, now: datetime) -> str:
    with session_scope(engine) as s:
        report = enqueue_renewal_notices(session=s, now=now)
    return str(report)
