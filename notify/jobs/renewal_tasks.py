"""Renewal tasks due today (health check, proposal, closing call, decision) for every live
contract, assigned to its account manager. Keyed per (kind, contract, due date): a second
run, or two runners at once, add nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from db.engine import session_scope
from db.renewals.tasks import generate_tasks

ORDER = 20


def run(engine: Engine, now: datetime) -> str:
    with session_scope(engine) as s:
        added = generate_tasks(session=s, now=now)
    return f"{added} renewal task(s) added"
