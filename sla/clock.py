"""SLA clock in bulk: elapsed covered time, due time and state per ticket and metric.

The clock of a metric starts at creation (counting only covered time, so a ticket opened at
night starts at the next opening), skips paused intervals, and stops at first response or
resolution. Everything is recomputed from instants (never accumulated), so a priority change
re-targets without losing paused time, and a reopened ticket resumes its resolution clock
(the gap resolved -> reopened arrives as a pause).

Choices, stated once:
- pauses stop the resolution clock; they stop the response clock only where the ticket's
  `pause_response` is True (default False, see sla.policy.SlaPolicy for why);
- a ticket resolved without a recorded first response is answered at resolution;
- met means stopped at or before the due time; an open ticket is breached once now is past
  the due time (a due time at 17:00 closing means 17:30 is late);
- overlapping pauses are merged; a pause with no end is still running (due time NaT).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from sla.calendar import US, Calendar, as_us, from_us_many, to_us

METRICS = ("response", "resolution")
STATES = ("met", "breached", "at_risk", "running", "paused")
STATE_DTYPE = pd.CategoricalDtype(list(STATES))
_NAT = np.iinfo(np.int64).min
_OPEN = np.iinfo(np.int64).max


class _Clocks:
    """F and F^-1 for rows that each belong to one calendar (grouped once, reused)."""

    def __init__(self, codes: np.ndarray, calendars: Sequence[Calendar]) -> None:
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(calendars) + 1))
        self.parts = [
            (calendars[k], order[bounds[k] : bounds[k + 1]])
            for k in range(len(calendars))
            if bounds[k + 1] > bounds[k]
        ]

    def f(self, t: np.ndarray) -> np.ndarray:
        out = np.zeros(len(t), np.int64)
        for cal, idx in self.parts:
            out[idx] = cal.clock_us(t[idx])
        return out

    def finv(self, clock: np.ndarray) -> np.ndarray:
        out = np.zeros(len(clock), np.int64)
        for cal, idx in self.parts:
            out[idx] = cal.instant_us(clock[idx])
        return out


def _merged_pauses(
    pauses: pd.DataFrame, ticket_ids: pd.Index, created: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pause rows -> (ticket position, start, end) merged per ticket, sorted; open end = _OPEN."""
    pos = ticket_ids.get_indexer(pauses["ticket_id"])
    start, start_nat = to_us(pauses["start"])
    end, end_nat = to_us(pauses["end"])
    keep = (pos >= 0) & ~start_nat
    pos, start, end = pos[keep], start[keep], np.where(end_nat[keep], _OPEN, end[keep])
    start = np.maximum(start, created[pos])  # a pause before creation only counts from creation
    keep = end > start
    pos, start, end = pos[keep], start[keep], end[keep]
    order = np.lexsort((start, pos))
    pos, start, end = pos[order], start[order], end[order]
    if not len(pos):
        return pos, start, end
    first = np.concatenate([[True], pos[1:] != pos[:-1]])
    reach = pd.Series(end).groupby(np.cumsum(first)).cummax().to_numpy()
    new = first | np.concatenate([[True], start[1:] > reach[:-1]])
    at = np.flatnonzero(new)
    return pos[new], start[new], np.maximum.reduceat(end, at)


def _metric(
    *,
    n: int,
    tick: _Clocks,
    rows: _Clocks,
    created: np.ndarray,
    f_created: np.ndarray,
    stop: np.ndarray,
    target: np.ndarray,
    pos: np.ndarray,
    p_start: np.ndarray,
    p_end: np.ndarray,
    now: int,
) -> dict[str, np.ndarray]:
    """Elapsed, due and pause facts of one metric; `stop` is _NAT while the clock runs."""
    running = stop == _NAT
    until = np.where(running, np.maximum(now, created), stop)
    elapsed = tick.f(until) - f_created
    is_open = p_end == _OPEN
    # paused covered time inside [created, until]
    a = np.minimum(p_start, until[pos])
    b = np.minimum(p_end, until[pos])
    elapsed -= np.round(np.bincount(pos, rows.f(b) - rows.f(a), minlength=n)).astype(np.int64)
    # due: pauses that start before the target is reached push it back by their length
    f_ps = rows.f(p_start)
    length = np.where(is_open, 0, rows.f(np.where(is_open, p_start, p_end)) - f_ps)
    csum = np.cumsum(length)
    first = np.concatenate([[True], pos[1:] != pos[:-1]]) if len(pos) else pos.astype(bool)
    base = np.maximum.accumulate(np.where(first, csum - length, 0)) if len(pos) else csum
    before = csum - length - base
    pushes = (f_ps - f_created[pos] - before) < target[pos]
    extra = np.round(np.bincount(pos, np.where(pushes, length, 0), minlength=n)).astype(np.int64)
    held = np.bincount(pos, pushes & is_open, minlength=n) > 0
    due = np.where(held, _NAT, tick.finv(f_created + target + extra))
    paused_now = np.bincount(pos, (p_start <= now) & (now < p_end), minlength=n) > 0
    return {"elapsed": elapsed, "due": due, "paused_now": paused_now & running, "running": running}


def evaluate(
    tickets: pd.DataFrame,
    pauses: pd.DataFrame,
    *,
    calendars: Mapping[str, Calendar],
    now: datetime,
) -> pd.DataFrame:
    """Both metrics for every ticket, as one long frame.

    tickets: ticket_id, calendar_key, created_at, first_response_at, resolved_at,
    response_target_min, resolution_target_min[, warning_share (0.75)][, pause_response (False)].
    pauses: ticket_id, start, end (NaT = still paused).
    Returns ticket_id, metric, calendar_key, target_min, elapsed_min, due_at, stopped_at,
    state (NA when the ticket has no target), minutes_left (negative once breached).
    """
    n = len(tickets)
    names = list(calendars)
    codes = pd.Index(names).get_indexer(tickets["calendar_key"])
    if (codes < 0).any():
        missing = sorted({str(k) for k in tickets["calendar_key"][codes < 0].unique()})
        raise KeyError(f"No calendar for key(s): {', '.join(missing)}")
    keys = pd.Categorical.from_codes(codes, categories=names)
    cals = [calendars[k] for k in names]
    created, nat = to_us(tickets["created_at"])
    if nat.any():
        raise ValueError(f"{int(nat.sum())} ticket(s) without created_at")
    responded, _ = to_us(tickets["first_response_at"])
    resolved, _ = to_us(tickets["resolved_at"])
    responded = np.where(responded == _NAT, resolved, responded)
    now_us = as_us(now)
    tick = _Clocks(codes, cals)
    f_created = tick.f(created)
    ids = pd.Index(tickets["ticket_id"])
    if not ids.is_unique:
        raise ValueError(f"Duplicate ticket_id(s): {list(ids[ids.duplicated()].unique()[:5])}")
    pos, p_start, p_end = _merged_pauses(pauses, ids, created)
    rows = _Clocks(codes[pos], cals)
    share = (
        tickets["warning_share"].fillna(0.75).to_numpy(float)
        if "warning_share" in tickets
        else np.full(n, 0.75)
    )
    pause_resp = (
        tickets["pause_response"].fillna(False).to_numpy(bool)
        if "pause_response" in tickets
        else np.zeros(n, bool)
    )
    frames = []
    for metric, stop, column in (
        ("response", responded, "response_target_min"),
        ("resolution", resolved, "resolution_target_min"),
    ):
        target_min = tickets[column].to_numpy(float)
        no_target = np.isnan(target_min)
        target = np.round(np.where(no_target, 0, target_min) * 60 * US).astype(np.int64)
        sel = np.ones(len(pos), bool) if metric == "resolution" else pause_resp[pos]
        m = _metric(
            n=n,
            tick=tick,
            rows=_Clocks(codes[pos[sel]], cals) if not sel.all() else rows,
            created=created,
            f_created=f_created,
            stop=stop,
            target=target,
            pos=pos[sel],
            p_start=p_start[sel],
            p_end=p_end[sel],
            now=now_us,
        )
        due, elapsed = m["due"], m["elapsed"]
        has_due = due != _NAT
        met = ~m["running"] & ((has_due & (stop <= due)) | (~has_due & (elapsed <= target)))
        late = has_due & np.where(m["running"], now_us > due, stop > due)
        state = np.select(
            [
                no_target,
                ~m["running"] & met,
                late | (~m["running"] & ~met),
                m["paused_now"],
                elapsed >= np.round(share * target),
            ],
            [-1, 0, 1, 4, 2],
            default=3,
        )
        frames.append(
            pd.DataFrame(
                {
                    "ticket_id": tickets["ticket_id"].to_numpy(),
                    "metric": metric,
                    "calendar_key": keys,
                    "target_min": target_min,
                    "elapsed_min": elapsed / (60 * US),
                    "due_at": from_us_many(due),
                    "stopped_at": from_us_many(stop),
                    "state": pd.Categorical.from_codes(state, dtype=STATE_DTYPE),
                    "minutes_left": np.where(no_target, np.nan, (target - elapsed) / (60 * US)),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def compliance(df: pd.DataFrame, *, by: Sequence[str] = ("metric",)) -> pd.DataFrame:
    """met, breached, at_risk and rate = met / (met + breached) per group (NaN if none decided)."""
    keys = list(by)
    state = df["state"].astype(object)
    counts = pd.DataFrame(
        {
            **{k: df[k].to_numpy() for k in keys},
            "met": (state == "met").to_numpy(int),
            "breached": (state == "breached").to_numpy(int),
            "at_risk": (state == "at_risk").to_numpy(int),
        }
    )
    if keys:
        out = counts.groupby(keys, observed=True, dropna=False, sort=True).sum().reset_index()
    else:
        out = counts.sum().to_frame().T
    decided = (out["met"] + out["breached"]).to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = np.where(decided > 0, out["met"] / decided, np.nan)
    return out
