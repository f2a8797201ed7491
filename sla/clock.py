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


class _Sorted:
    """A sorted int64 array searched through equal-width buckets instead of bisection.

    `right(x)` / `left(x)` equal `np.searchsorted(values, x, side)`: the bucket of x gives
    how many values lie before it, then at most `depth` (the most values in one bucket)
    vectorised comparisons finish the count. Window tables are near-uniform in time, so the
    depth is a few and a lookup costs a few cached gathers rather than ~17 branchy steps.
    Degenerate tables (a deep bucket) fall back to `searchsorted`.
    """

    MAX_DEPTH = 8

    def __init__(self, values: np.ndarray) -> None:
        self.values = values
        n = len(values)
        self.depth = self.MAX_DEPTH + 1
        if n < 2:
            return
        self.lo = int(values[0])
        self.width = max(1, (int(values[-1]) - self.lo) // n + 1)
        count = (int(values[-1]) - self.lo) // self.width + 2
        edges = self.lo + np.arange(count, dtype=np.int64) * self.width
        self.before = np.searchsorted(values, edges, side="left")
        self.depth = int(np.diff(self.before).max())
        self.padded = np.concatenate([values, np.full(self.depth, _OPEN, np.int64)])

    def _search(self, x: np.ndarray, right: bool) -> np.ndarray:
        if self.depth > self.MAX_DEPTH:
            return np.searchsorted(self.values, x, side="right" if right else "left")
        b = np.clip((x - self.lo) // self.width, 0, len(self.before) - 1)
        i = self.before[b]
        out = i.copy()
        for step in range(self.depth):
            v = self.padded[i + step]
            out += (v <= x) if right else (v < x)
        return out

    def right(self, x: np.ndarray) -> np.ndarray:
        return self._search(x, True)

    def left(self, x: np.ndarray) -> np.ndarray:
        return self._search(x, False)


class _Combined:
    """Every calendar's window table laid end to end on one axis, searched in one call.

    Calendar k's instants are shifted by `shift[k]` (and its clock values by `cshift[k]`) so
    the tables of all calendars form one sorted array: F and F^-1 for a million rows of mixed
    calendars are one `searchsorted` each, with no per-calendar gather and scatter. The
    arithmetic is `Calendar.clock_us` / `instant_us`'s, so results are identical.
    """

    def __init__(self, calendars: Sequence[Calendar]) -> None:
        tables = [c.table for c in calendars]
        self.calendars = list(calendars)
        lo = np.array([t.lo for t in tables], np.int64)
        hi = np.array([t.hi for t in tables], np.int64)
        total = np.array([int(t.cum_end[-1]) if len(t.cum_end) else 0 for t in tables], np.int64)
        sizes = np.array([len(t.starts) for t in tables], np.int64)
        self.lo, self.hi, self.total = lo, hi, total
        self.shift = np.concatenate([[0], np.cumsum(hi - lo + 1)[:-1]]) - lo
        self.cshift = np.concatenate([[0], np.cumsum(total + 1)[:-1]])
        self.first = np.concatenate([[0], np.cumsum(sizes)[:-1]])  # segment start
        self.last = self.first + sizes - 1  # segment end (first - 1 when empty)
        empty = np.zeros(0, np.int64)
        cat = lambda xs: np.concatenate(xs) if xs else empty  # noqa: E731
        self.starts = cat([t.starts for t in tables])
        self.ends = cat([t.ends for t in tables])
        self.cum = cat([t.cum for t in tables])
        self.cum_end = cat([t.cum_end for t in tables])
        code = np.repeat(np.arange(len(tables)), sizes)
        self.g_starts = self.starts + self.shift[code]  # sorted: segments do not overlap
        self.g_cum_end = self.cum_end + self.cshift[code]
        self.lengths = self.ends - self.starts
        self.by_start = _Sorted(self.g_starts)
        self.by_clock = _Sorted(self.g_cum_end)

    def f(self, codes: np.ndarray, t: np.ndarray) -> np.ndarray:
        """F(t) of each row's calendar (`Calendar.clock_us`)."""
        t = np.asarray(t, np.int64)
        if not len(t) or not len(self.starts):
            return np.zeros(len(t), np.int64)
        lo, hi = self.lo[codes], self.hi[codes]
        bad = (t < lo) | (t > hi)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            self.calendars[codes[k]].clock_us(t[k : k + 1])  # raises its CalendarRangeError
        i = self.by_start.right(t + self.shift[codes]) - 1
        outside = i < self.first[codes]
        j = np.maximum(i, 0)
        inside = np.minimum(t - self.starts[j], self.lengths[j])
        return np.where(outside, 0, self.cum[j] + inside)

    def finv(self, codes: np.ndarray, clock: np.ndarray) -> np.ndarray:
        """F^-1 of each row's calendar (`Calendar.instant_us`)."""
        clock = np.asarray(clock, np.int64)
        if not len(clock):
            return np.zeros(0, np.int64)
        over = clock > self.total[codes]
        if over.any():
            k = int(np.flatnonzero(over)[0])
            self.calendars[codes[k]].instant_us(clock[k : k + 1])  # raises
        if not len(self.starts):
            return self.lo[codes]
        i = self.by_clock.left(clock + self.cshift[codes])
        i = np.clip(i, self.first[codes], np.maximum(self.last[codes], 0))
        out = self.starts[i] + (clock - self.cum[i])
        return np.where(clock <= 0, self.lo[codes], out)


class _Clocks:
    """F and F^-1 for rows that each belong to one calendar (codes into `calendars`)."""

    def __init__(
        self, codes: np.ndarray, calendars: Sequence[Calendar], combined: _Combined | None = None
    ) -> None:
        self.codes = np.asarray(codes, np.int64)
        self.combined = combined if combined is not None else _Combined(calendars)

    def subset(self, idx: np.ndarray) -> _Clocks:
        """The clocks of rows `idx` (the combined table is shared, not rebuilt)."""
        return _Clocks(self.codes[idx], self.combined.calendars, self.combined)

    def f(self, t: np.ndarray) -> np.ndarray:
        return self.combined.f(self.codes, t)

    def finv(self, clock: np.ndarray) -> np.ndarray:
        return self.combined.finv(self.codes, clock)


def _by_ticket_then_start(pos: np.ndarray, start: np.ndarray) -> np.ndarray | None:
    """The order that sorts pauses by (ticket, start); None when they already are.

    Same order as `np.lexsort((start, pos))` up to ties of equal starts (which merging does
    not see), ~4x cheaper: starts are ranked by one argsort, then (ticket, rank) packed in
    one int64 is sorted by value (a SIMD sort) and unpacked.
    """
    m = len(pos)
    step = np.diff(pos)
    if not (step >= 0).all() or not ((step > 0) | (np.diff(start) >= 0)).all():
        by_start = np.argsort(start)
        rank = np.empty(m, np.int64)
        rank[by_start] = np.arange(m)
        key = np.sort(pos.astype(np.int64) * m + rank)
        return by_start[key % m]
    return None


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
    order = _by_ticket_then_start(pos, start)
    if order is not None:
        pos, start, end = pos[order], start[order], end[order]
    if not len(pos):
        return pos, start, end
    first = np.concatenate([[True], pos[1:] != pos[:-1]])
    reach = pd.Series(end).groupby(np.cumsum(first)).cummax().to_numpy()
    new = first | np.concatenate([[True], start[1:] > reach[:-1]])
    at = np.flatnonzero(new)
    return pos[new], start[new], np.maximum.reduceat(end, at)


def _pause_clocks(rows: _Clocks, p_start: np.ndarray, p_end: np.ndarray) -> tuple:
    """F at each pause's start and end (_OPEN for a pause still running): computed once and
    shared by both metrics, since F(min(x, y)) = min(F(x), F(y)) for the clipped intervals."""
    is_open = p_end == _OPEN
    f_ps = rows.f(p_start)
    f_pe = np.where(is_open, _OPEN, rows.f(np.where(is_open, p_start, p_end)))
    return f_ps, f_pe


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
    f_pauses: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Elapsed, due and pause facts of one metric; `stop` is _NAT while the clock runs.

    `f_pauses` is `_pause_clocks(rows, p_start, p_end)` when the caller already has it.
    """
    running = stop == _NAT
    until = np.where(running, np.maximum(now, created), stop)
    f_until = tick.f(until)
    elapsed = f_until - f_created
    is_open = p_end == _OPEN
    f_ps, f_pe = f_pauses if f_pauses is not None else _pause_clocks(rows, p_start, p_end)
    # paused covered time inside [created, until]: F is monotone, so F(min(x, u)) = min(F...)
    f_stop = f_until[pos]
    paused = np.minimum(f_pe, f_stop) - np.minimum(f_ps, f_stop)
    elapsed -= np.bincount(pos, paused, minlength=n).round().astype(np.int64)
    # due: pauses that start before the target is reached push it back by their length
    length = np.where(is_open, 0, f_pe - f_ps)
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
    found, distinct = pd.factorize(tickets["calendar_key"])  # a few keys over many rows
    known = pd.Index(names).get_indexer(distinct)
    codes = np.where(found < 0, -1, known[found] if len(known) else found)
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
    rows = tick.subset(pos)
    f_ps, f_pe = _pause_clocks(rows, p_start, p_end)
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
            rows=rows.subset(sel) if not sel.all() else rows,
            created=created,
            f_created=f_created,
            stop=stop,
            target=target,
            pos=pos[sel],
            p_start=p_start[sel],
            p_end=p_end[sel],
            now=now_us,
            f_pauses=(f_ps[sel], f_pe[sel]),
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
