"""Health inputs of every contract at once: SLA, hours, ticket trend, CSAT, payments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from db.models import Ticket, TimeEntry
from db.renewals import health_cache
from db.renewals.common import _invoices, _local_today, _sla_outcomes

WINDOW_DAYS = 365


def _unindexed(column):  # noqa: ANN001, ANN202 - SQL expressions
    """`column + 0`: to group by it without walking its index. SQLite otherwise groups by
    walking the contract_id index over every row of the history, looking each row up (1.6
    CPU-s on a million tickets), instead of scanning only the window's rows (0.4 s)."""
    return (column + literal_column("0")).label("contract_id")


def _grouped(session: Session, q) -> dict[int, Any]:
    return {cid: value for cid, value in session.execute(q).all() if cid is not None}


def health_inputs(
    *, session: Session, contracts: pd.DataFrame, now: datetime, store: tuple | None = None
) -> pd.DataFrame:
    """:class:`renewals.health.HealthInputs` columns per contract (index = contract id);
    in the app, computed once per store state and `now` for every caller (health_cache;
    `store`: its state, when the caller read it already)."""
    return health_cache.cached(
        session, contracts, now, lambda: _compute(session, contracts, now), store
    )


def _compute(session: Session, contracts: pd.DataFrame, now: datetime) -> pd.DataFrame:
    since = now - timedelta(days=WINDOW_DAYS)
    ids = [int(i) for i in contracts["id"]]
    out = pd.DataFrame(index=pd.Index(ids, name="contract_id"))
    if not ids:
        return out
    sla = _sla_outcomes(session, now, since, ids)
    decided = sla[sla["state"].isin(["met", "breached"])]
    met = (decided["state"] == "met").groupby(decided["contract_id"]).sum()
    total = decided.groupby("contract_id").size()
    out["sla_compliance"] = (met / total).reindex(out.index)

    entry_contract = _unindexed(TimeEntry.contract_id)
    used = _grouped(
        session,
        select(entry_contract, func.sum(TimeEntry.minutes))
        .where(TimeEntry.started_at >= since, TimeEntry.started_at <= now)
        .group_by(entry_contract),
    )
    hours_used, contracted = [], []
    for row in contracts.itertuples(index=False):
        today = _local_today(now, row.timezone)
        start = max(row.start_date, today - timedelta(days=WINDOW_DAYS))
        end = min(row.end_date or today, today)
        days = max((end - start).days + 1, 0)
        hours = None if row.included_hours is None else float(row.included_hours)
        contracted.append(None if hours is None else round(hours * days * 12 / 365.25, 2))
        hours_used.append(round(float(used.get(row.id, 0) or 0) / 60, 2))
    out["hours_used"], out["hours_contracted"] = hours_used, contracted

    last, previous, csat = _ticket_figures(session, now, since, out.index)
    out["tickets_last_90"] = last.astype(object)
    # A trend needs a full previous window: a contract younger than 180 days has none, and
    # comparing its first weeks with "nothing before" would read as a surge.
    started = pd.Series(
        {int(r.id): r.start_date for r in contracts.itertuples(index=False)}
    ).reindex(out.index)
    young = started > (now - timedelta(days=180)).date()
    out["tickets_previous_90"] = previous.astype(object).where(~young, None)
    out.loc[young, "tickets_last_90"] = None
    out["csat"] = csat
    payments = _payment_record(session, ids, since.date(), now)
    out = out.join(payments)
    return out


def _ticket_figures(
    session: Session, now: datetime, since: datetime, index: pd.Index
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Tickets of the last 90 days, of the 90 before, and the mean CSAT since `since`, per
    contract: one range scan over the year's tickets (ix_tickets_created_contract covers it)
    instead of one per figure.
    """
    recent, before = now - timedelta(days=90), now - timedelta(days=180)

    def in_window(start: datetime, end: datetime):  # noqa: ANN202 - a SQL expression
        return func.sum(
            case((and_(Ticket.created_at >= start, Ticket.created_at < end), 1), else_=0)
        )

    contract = _unindexed(Ticket.contract_id)
    rows = session.execute(
        select(contract, in_window(recent, now), in_window(before, recent), func.avg(Ticket.csat))
        .where(Ticket.created_at >= min(since, before))
        .group_by(contract)
    ).all()
    rows = [r for r in rows if r[0] is not None]

    def counts(i: int) -> pd.Series:
        found = pd.Series({r[0]: int(r[i]) for r in rows if r[i]}, dtype=float)
        return found.reindex(index).fillna(0).astype(int)

    csat = pd.Series({r[0]: float(r[3]) for r in rows if r[3] is not None}, dtype=float)
    return counts(1), counts(2), csat


def _payment_record(session: Session, ids: list[int], since: date, now: datetime) -> pd.DataFrame:
    inv = _invoices(session, ids, since)
    columns = ["paid_on_time_share", "days_overdue"]
    inv = inv[inv["due_date"].notna()]
    if inv.empty:
        return pd.DataFrame(columns=columns, dtype=float)
    today = pd.Timestamp(now.astimezone(UTC).date())
    due = pd.to_datetime(inv["due_date"])
    paid = pd.to_datetime(inv["paid_on"])
    on_time = paid.notna() & (paid <= due)
    late = paid.notna() & (paid > due)
    overdue = paid.isna() & (due < today)
    counted = (on_time | late | overdue).groupby(inv["contract_id"]).sum()
    share = on_time.groupby(inv["contract_id"]).sum() / counted.where(counted > 0)
    days = (today - due).dt.days.where(overdue, 0).groupby(inv["contract_id"]).max()
    return pd.DataFrame({"paid_on_time_share": share, "days_overdue": days.astype(float)})
