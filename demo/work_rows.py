"""Writing the generated tickets, pauses and time entries (`demo.work`) to the store, with
rates charged as the contracts say and contracted hours set from real use."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.calendars import load_calendars
from db.models import (
    Contract,
    Ticket,
    TicketEvent,
    TimeEntry,
)
from demo.work import pause_events, tickets_frame, time_entries_frame


def _records(df: pd.DataFrame) -> list[dict]:
    """DataFrame rows as dicts: None for missing values, Python datetimes to the microsecond."""
    cols = {}
    for col in df.columns:
        series = df[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            series = series.dt.floor("us")
            cols[col] = [None if pd.isna(v) else v.to_pydatetime() for v in series]
        else:
            cols[col] = [
                None if (not isinstance(v, str) and pd.isna(v)) else v
                for v in series.astype(object)
            ]
    return [dict(zip(cols, vals, strict=True)) for vals in zip(*cols.values(), strict=True)]


def store_work(engine, rng, rows, n, now, report) -> None:
    t = tickets_frame(rng, rows, n, now)
    t["id"] = np.arange(1, len(t) + 1)
    t["source"] = "demo"
    t["external_id"] = [f"D-{i:07d}" for i in t["id"]]
    t["subject"] = t["service_type"].str.capitalize() + " request"
    t["technician_id"] = t["technician_id"].where(t["technician_id"] > 0, None)
    ev = pause_events(rng, t, now)
    ev["ticket_id"] = t["id"].to_numpy()[ev.pop("ticket_row").to_numpy()]
    te = time_entries_frame(rng, t, rows)
    te["ticket_id"] = t["id"].to_numpy()[te.pop("ticket_row").to_numpy()]
    cur = {r.id: c for r, c in zip(rows, _currencies(engine, rows), strict=True)}
    te["currency"] = te["contract_id"].map(cur)
    _price_entries(engine, rng, te, rows)
    ticket_cols = [
        "id",
        "source",
        "external_id",
        "client_id",
        "contract_id",
        "technician_id",
        "subject",
        "service_type",
        "priority",
        "status",
        "created_at",
        "first_response_at",
        "resolved_at",
        "csat",
    ]
    with engine.begin() as conn:
        for chunk in range(0, len(t), 50_000):
            conn.execute(insert(Ticket), _records(t[ticket_cols].iloc[chunk : chunk + 50_000]))
        if len(ev):
            conn.execute(insert(TicketEvent), _records(ev[["ticket_id", "at", "kind", "value"]]))
        for chunk in range(0, len(te), 50_000):
            conn.execute(insert(TimeEntry), _records(te.iloc[chunk : chunk + 50_000]))
    _set_included_hours(engine, rows, te, now)
    report.counts.update(tickets=len(t), ticket_events=len(ev), time_entries=len(te))


def _price_entries(engine, rng, te: pd.DataFrame, rows) -> None:
    """Charge what the contract says: role rate, x multiplier outside coverage; approve most
    out-of-scope work. A few entries keep a stale rate so billing validation has work to do."""
    with Session(engine) as s:
        cal_of = dict(s.query(Contract.id, Contract.calendar_id).all())
        calendars = load_calendars(session=s)
    started = pd.to_datetime(te["started_at"], utc=True)
    after = np.zeros(len(te), dtype=bool)
    cal_ids = te["contract_id"].map(cal_of).to_numpy()
    for cal_id in pd.unique(cal_ids):
        mask = cal_ids == cal_id
        after[mask] = ~np.asarray(calendars[cal_id].is_covered_many(started[mask]))
    base = {r.id: r.hourly_rate for r in rows}
    rates = []
    for cid, role, off, old in zip(
        te["contract_id"], te["role"], after, te["rate_charged"], strict=True
    ):
        rate = base[cid] + (Decimal(40) if role == "senior engineer" else Decimal(0))
        rate = rate * Decimal("1.5") if off else rate
        stale = old != base[cid]  # time_entries_frame marked it as charged at a stale rate
        rates.append((rate + Decimal(10) if stale else rate).quantize(Decimal("0.01")))
    te["rate_charged"] = rates
    included = {r.id: set(r.included) for r in rows}
    out_of_scope = np.array(
        [st not in included[c] for c, st in zip(te["contract_id"], te["service_type"], strict=True)]
    )
    te["approved"] = out_of_scope & (rng.random(len(te)) < 0.6)


def _currencies(engine, rows) -> list[str]:
    with Session(engine) as s:
        found = dict(s.query(Contract.id, Contract.currency).all())
    return [found[r.id] for r in rows]


def _set_included_hours(engine, rows, te, now) -> None:
    """Contracted hours = what the client really uses / its usage factor (over/under use)."""
    used = te.groupby("contract_id")["minutes"].sum() / 60
    months = {
        r.id: max(
            1.0,
            (min(r.end, now.date()) - max(r.start, (now - timedelta(days=730)).date())).days / 30.4,
        )
        for r in rows
    }
    with Session(engine) as s, s.begin():
        for r in rows:
            c = s.get(Contract, r.id)
            per_month = float(used.get(r.id, 0.0)) / months[r.id]
            c.included_hours = Decimal(str(max(2, round(per_month / r.usage))))
            if c.rollover:
                c.rollover_cap_hours = c.included_hours
