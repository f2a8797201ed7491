"""One ticket at a time: entitlement and SLA clock without building 1-row DataFrames.

The webhook path answers for a single ticket per request; `sla.check_entitlement` and
`sla.evaluate` are vectorised and cost milliseconds of pandas set-up on one row. These are
their scalar forms with the same rules (tests compare them with the bulk engines): the
contract choice (covering scope first, then latest start, then contract order), the reason
texts, pause merging and the clock (`sla.clock._metric` itself, on length-1 arrays).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from sla.calendar import Calendar, as_us
from sla.clock import _NAT, _OPEN, _Clocks, _Combined, _metric
from sla.coverage_spec import describe_hours
from sla.entitlement import WILDCARDS, normalise_service
from sla.events import PAUSE_STATUSES, STOP_STATUSES

_INCLUDED, _WILDCARD, _UNLISTED, _EXCLUDED = 0, 1, 2, 3
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # `from_us_many` for one value, without pandas


@dataclass(frozen=True)
class ContractTerms:
    """What entitlement needs of a contract: dates are local dates in its calendar's zone."""

    contract_id: int
    client_id: int
    start_date: date
    end_date: date | None  # last day in force; None runs on
    included: frozenset[str]  # normalised service keys
    excluded: frozenset[str]
    calendar_key: str


@dataclass(frozen=True)
class Entitlement:
    contract_id: int | None
    outcome: str
    reason: str


@lru_cache(maxsize=256)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def _local_day(instant: datetime, tz: str) -> date:
    return instant.astimezone(_zone(tz)).date()


def _scope(c: ContractTerms, key: str) -> int:
    if key in c.excluded:
        return _EXCLUDED
    if key in c.included:
        return _INCLUDED
    return _WILDCARD if c.included & WILDCARDS else _UNLISTED


def choose_contract(
    contracts: Sequence[ContractTerms],
    *,
    instant: datetime,
    service_type: str,
    zones: Sequence[str],
) -> tuple[ContractTerms, int, date] | None:
    """The contract `sla.check_entitlement` picks (in force on the local date in its zone
    `zones[i]`; covering scope first, then latest start, then contract order), its scope
    and that local date; None when none is in force."""
    key = normalise_service(service_type)
    best: tuple[int, int, int] | None = None
    pick: tuple[ContractTerms, int, date] | None = None
    for pos, (c, tz) in enumerate(zip(contracts, zones, strict=True)):
        day = _local_day(instant, tz)
        if day < c.start_date or (c.end_date is not None and day > c.end_date):
            continue
        scope = _scope(c, key)
        rank = (scope, -c.start_date.toordinal(), pos)
        if best is None or rank < best:
            best, pick = rank, (c, scope, day)
    return pick


def entitlement_one(
    contracts: Sequence[ContractTerms],
    *,
    instant: datetime,
    service_type: str,
    calendars: Mapping[str, Calendar],
) -> Entitlement:
    """`sla.check_entitlement` for one item against the contracts of its client (in
    contract order), or against its booked contract only when the caller passes just it."""
    zones = [calendars[c.calendar_key].tz for c in contracts]
    pick = choose_contract(contracts, instant=instant, service_type=service_type, zones=zones)
    if pick is None:
        day = _local_day(instant, zones[0] if zones else "UTC")
        return Entitlement(None, "no_contract", f"No active contract for client on {day:%Y-%m-%d}")
    c, scope, day = pick
    text = str(service_type).strip()
    if scope == _EXCLUDED:
        return Entitlement(c.contract_id, "out_of_scope",
                           f"‘{text}’ is excluded by contract {c.contract_id}")  # fmt: skip
    if scope == _UNLISTED:
        return Entitlement(c.contract_id, "out_of_scope",
                           f"‘{text}’ is not listed in contract {c.contract_id}")  # fmt: skip
    cal = calendars[c.calendar_key]
    if cal.is_covered(instant):
        return Entitlement(c.contract_id, "covered", f"Included in contract {c.contract_id}")
    holiday = f" (holiday {day:%Y-%m-%d})" if day in cal.holidays else ""
    return Entitlement(c.contract_id, "covered_after_hours",
                       f"Outside coverage {describe_hours(cal.hours)}{holiday}")  # fmt: skip


def _norm(value: object) -> str:
    return " ".join(str(value).lower().split()) if value is not None else ""


def pauses_one(
    *,
    created_at: datetime,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    priority: str,
    history: Sequence[tuple[datetime, str, str | None]],
) -> list[tuple[int, int]]:
    """Pause intervals (us; open end = _OPEN) of one ticket from its stored events, as
    `db.sla.events.pauses_from_events` + `sla.rows_from_events` derive them. A ticket with
    no stored events has none."""
    if not history:
        return []
    log: list[tuple[int, int, str, object]] = [(as_us(created_at), 0, "created", priority)]
    if first_response_at is not None:
        log.append((as_us(first_response_at), 1, "first_response", None))
    if resolved_at is not None:
        log.append((as_us(resolved_at), 1, "resolved", None))
    for at, kind, value in history:
        if kind == "paused":
            log.append((as_us(at), 1, "status", value if _norm(value) in PAUSE_STATUSES
                        else "on hold"))  # fmt: skip
        elif kind == "resumed":
            log.append((as_us(at), 1, "status", "open"))
        else:
            log.append((as_us(at), 1, kind, value))
    log.sort(key=lambda e: (e[0], e[1]))  # stable: created first at the same instant
    spans: list[tuple[int, str, object]] = []
    for at, _, kind, value in log:
        status = _norm(value) if kind == "status" else ""
        if kind in ("created", "reopened"):
            state = "running"
        elif kind == "resolved" or (kind == "status" and status in STOP_STATUSES):
            state = "stopped"
        elif kind == "status":
            state = "paused" if status in PAUSE_STATUSES else "running"
        else:
            continue
        if state == "stopped" and spans and spans[-1][1] == "stopped":
            continue
        spans.append((at, state, value))
    out = []
    for i, (start, state, _) in enumerate(spans):
        end = spans[i + 1][0] if i + 1 < len(spans) else None
        if state == "paused" or (state == "stopped" and end is not None):
            out.append((start, _OPEN if end is None else end))
    return out


def _merge(pauses: Sequence[tuple[int, int]], created: int) -> tuple[np.ndarray, np.ndarray]:
    """`sla.clock._merged_pauses` for one ticket."""
    kept = sorted((max(s, created), e) for s, e in pauses if max(s, created) < e)
    starts: list[int] = []
    ends: list[int] = []
    for s, e in kept:
        if starts and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return np.array(starts, np.int64), np.array(ends, np.int64)


_COMBINED: dict[int, tuple[Calendar, _Combined]] = {}


def _combined(calendar: Calendar) -> _Combined:
    """The calendar's combined window table, built once per calendar object (the webhook
    evaluates one ticket per event: building it copied the whole table each time). The
    entry holds the calendar, so its id cannot be reused while it is cached."""
    hit = _COMBINED.get(id(calendar))
    if hit is None or hit[0] is not calendar:
        if len(_COMBINED) >= 256:  # calendars of replaced reference data
            _COMBINED.clear()
        hit = _COMBINED[id(calendar)] = (calendar, _Combined([calendar]))
    return hit[1]


@dataclass(frozen=True)
class Clock:
    metric: str
    state: str | None
    target_min: float | None
    elapsed_min: float
    due_at: datetime | None
    minutes_left: float | None


def evaluate_one(
    *,
    calendar: Calendar,
    created_at: datetime,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    targets: tuple[float | None, float | None],
    warning_share: float,
    pauses: Sequence[tuple[int, int]],
    now: datetime,
    pause_response: bool = False,
) -> list[Clock]:
    """`sla.evaluate` for one ticket: response and resolution on `calendar`."""
    created = np.array([as_us(created_at)], np.int64)
    resolved = as_us(resolved_at) if resolved_at is not None else _NAT
    responded = as_us(first_response_at) if first_response_at is not None else resolved
    combined = _combined(calendar)
    tick = _Clocks(np.zeros(1, np.int64), [calendar], combined)
    f_created = tick.f(created)
    p_start, p_end = _merge(pauses, int(created[0]))
    now_us = as_us(now)
    out = []
    for metric, stop_us, target_min in (
        ("response", responded, targets[0]),
        ("resolution", resolved, targets[1]),
    ):
        no_target = target_min is None
        target = np.array([0 if no_target else round(target_min * 60 * 1_000_000)], np.int64)
        use = metric == "resolution" or pause_response
        ps, pe = (p_start, p_end) if use else (p_start[:0], p_end[:0])
        pos = np.zeros(len(ps), np.int64)
        rows = _Clocks(pos, [calendar], combined)
        stop = np.array([stop_us], np.int64)
        m = _metric(n=1, tick=tick, rows=rows, created=created, f_created=f_created, stop=stop,
                    target=target, pos=pos, p_start=ps, p_end=pe, now=now_us)  # fmt: skip
        due, elapsed = int(m["due"][0]), int(m["elapsed"][0])
        running = bool(m["running"][0])
        has_due = due != _NAT
        met = not running and (stop_us <= due if has_due else elapsed <= target[0])
        late = has_due and (now_us > due if running else stop_us > due)
        if no_target:
            state = None
        elif not running and met:
            state = "met"
        elif late or (not running and not met):
            state = "breached"
        elif bool(m["paused_now"][0]):
            state = "paused"
        elif elapsed >= round(warning_share * int(target[0])):
            state = "at_risk"
        else:
            state = "running"
        due_at = None if not has_due else _EPOCH + timedelta(microseconds=due)
        out.append(Clock(
            metric=metric, state=state, target_min=None if no_target else float(target_min),
            elapsed_min=elapsed / 60_000_000, due_at=due_at and due_at.astimezone(UTC),
            minutes_left=None if no_target else (int(target[0]) - elapsed) / 60_000_000,
        ))  # fmt: skip
    return out
