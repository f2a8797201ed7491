"""Every Monday (any run during the week catches up): queue last week's executive report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from db.engine import session_scope
from db.reports import queue_weekly_report

ORDER = 90


def run(engine: Engine, now: datetime) -> str:
    with session_scope(engine) as s:
        added = queue_weekly_report(session=s, now=now)
    return f"{added} weekly report messages queued"
