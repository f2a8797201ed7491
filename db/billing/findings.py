"""Past billing runs, their findings, and approving the time entries they flag."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing.validation import Reason
from db import audit
from db.billing.common import NOT_BLOCKING, PERMISSION, _names, _refs, parse_period
from db.models import BillingFinding, BillingRun, TimeEntry


def billing_runs(*, session: Session, actor: Actor, period: str | None = None) -> pd.DataFrame:
    """Runs (newest first) with their accuracy and open findings."""
    require(actor, PERMISSION)
    open_findings = (
        select(BillingFinding.run_id, func.count().label("n"))
        .where(BillingFinding.resolved.is_(False))
        .group_by(BillingFinding.run_id)
        .subquery()
    )
    q = select(
        BillingRun.id,
        BillingRun.period_start,
        BillingRun.period_end,
        BillingRun.created_at,
        BillingRun.lines_total,
        BillingRun.lines_passed,
        func.coalesce(open_findings.c.n, 0),
    ).outerjoin(open_findings, open_findings.c.run_id == BillingRun.id)
    if period:
        first, last = parse_period(period)
        q = q.where(BillingRun.period_start == first, BillingRun.period_end == last)
    rows = session.execute(q.order_by(BillingRun.id.desc())).all()
    cols = ["run_id", "period_start", "period_end", "at", "entries", "passed", "open_findings"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["accuracy"] = frame["passed"] / frame["entries"].where(frame["entries"] > 0)
    return frame


def run_findings(
    *, session: Session, actor: Actor, run_id: int, open_only: bool = True
) -> pd.DataFrame:
    """Findings of a run with their code, reason text, client and contract."""
    require(actor, PERMISSION)
    q = (
        select(
            BillingFinding.id,
            BillingFinding.time_entry_id,
            BillingFinding.contract_id,
            BillingFinding.code,
            BillingFinding.message,
            BillingFinding.resolved,
            TimeEntry.client_id,
            TimeEntry.approved,
        )
        .outerjoin(TimeEntry, TimeEntry.id == BillingFinding.time_entry_id)
        .where(BillingFinding.run_id == run_id)
        .order_by(BillingFinding.id)
    )
    if open_only:
        q = q.where(BillingFinding.resolved.is_(False))
    cols = ["id", "entry_id", "contract_id", "code", "message", "resolved", "client_id", "approved"]
    frame = pd.DataFrame(session.execute(q).all(), columns=cols)
    frame.insert(3, "contract", frame["contract_id"].map(_refs(session, frame["contract_id"])))
    frame.insert(4, "client", frame["client_id"].map(_names(session, frame["client_id"])))
    frame["blocking"] = ~frame["code"].isin(list(NOT_BLOCKING))
    return frame


def approve_entries(*, session: Session, actor: Actor, entry_ids: Sequence[int]) -> int:
    """Approve out-of-scope time entries (audited); their NOT_APPROVED findings close."""
    require(actor, PERMISSION)
    ids = sorted({int(i) for i in entry_ids})
    if not ids:
        raise ValueError("Choose at least one time entry to approve.")
    rows = session.scalars(select(TimeEntry).where(TimeEntry.id.in_(ids))).all()
    missing = sorted(set(ids) - {r.id for r in rows})
    if missing:
        raise ValueError(f"Unknown time entries: {', '.join(map(str, missing))}.")
    changed = 0
    for row in rows:
        if row.approved:
            continue
        row.approved = True
        row.approved_by_id = actor.user_id
        changed += 1
        audit.record(
            session=session,
            actor=actor,
            entity="time_entry",
            entity_id=row.id,
            action="approve",
            field="approved",
            old=False,
            new=True,
        )
    session.execute(
        update(BillingFinding)
        .where(BillingFinding.time_entry_id.in_(ids), BillingFinding.code == Reason.NOT_APPROVED)
        .values(resolved=True)
    )
    session.flush()
    return changed
