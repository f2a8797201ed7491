"""Daily: alert account managers 60 days before a compliance requirement goes unmet.

One ``compliance_gap_alert`` per gap key and recipient (the contract's account manager, or
the admins when it has none). The outbox refuses a key it already holds, so running the job
twice, or every day for 60 days, alerts once; a renewal followed by a new lapse is a new gap
key and a new alert. Advisories (a credential with no expiry recorded) are not emailed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from access.roles import SYSTEM
from db.compliance.alerts import enqueue_gap_alerts
from db.engine import session_scope

ORDER = 40
HORIZON_DAYS = 60


def run(engine: Engine, now: datetime) -> str:
    with session_scope(engine) as s:
        found, added = enqueue_gap_alerts(
            session=s, actor=SYSTEM, now=now, horizon_days=HORIZON_DAYS
        )
    return f"{found} gaps within {HORIZON_DAYS} days, {added} new alerts queued"
