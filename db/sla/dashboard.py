"""The SLA dashboard: one held frame of every outcome, and small views of it per filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db.models import Client
from db.sla import held_frame, outcome_cache
from db.sla.outcomes import sla_details


def dashboard_frame(*, session: Session, actor: Actor, now: datetime) -> pd.DataFrame:
    """Every ticket-metric outcome with client, technician and contract names and the local
    weekday/hour of its due time.

    Meant to be computed once and held (the dashboard keeps it in st.cache_resource, never
    copied); `dashboard_views` turns it into small aggregates per filter choice. In the app
    (`outcome_cache` enabled) it comes from the frame held per store state, with only the
    open tickets evaluated at `now` (`db.sla.held_frame`).
    """
    require(actor, "work_sla")
    held = held_frame.held(session) if outcome_cache.is_enabled(session) else None
    if held is None:
        return held_frame.named_details(session, now)
    return held.frame_at(now)


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


_COUNTED = ("met", "breached", "at_risk")


def _coded(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """A key column as integer codes (-1 = missing) and the labels they stand for."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(np.int64), column.cat.categories
    codes, uniques = pd.factorize(column)
    return codes.astype(np.int64), pd.Index(uniques)


def _rollup(
    coded: dict[str, tuple[np.ndarray, pd.Index]], counted: dict[str, np.ndarray], keys: list[str]
) -> pd.DataFrame:
    """met, breached, at_risk and rate per combination of `keys` seen, sorted by the keys'
    values: what sla.compliance by `keys` gives, rows with a missing key left out.

    Counted over the keys' codes (np.bincount), not a label string per row and key (400k
    rows of the default 90 days: ~0.8 s in a groupby of labels)."""
    valid = np.ones(len(counted[_COUNTED[0]]), bool)
    combined, size = np.zeros(len(valid), np.int64), 1
    for key in keys:
        codes, labels = coded[key]
        valid &= codes >= 0
        combined, size = combined * len(labels) + codes, size * len(labels)
    combined = combined[valid]
    if size <= 4 * len(combined) + 1_000_000:
        seen = np.flatnonzero(np.bincount(combined, minlength=size))
        sums = {c: np.bincount(combined, counted[c][valid], size)[seen] for c in _COUNTED}
    else:  # many combinations: count the distinct ones only
        seen, inverse = np.unique(combined, return_inverse=True)
        sums = {c: np.bincount(inverse, counted[c][valid], len(seen)) for c in _COUNTED}
    out, rest = {}, seen
    for key in reversed(keys):
        labels = coded[key][1]
        out[key] = labels.take(rest % len(labels))
        rest = rest // len(labels)
    frame = pd.DataFrame({k: out[k].to_numpy() for k in keys})
    for c in _COUNTED:
        frame[c] = sums[c].round().astype(np.int64)
    frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    decided = (frame["met"] + frame["breached"]).to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["rate"] = np.where(decided > 0, frame["met"] / decided, np.nan)
    return frame


def dashboard_views(frame: pd.DataFrame, flt: DashboardFilters) -> DashboardViews:
    """Small aggregates for the dashboard (pure: cache the result per filter choice)."""
    f = filter_frame(frame, flt)
    period = f["created_at"].dt.tz_localize(None).dt.to_period("W" if flt.period == "week" else "M")
    keys = [*DIMENSIONS.values(), "metric"]
    coded = {k: _coded(f[k]) for k in keys} | {"period": _coded(period.dt.start_time)}
    state = f["state"]
    counted = {c: (state == c).to_numpy(bool) for c in _COUNTED}
    by = {
        label: _rollup(coded, counted, [column, "metric"]).sort_values(["metric", "rate"])
        for label, column in DIMENSIONS.items()
    }
    trend = _rollup(coded, counted, ["period", "metric"])
    resp = f[(f["metric"] == "response") & f["stopped_at"].notna()]
    buckets = pd.cut(resp["elapsed_min"], _BUCKETS, labels=_BUCKET_LABELS, right=False)
    hist = buckets.value_counts(sort=False).rename_axis("bucket").reset_index(name="tickets")
    hist["order"] = np.arange(len(hist))
    breached = f[(f["state"] == "breached") & f["due_weekday"].notna()]
    heat = breached.groupby(["due_weekday", "due_hour"]).size().reset_index(name="breaches")
    heat["weekday"] = heat["due_weekday"].map(lambda d: WEEKDAYS[int(d)])
    return DashboardViews(
        totals=_rollup(coded, counted, ["metric"]),
        by=by,
        trend=trend,
        response_hist=hist[["bucket", "order", "tickets"]],
        heatmap=heat[["weekday", "due_weekday", "due_hour", "breaches"]].rename(
            columns={"due_hour": "hour"}
        ),
        tickets=int(f["ticket_id"].nunique()),
    )


def ticket_table(
    frame: pd.DataFrame, flt: DashboardFilters, limit: int | None = None
) -> pd.DataFrame:
    """Per-ticket rows (both metrics side by side) for the filtered view, newest first; only
    the newest `limit` tickets when given (chosen before the metrics are joined: the page
    shows 5,000 of the 300k tickets a 90-day view holds at 1M)."""
    f = filter_frame(frame, flt)
    base = f[f["metric"] == "response"][
        ["ticket_id", "external_id", "client", "contract", "tier", "priority", "service_type",
         "technician", "created_at", "status"]
    ]  # fmt: skip
    base = base.sort_values("created_at", ascending=False, kind="stable")
    if limit is not None:
        base = base.head(limit)
    shown = f["ticket_id"].isin(base["ticket_id"]).to_numpy()
    for metric in ("response", "resolution"):
        m = f[shown & (f["metric"] == metric).to_numpy()].set_index("ticket_id")
        base = base.join(
            m[["state", "elapsed_min", "target_min"]].add_prefix(f"{metric}_"), on="ticket_id"
        )
    return base.reset_index(drop=True)


def at_risk_board(*, session: Session, actor: Actor, now: datetime) -> pd.DataFrame:
    """Open tickets (unresolved) with their SLA state and time left, most urgent first."""
    require(actor, "work_sla")
    held = held_frame.held(session) if outcome_cache.is_enabled(session) else None
    if held is None:
        f = sla_details(session=session, now=now, open_only=True)
    else:  # what sla_details gives through the cache, without mapping every ticket's inputs
        f = held.details_at(now)
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
