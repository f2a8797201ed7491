"""The pure invoice run for a period's bill dates, its inputs loaded from the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from billing.coverage_split import CalendarVersions
from billing.model import ContractBilling
from billing.periods import periods_for, usage_period
from billing.run import RunResult, invoice_run
from db.billing.common import _chunks, _start
from db.billing.inputs import (
    _billing,
    _contract_rows,
    _entitle,
    _entry_frame,
    _replay_states,
    _time_entries,
)
from db.calendars import calendar_versions_frame, load_calendars
from db.contract_versions import RATE_FIELDS, in_force, typed, versions_of
from db.models import Contract, Invoice, TimeEntry


@dataclass(frozen=True)
class _Computed:
    result: RunResult
    problems: list[tuple[int, str, str]]  # contract id, code, message
    owners: dict[int, int]  # contract id -> client id
    contracts: tuple[ContractBilling, ...] = ()  # those the run priced
    run_date: date | None = None
    since: date | None = None


def _in_windows(entry, contract: ContractBilling, windows) -> bool:
    day = entry.local_date(contract.timezone)
    return any(w.start <= day < w.end for w in windows)


def _compute(session: Session, first: date, last: date) -> _Computed:
    """The pure invoice run for bill dates in [first, last], inputs loaded from the store."""
    since = first - timedelta(days=1)
    rows = _contract_rows(
        session,
        Contract.status != "draft",
        Contract.start_date <= last,
        or_(
            Contract.in_force_until.is_(None),
            Contract.in_force_until >= first - timedelta(days=400),
        ),
    )
    versions = versions_of(session, [r["contract_id"] for r in rows])
    run_contracts: list[ContractBilling] = []
    windows: dict[int, list] = {}
    problems: list[tuple[int, str, str]] = []
    for row in rows:
        contract, problem = _billing(row)
        in_force = row["end_date"] is None or row["end_date"] >= first
        if problem is not None and in_force:
            problems.append((row["contract_id"], *problem))
        if contract is None:
            continue
        if contract.pricing is None:
            if in_force:  # its entries get a finding each (NO_PRICING_MODEL)
                run_contracts.append(contract)
                # last month's work too (what advance contracts bill now), while unpriced
                prior = (first - timedelta(days=1)).replace(day=1)
                windows[contract.contract_id] = [_Window(prior, last + timedelta(days=1))]
            continue
        periods = periods_for(contract, last, since=since)
        if not periods:
            continue
        contract = _as_of(contract, row, versions.get(row["contract_id"]), periods[0].start)
        run_contracts.append(contract)
        spans = [usage_period(contract, p) for p in periods]
        windows[contract.contract_id] = [w for w in spans if w is not None and w.covered_days]
    by_id = {c.contract_id: c for c in run_contracts}
    spans = [w for ws in windows.values() for w in ws]
    entries = []
    if spans:
        lo = min(w.start for w in spans) - timedelta(days=1)
        hi = max(w.end for w in spans) + timedelta(days=1)
        clients = sorted({c.client_id for c in run_contracts})
        # `+ 0`: SQLite then range-scans the period on the started_at index instead of
        # reading every entry of every contract's history through the contract index and
        # filtering on the date (1M store: 1.8 -> 0.3 s for the ids alone)
        contract_id, client_id = TimeEntry.contract_id + 0, TimeEntry.client_id + 0
        frame = _entry_frame(
            session,
            TimeEntry.started_at >= _start(lo),
            TimeEntry.started_at < _start(hi),
            or_(
                contract_id.in_(list(by_id)),
                and_(TimeEntry.contract_id.is_(None), client_id.in_(clients)),
                and_(TimeEntry.contract_id.is_(None), TimeEntry.client_id.is_(None)),
            ),
        )
        work = (lo + timedelta(days=1), hi - timedelta(days=1))
        for e in _time_entries(_entitle(session, frame)):
            contract = by_id.get(e.contract_id) if e.contract_id is not None else None
            if contract is not None:
                if _in_windows(e, contract, windows[contract.contract_id]):
                    entries.append(e)
            elif e.contract_id is None and work[0] <= e.started_at.date() < work[1]:
                entries.append(e)  # no contract at all: reported once, in this run
    coverage = _coverage(session, rows)
    states = _replay_states(session, run_contracts, until=since, coverage=coverage)
    result = invoice_run(
        run_contracts, entries, run_date=last, since=since, block_states=states, coverage=coverage
    )
    owners = {r["contract_id"]: r["client_id"] for r in rows}
    return _Computed(result, problems, owners, tuple(run_contracts), last, since)


def _as_of(contract: ContractBilling, row: dict, versions, day: date) -> ContractBilling:
    """The contract priced by the version in force on ``day`` (a period's first day), never
    by today's row; a run's periods of one contract are priced by the first one's version."""
    version = in_force(versions or [], day)
    if version is None:
        return contract
    values = typed(version.snapshot)
    priced = {**row, **{k: values.get(k) for k in RATE_FIELDS if k in values}}
    if priced == row:
        return contract
    dated, problem = _billing(priced)
    return dated if dated is not None and problem is None else contract


def _coverage(session: Session, rows: list[dict]) -> dict:
    """Contract id -> its coverage calendar, with its versions when it was changed (entries
    are split at the boundaries of the version in force when they started)."""
    if not any(r["calendar_id"] for r in rows):
        return {}
    calendars = load_calendars(session=session)
    versions: dict[int, list[tuple]] = {}
    for v in calendar_versions_frame(session).itertuples(index=False):
        key = f"{v.calendar_id}@{v.calv}"
        if key in calendars:
            versions.setdefault(int(v.calendar_id), []).append((v.eff_at, calendars[key]))
    by_calendar: dict[int, object] = {}
    for cal_id, cal in calendars.items():
        if isinstance(cal_id, int):
            dated = sorted(versions.get(cal_id, []), key=lambda p: p[0])
            by_calendar[cal_id] = (
                CalendarVersions(tuple(t.to_pydatetime() for t, _ in dated),
                                 tuple(c for _, c in dated))
                if dated else cal
            )  # fmt: skip
    return {
        r["contract_id"]: by_calendar[r["calendar_id"]]
        for r in rows
        if r["calendar_id"] in by_calendar
    }


@dataclass(frozen=True)
class _Window:
    start: date
    end: date


def _existing(session: Session, keys: Sequence[str]) -> dict[str, Invoice]:
    out: dict[str, Invoice] = {}
    for chunk in _chunks(list(keys)):
        out.update(
            (i.key, i) for i in session.scalars(select(Invoice).where(Invoice.key.in_(chunk)))
        )
    return out
