"""The SLA dashboard: one held frame of every outcome, and small views of it per filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

import sla
from access.roles import Actor, require
from db.calendars import ALWAYS
from db.models import Calendar as CalendarRow
from db.models import Client, Contract, Technician
from db.sla.outcomes import sla_details


def dashboard_frame(*, session: Session, actor: Actor, now: datetime) -> pd.DataFrame:
    """Every ticket-metric outcome with client, technician and contract names and the local
    weekday/hour of its due time.

    Meant to be computed once and held (the dashboard keeps it in st.cache_resource, never
    copied); `dashboard_views` turns it into small aggregates per filter choice.
    """
    require(actor, "work_sla")
    frame = sla_details(session=session, now=now)
    names = dict(session.execute(select(Client.id, Client.name)).all())
    techs = dict(session.execute(select(Technician.id, Technician.name)).all())
    refs = dict(session.execute(select(Contract.id, Contract.reference)).all())
    frame["client"] = frame["client_id"].map(names).astype("category")
    frame["technician"] = (
        frame["technician_id"].map(techs).astype(object).fillna("unassigned").astype("category")
    )
    frame["contract"] = frame["contract_id"].map(refs).astype("category")
    tz_of = {ALWAYS: "UTC"} | {
        str(i): tz for i, tz in session.execute(select(CalendarRow.id, CalendarRow.timezone)).all()
    }
    local_due = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    for key, idx in frame.groupby("calendar_key", observed=True).groups.items():
        local_due.loc[idx] = (
            frame.loc[idx, "due_at"].dt.tz_convert(tz_of.get(key, "UTC")).dt.tz_localize(None)
        )
    frame["due_weekday"] = local_due.dt.day_of_week.astype("Int8")
    frame["due_hour"] = local_due.dt.hour.astype("Int8")
    return frame


@dataclass(frozen=True)
class DashboardFilters:
    clients: tuple[str, ...] = ()
    service_types: tuple[str, ...] = ()
    technicians: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    period: str = "week"  # week | month


@dataclass(frozen=True)
class DashboardViews:
    totals: pd.DataFrame  # metric, met, breached, at_risk, rate
    by: dict[str, pd.DataFrame]  # dimension -> compliance per dimension value and metric
    trend: pd.DataFrame  # period, metric, met, breached, rate
    response_hist: pd.DataFrame  # bucket, order, tickets
    heatmap: pd.DataFrame  # weekday, hour, breaches
    tickets: int


_BUCKETS = [0, 15, 30, 60, 120, 240, 480, 960, 1920, np.inf]
_BUCKET_LABELS = ["<15m", "15-30m", "30-60m", "1-2h", "2-4h", "4-8h", "8-16h", "16-32h", ">32h"]
DIMENSIONS = {
    "client": "client",
    "service type": "service_type",
    "technician": "technician",
    "tier": "tier",
    "priority": "priority",
}
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def filter_frame(frame: pd.DataFrame, flt: DashboardFilters) -> pd.DataFrame:
    """The rows the filters keep (created_at date range is inclusive, in UTC)."""
    mask = np.ones(len(frame), bool)
    for values, column in (
        (flt.clients, "client"),
        (flt.service_types, "service_type"),
        (flt.technicians, "technician"),
        (flt.tiers, "tier"),
        (flt.priorities, "priority"),
    ):
        if values:
            mask &= frame[column].isin(values).to_numpy()
    if flt.start is not None:
        mask &= (frame["created_at"] >= pd.Timestamp(flt.start, tz="UTC")).to_numpy()
    if flt.end is not None:
        mask &= (
            frame["created_at"] < pd.Timestamp(flt.end, tz="UTC") + pd.Timedelta(days=1)
        ).to_numpy()
    return frame[mask]


def _rollup(cube: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum a compliance cube to `keys`; rate = met / (met + breached) as in sla.compliance."""
    out = cube.groupby(keys, observed=True, sort=True)[["met", "breached", "at_risk"]].sum()
    out = out.reset_index()
    decided = (out["met"] + out["breached"]).to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = np.where(decided > 0, out["met"] / decided, np.nan)
    return out


def dashboard_views(frame: pd.DataFrame, flt: DashboardFilters) -> DashboardViews:
    """Small aggregates for the dashboard (pure: cache the result per filter choice)."""
    f = filter_frame(frame, flt)
    period = f["created_at"].dt.tz_localize(None).dt.to_period("W" if flt.period == "week" else "M")
    # One pass of sla.compliance over every dimension at once; the views are roll-ups of it.
    keys = [*DIMENSIONS.values(), "metric", "period"]
    cube = sla.compliance(f.assign(period=period.dt.start_time), by=keys)
    by = {
        label: _rollup(cube, [column, "metric"]).sort_values(["metric", "rate"])
        for label, column in DIMENSIONS.items()
    }
    trend = _rollup(cube, ["period", "metric"])
    resp = f[(f["metric"] == "response") & f["stopped_at"].notna()]
    buckets = pd.cut(resp["elapsed_min"], _BUCKETS, labels=_BUCKET_LABELS, right=False)
    hist = buckets.value_counts(sort=False).rename_axis("bucket").reset_index(name="tickets")
    hist["order"] = np.arange(len(hist))
    breached = f[(f["state"] == "breached") & f["due_weekday"].notna()]
    heat = breached.groupby(["due_weekday", "due_hour"]).size().reset_index(name="breaches")
    heat["weekday"] = heat["due_weekday"].map(lambda d: WEEKDAYS[int(d)])
    return DashboardViews(
        totals=_rollup(cube, ["metric"]),
        by=by,
        trend=trend,
        response_hist=hist[["bucket", "order", "tickets"]],
        heatmap=heat[["weekday", "due_weekday", "due_hour", "breaches"]].rename(
            columns={"due_hour": "hour"}
        ),
        tickets=int(f["ticket_id"].nunique()),
    )


def ticket_table(frame: pd.DataFrame, flt: DashboardFilters) -> pd.DataFrame:
    """Per-ticket rows (both metrics side by side) with entitlement, for the filtered view."""
    f = filter_frame(frame, flt)
    base = f[f["metric"] == "response"][
        ["ticket_id", "external_id", "client", "contract", "tier", "priority", "service_type",
         "technician", "created_at", "status"]
    ]  # fmt: skip
    for metric in ("response", "resolution"):
        m = f[f["metric"] == metric].set_index("ticket_id")
        base = base.join(
            m[["state", "elapsed_min", "target_min"]].add_prefix(f"{metric}_"), on="ticket_id"
        )
    return base.sort_values("created_at", ascending=False).reset_index(drop=True)


def at_risk_board(*, session: Session, actor: Actor, now: datetime) -> pd.DataFrame:
    """Open tickets (unresolved) with their SLA state and time left, most urgent first."""
    require(actor, "work_sla")
    f = sla_details(session=session, now=now, open_only=True)
    f = f[f["state"].notna() & (f["state"].astype(str) != "met")]
    names = dict(session.execute(select(Client.id, Client.name)).all())
    out = pd.DataFrame(
        {
            "ticket": f["external_id"],
            "client": f["client_id"].map(names),
            "priority": f["priority"].astype(str),
            "metric": f["metric"].astype(str),
            "state": f["state"].astype(str),
            "minutes_left": f["minutes_left"].round(0),
            "due_at": f["due_at"],
            "target_min": f["target_min"],
            "ticket_id": f["ticket_id"],
        }
    )
    order = out["state"].map({"breached": 0, "at_risk": 1, "paused": 3}).fillna(2)
    return (
        out.assign(_o=order)
        .sort_values(["_o", "minutes_left"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )
