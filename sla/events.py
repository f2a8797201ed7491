"""Ticket event logs -> clock rows, and the per-ticket "why" timeline.

A ticket's SLA state is always recomputed from its events, never accumulated: pauses are
the intervals spent in a pausing status plus the gaps between a resolution and a reopen,
so a priority change (which only re-targets) can never lose paused time, and pending time
is measured on the contract calendar like everything else.

Event kinds: created (value: priority), first_response, status (value: the new status),
resolved, reopened, priority_changed (value: the new priority).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from sla.calendar import Calendar, as_us, from_us_many
from sla.coverage_spec import describe_hours
from sla.policy import SlaPolicy

PAUSE_STATUSES = frozenset(
    {
        "pending",
        "on hold",
        "on-hold",
        "on_hold",
        "hold",
        "waiting",
        "waiting on customer",
        "waiting for customer",
        "awaiting customer",
        "scheduled",
        "awaiting parts",
    }
)
STOP_STATUSES = frozenset({"resolved", "solved", "closed", "done", "completed", "cancelled"})
KINDS = ("created", "first_response", "status", "resolved", "reopened", "priority_changed")


def normal_statuses(values: pd.Series) -> pd.Series:
    """Statuses lower-cased with runs of whitespace made one space ("" when missing).

    Computed once per distinct value and broadcast: a million events carry a handful of
    statuses, and per-row string methods cost seconds there."""
    codes, uniques = pd.factorize(values.to_numpy(object))
    norm = [" ".join(str(u).lower().split()) for u in uniques]
    return pd.Series(np.array([*norm, ""], dtype=object)[codes], index=values.index)


def _states(kind: pd.Series, value: pd.Series) -> np.ndarray:
    """State after each event: running, paused, stopped, or None when the event keeps it."""
    unknown = sorted(set(kind.unique()) - set(KINDS))
    if unknown:
        raise ValueError(f"Unknown ticket event kind(s) {unknown} (known: {', '.join(KINDS)})")
    status = normal_statuses(value)
    is_status = (kind == "status").to_numpy()
    return np.select(
        [
            kind.isin(["created", "reopened"]).to_numpy(),
            (kind == "resolved").to_numpy() | (is_status & status.isin(STOP_STATUSES).to_numpy()),
            is_status & status.isin(PAUSE_STATUSES).to_numpy(),
            is_status,
        ],
        ["running", "stopped", "paused", "running"],
        default=None,
    )


def _intervals(events: pd.DataFrame) -> pd.DataFrame:
    """State intervals [start, end) per ticket (end NaT = current): ticket_id, start, end,
    state, value. A stop after a stop (resolved, then closed) keeps the first stop."""
    ev = events.assign(at=pd.to_datetime(events["at"], utc=True)).sort_values(
        ["ticket_id", "at"], kind="stable"
    )
    ev["state"] = _states(ev["kind"], ev["value"])
    ev = ev[ev["state"].notna()]
    prev = ev.groupby("ticket_id", sort=False)["state"].shift(1)
    ev = ev[~((ev["state"] == "stopped") & (prev == "stopped"))].copy()
    ev["end"] = ev.groupby("ticket_id", sort=False)["at"].shift(-1)
    return ev.rename(columns={"at": "start"})[["ticket_id", "start", "end", "state", "value"]]


def rows_from_events(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """events[ticket_id, at, kind, value] -> (tickets, pauses) for sla.clock.evaluate.

    tickets: ticket_id, created_at, first_response_at, resolved_at (NaT unless resolved now),
    priority (latest). pauses: ticket_id, start, end (NaT = still paused), reason.
    """
    if "value" not in events:
        events = events.assign(value=None)
    ev = events.assign(at=pd.to_datetime(events["at"], utc=True))
    by = ev.groupby("ticket_id", sort=True)
    tickets = pd.DataFrame({"created_at": by["at"].min()})
    tickets["first_response_at"] = (
        ev[ev["kind"] == "first_response"].groupby("ticket_id")["at"].min()
    )
    spans = _intervals(ev)
    last = spans.groupby("ticket_id").tail(1).set_index("ticket_id")
    tickets["resolved_at"] = last["start"].where(last["state"] == "stopped")
    prio = ev[ev["kind"].isin(["created", "priority_changed"]) & ev["value"].notna()]
    tickets["priority"] = prio.sort_values("at", kind="stable").groupby("ticket_id")["value"].last()
    paused = spans["state"].eq("paused") | (spans["state"].eq("stopped") & spans["end"].notna())
    pauses = spans[paused].assign(
        reason=np.where(
            spans.loc[paused, "state"] == "paused", spans.loc[paused, "value"], "resolved"
        )
    )
    return tickets.reset_index(), pauses[["ticket_id", "start", "end", "reason"]].reset_index(
        drop=True
    )


@dataclass(frozen=True)
class Segment:
    """One stretch of a ticket's resolution clock, for the "why" view."""

    start: datetime
    end: datetime
    kind: str  # running | paused | outside-coverage | stopped
    reason: str


def _outside_reason(calendar: Calendar, start: int, end: int) -> str:
    """'outside coverage Mon–Fri 08:00–18:00 (Europe/London)', naming holidays it spans."""
    local = from_us_many(np.array([start, end - 1], np.int64)).tz_convert(calendar.tz)
    days = pd.date_range(local[0].date(), local[1].date(), freq="D").date
    off = [f"{d:%Y-%m-%d}" for d in days if d in calendar.holidays]
    text = f"outside coverage {describe_hours(calendar.hours)} ({calendar.tz})"
    return text + (f"; holiday {', '.join(off)}" if off else "")


def _split_by_coverage(calendar: Calendar, start: int, end: int, reason: str) -> list[tuple]:
    """Cut [start, end) at the calendar's openings and closings."""
    table = calendar.table
    i = max(int(np.searchsorted(table.starts, start, side="right")) - 1, 0)
    out, t = [], start
    while t < end:
        if i < len(table.starts) and table.starts[i] <= t < table.ends[i]:
            nxt = min(int(table.ends[i]), end)
            out.append((t, nxt, "running", reason))
            i += 1
        else:
            while i < len(table.starts) and table.ends[i] <= t:
                i += 1
            nxt = min(int(table.starts[i]) if i < len(table.starts) else end, end)
            out.append((t, nxt, "outside-coverage", _outside_reason(calendar, t, nxt)))
        t = nxt
    return out


def timeline(
    events: pd.DataFrame,
    *,
    calendar: Calendar,
    policy: SlaPolicy,
    now: datetime,
    service_type: str | None = None,
) -> list[Segment]:
    """Segments from creation to now of one ticket's resolution clock, each with its reason.

    The calendar is the contract's, or wall time when the policy row of the ticket's current
    priority says 24x7 (e.g. P1 on gold).
    """
    tickets, _ = rows_from_events(events)
    if len(tickets) != 1:
        raise ValueError(f"timeline() takes one ticket's events, got {len(tickets)} tickets")
    priority = str(tickets["priority"].iloc[0] or "P3")
    target = policy.target_for(priority, service_type)
    if target.calendar == "24x7":
        calendar = Calendar(
            calendar.tz, (((0, 1440),),) * 7, frozenset(), calendar.first_year, calendar.last_year
        )
    now_us = as_us(now)
    raw: list[tuple] = []
    spans = _intervals(events.assign(value=events.get("value")))
    label = f"{priority} resolution target {target.resolution_minutes} min"
    for start, end, state, value in spans[["start", "end", "state", "value"]].itertuples(
        index=False
    ):
        a = as_us(start.to_pydatetime())
        b = now_us if pd.isna(end) else min(as_us(end.to_pydatetime()), now_us)
        if b <= a:
            continue
        if state == "running":
            raw.extend(_split_by_coverage(calendar, a, b, f"clock running ({label})"))
        elif state == "paused":
            raw.append((a, b, "paused", f"paused: {value}"))
        else:
            raw.append(
                (a, b, "stopped", "resolved" if pd.isna(end) else "resolved, later reopened")
            )
    merged: list[tuple] = []
    for seg in raw:
        if merged and merged[-1][2:] == seg[2:] and merged[-1][1] == seg[0]:
            merged[-1] = (merged[-1][0], seg[1], *seg[2:])
        else:
            merged.append(seg)
    times = from_us_many(np.array([s[0] for s in merged] + [s[1] for s in merged], np.int64))
    k = len(merged)
    return [
        Segment(times[i].to_pydatetime(), times[k + i].to_pydatetime(), s[2], s[3])
        for i, s in enumerate(merged)
    ]
