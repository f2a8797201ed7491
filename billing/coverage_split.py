"""Splitting time entries at coverage boundaries, so each part is rated on its own.

An entry from 17:00 to 20:00 under 08:00-18:00 cover is one covered hour and two
after-hours hours, not three covered hours because it started inside cover. Each part
keeps the entry's id (the backup shows one row per part) and gets the outcome of its
own span: covered / covered_after_hours for contract work; out-of-scope parts keep their
outcome and carry the after-hours flag. Validation has already judged the whole entry,
so accuracy still counts it once.

A contract's calendar may have versions (hours changed on a date): each entry is split by the
version in force when it started (`CalendarVersions`), never by today's hours.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from billing.model import Id, Outcome, TimeEntry
from sla.calendar import Calendar, CalendarRangeError, as_us, to_us

SPLIT_OUTCOMES = (Outcome.COVERED, Outcome.COVERED_AFTER_HOURS, Outcome.OUT_OF_SCOPE)


@dataclass(frozen=True)
class CalendarVersions:
    """One calendar's versions: ``calendars[i]`` is in force from ``valid_from[i]`` (aware,
    ascending); before the first, the first."""

    valid_from: tuple[datetime, ...]
    calendars: tuple[Calendar, ...]

    def at(self, when: datetime) -> Calendar:
        i = bisect_right(self.valid_from, when) - 1
        return self.calendars[max(i, 0)]


Coverage = Calendar | CalendarVersions


def _at(cover: Coverage | None, when: datetime) -> Calendar | None:
    return cover.at(when) if isinstance(cover, CalendarVersions) else cover


def _segments(
    cal: Calendar, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, bool]]:
    """[start, end) cut at every opening and closing: (from, to, covered)."""
    table = cal.table
    out = []
    t = start
    while t < end:
        t_us = as_us(t)
        i = int(np.searchsorted(table.starts, t_us, side="right")) - 1
        covered = i >= 0 and t_us < int(table.ends[i])
        if covered:
            boundary_us = int(table.ends[i])
        else:
            k = i + 1
            boundary_us = int(table.starts[k]) if k < len(table.starts) else as_us(end)
        boundary = start + timedelta(microseconds=boundary_us - as_us(start))
        to = min(boundary, end)
        out.append((t, to, covered))
        t = to
    return out


def split_entry(entry: TimeEntry, cal: Calendar) -> list[TimeEntry]:
    """The entry as one part per covered / uncovered span (itself when it does not cross)."""
    if entry.outcome not in SPLIT_OUTCOMES or not entry.minutes or entry.minutes <= 0:
        return [entry]
    end = entry.started_at + timedelta(minutes=entry.minutes)
    try:
        covered = cal.business_minutes(entry.started_at, end)
    except CalendarRangeError:
        return [entry]
    if covered <= 0 or covered >= entry.minutes:
        return [entry]
    parts, used = [], 0
    segments = _segments(cal, entry.started_at, end)
    for n, (a, b, inside) in enumerate(segments):
        last = n == len(segments) - 1
        minutes = entry.minutes - used if last else round((b - a).total_seconds() / 60)
        used += minutes
        if minutes <= 0:
            continue
        if entry.outcome is Outcome.OUT_OF_SCOPE:
            part = replace(entry, started_at=a, minutes=minutes, after_hours=not inside)
        else:
            outcome = Outcome.COVERED if inside else Outcome.COVERED_AFTER_HOURS
            part = replace(
                entry,
                started_at=a,
                minutes=minutes,
                entitlement_outcome=str(outcome),
                after_hours=None,
            )
        parts.append(part)
    return parts


def _crossing(entries: list[TimeEntry], coverage: Mapping[Id, Coverage]) -> set[int]:
    """Indexes of the entries that cross a coverage boundary (`crossing_rows`)."""
    idx = [
        i
        for i, e in enumerate(entries)
        if e.contract_id is not None
        and coverage.get(e.contract_id) is not None
        and e.outcome in SPLIT_OUTCOMES
        and e.minutes
        and e.minutes > 0
    ]
    if not idx:
        return set()
    starts, _ = to_us([entries[i].started_at for i in idx])
    minutes = np.array([entries[i].minutes for i in idx], dtype=np.int64)
    cids = [entries[i].contract_id for i in idx]
    return set(np.asarray(idx)[crossing_rows(cids, starts, minutes, coverage)].tolist())


def crossing_rows(
    contract_ids: Sequence[Id],
    start_us: np.ndarray,
    minutes: np.ndarray,
    coverage: Mapping[Id, Coverage],
) -> np.ndarray:
    """Which spans [start, start + minutes) (UTC microseconds) are partly covered, so split:
    judged by the calendar version in force at each start, one vectorized clock lookup per
    calendar (a year of demo history is ~10^5 entries). A span outside a calendar's years
    leaves that calendar's spans whole, as split_entry leaves such an entry."""
    rows_of: dict[Id, list[int]] = {}
    for row, cid in enumerate(contract_ids):
        rows_of.setdefault(cid, []).append(row)
    groups: dict[int, tuple[Calendar, list[np.ndarray]]] = {}
    for cid, rows in rows_of.items():
        cover = coverage.get(cid)
        if cover is None:
            continue
        at = np.asarray(rows)
        which = _version_index(cover, start_us[at])
        for i in np.unique(which):
            cal = cover.calendars[i] if isinstance(cover, CalendarVersions) else cover
            groups.setdefault(id(cal), (cal, []))[1].append(at[which == i])
    out = np.zeros(len(start_us), bool)
    for cal, parts in groups.values():
        at = np.concatenate(parts)
        ends = start_us[at] + minutes[at].astype(np.int64) * 60_000_000
        try:
            covered = cal.business_seconds_many(start_us[at], ends) / 60
        except CalendarRangeError:  # split_entry leaves such entries whole
            continue
        out[at] = (covered > 0) & (covered < minutes[at])
    return out


def _version_index(cover: Coverage, start_us: np.ndarray) -> np.ndarray:
    """Index of the calendar version in force at each start (0 for a plain calendar), as
    `CalendarVersions.at` picks it one instant at a time."""
    if not isinstance(cover, CalendarVersions):
        return np.zeros(len(start_us), np.int64)
    valid, _ = to_us(list(cover.valid_from))
    return np.maximum(np.searchsorted(valid, start_us, side="right") - 1, 0)


def split_at_coverage(
    entries: Iterable[TimeEntry], coverage: Mapping[Id, Coverage]
) -> list[TimeEntry]:
    """Every entry of a contract with a coverage calendar, split at the boundaries of the
    calendar version in force when it started."""
    entries = list(entries)
    crossing = _crossing(entries, coverage)
    out: list[TimeEntry] = []
    for i, e in enumerate(entries):
        cal = _at(coverage[e.contract_id], e.started_at) if i in crossing else None
        out.extend(split_entry(e, cal) if cal is not None else [e])
    return out
