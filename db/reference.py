"""Reference data the per-event webhook path needs, cached per process and per store.

Clients by name key, contracts (dates, scope, calendar, tier, zone), coverage calendars
with their versions, and SLA policies with their targets are read once and reused while
the store's fingerprint is unchanged. The fingerprint is one small query run on every
call (counts and highest ids of those tables, the sum of contract versions and their
latest update, and the highest audit id: every edit through the app is audited), so an
Apply, a calendar or a policy change made by any process is seen by the next event.
Instances are plain values (no ORM objects): a caller's commit cannot expire them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import sla
from contracts.schema import client_name_key
from db.calendars import ALWAYS, data_years, load_calendars
from db.direct import Direct
from db.models import (
    AuditEntry,
    CalendarHoliday,
    CalendarVersion,
    Client,
    Contract,
    ContractService,
    SlaPolicy,
    SlaTarget,
)
from db.models import Calendar as CalendarRow
from db.sla.in_force import _local_midnight, _merge, _policies
from sla.entitlement import _service_set
from sla.single import ContractTerms


@dataclass(frozen=True)
class _Target:
    priority: str
    service_type: str
    response_minutes: int
    resolution_minutes: int
    calendar: str


@dataclass(frozen=True)
class _Policy:
    """A stored SLA policy row, detached (what `db.sla.in_force._merge` reads)."""

    id: int
    contract_id: int | None
    tier: str | None
    effective_from: date
    warning_share: Decimal | None
    targets: tuple[_Target, ...]


@dataclass(frozen=True)
class ContractInfo:
    tier: str
    tz: str  # the calendar's zone, else the contract's, else UTC (db.sla.in_force)
    calendar_id: int | None


@dataclass
class Reference:
    fingerprint: tuple
    clients: dict[str, int]  # live clients by name key
    names: dict[int, str]
    terms: dict[int, list[ContractTerms]]  # client id -> live contracts, in id order
    info: dict[int, ContractInfo]  # every contract (a deleted one keeps its tickets' SLA)
    calendars: dict[str, sla.Calendar]
    years: range
    policies: list[_Policy]
    versions: dict[int, list[tuple[datetime, int]]]  # calendar id -> (valid_from, version id)
    _merged: dict[tuple, sla.SlaPolicy | None] = field(default_factory=dict)
    _owned: dict[object, list[_Policy]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for p in self.policies:  # by contract id, and tier defaults by ("tier", name)
            owner = p.contract_id if p.contract_id is not None else (
                ("tier", p.tier.strip().lower()) if p.tier else None)  # fmt: skip
            self._owned.setdefault(owner, []).append(p)

    def policy(self, contract_id: int, at: datetime) -> tuple[sla.SlaPolicy | None, str]:
        """The merged policy in force at `at` and its calendar key (`policy_in_force`)."""
        c = self.info[contract_id]
        stamp = pd.Timestamp(at)

        def latest(rows: list[_Policy]) -> _Policy | None:
            live = [p for p in rows if _local_midnight(p.effective_from, c.tz) <= stamp]
            return max(live, key=lambda p: (p.effective_from, p.id)) if live else None

        own = latest(self._owned.get(contract_id, []))
        tier = latest(self._owned.get(("tier", c.tier), []))
        calv = None
        if c.calendar_id is not None:
            live = [v for v in self.versions.get(c.calendar_id, []) if v[0] <= at]
            calv = max(live)[1] if live else None
        key = (contract_id, own and own.id, tier and tier.id)
        if key not in self._merged:
            self._merged[key] = _merge(c.tier, tier, own)  # type: ignore[arg-type]
        if c.calendar_id is None:
            return self._merged[key], ALWAYS
        return self._merged[key], str(c.calendar_id) + ("" if calv is None else f"@{calv}")


_cache: dict[str, Reference] = {}
_lock = threading.Lock()


def _fingerprint_columns() -> list:
    per_table = [
        (Client, (func.count(), func.max(Client.id), func.count(Client.deleted_at),
                  func.max(Client.created_at))),
        (Contract, (func.count(), func.max(Contract.id), func.sum(Contract.version),
                    func.max(Contract.updated_at), func.count(Contract.deleted_at))),
        *((m, (func.count(), func.max(m.id))) for m in (
            ContractService, SlaPolicy, SlaTarget, CalendarRow, CalendarHoliday, CalendarVersion
        )),
        (SlaPolicy, (func.max(SlaPolicy.created_at),)),
        (CalendarVersion, (func.max(CalendarVersion.created_at),)),
        (AuditEntry, (func.max(AuditEntry.id),)),
    ]  # fmt: skip
    cols = [select(f).select_from(m).scalar_subquery() for m, fs in per_table for f in fs]
    return [c.label(f"fp{i}") for i, c in enumerate(cols)]


# The fingerprint's columns: uncorrelated scalar subqueries, so a per-event query can
# carry them (`db.inbound.rebuild` does) and pass them to `reference(key=...)`.
FINGERPRINT_COLUMNS = _fingerprint_columns()
_FINGERPRINT = Direct(select(*FINGERPRINT_COLUMNS))


def fingerprint(session: Session) -> tuple:
    """Changes whenever a client, contract, service, calendar or SLA policy changes (one
    query on the DBAPI cursor, `db.direct`: this runs on every event)."""
    return tuple(_FINGERPRINT.first(session))


def reference(session: Session, key: tuple | None = None) -> Reference:
    """The cached reference data of this session's store, reloaded when it changed.

    Checked once per transaction: later calls in the same transaction reuse the answer.
    `key`: the fingerprint when the caller read it in this transaction with its own query
    (`FINGERPRINT_COLUMNS`), which saves the round trip."""
    tx = session.get_transaction()
    memo = session.info.get("_reference")
    if memo is not None and tx is not None and memo[0] is tx:
        return memo[1]
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    key = fingerprint(session) if key is None else key
    hit = _cache.get(url)
    if hit is None or hit.fingerprint != key:
        with _lock:
            hit = _cache.get(url)
            if hit is None or hit.fingerprint != key:
                hit = _load(session, key)
                _cache[url] = hit
    session.info["_reference"] = (session.get_transaction(), hit)
    return hit


def invalidate() -> None:
    """Forget every cached store (tests; a process that wrote reference data itself)."""
    with _lock:
        _cache.clear()


def _load(session: Session, key: tuple) -> Reference:
    clients = session.execute(select(Client.id, Client.name, Client.deleted_at)).all()
    cal_tz = dict(session.execute(select(CalendarRow.id, CalendarRow.timezone)).all())
    services: dict[int, dict[str, list[str]]] = {}
    for cid, kind, name in session.execute(
        select(ContractService.contract_id, ContractService.kind, ContractService.name)
    ):
        services.setdefault(cid, {}).setdefault(kind, []).append(name)
    terms: dict[int, list[ContractTerms]] = {}
    info: dict[int, ContractInfo] = {}
    for c in session.execute(
        select(Contract.id, Contract.client_id, Contract.start_date, Contract.in_force_until,
               Contract.calendar_id, Contract.tier, Contract.timezone, Contract.deleted_at)
        .order_by(Contract.id)
    ):  # fmt: skip
        tz = cal_tz.get(c.calendar_id) or c.timezone or "UTC"
        info[c.id] = ContractInfo(str(c.tier).strip().lower(), tz, c.calendar_id)
        if c.deleted_at is not None:
            continue
        own = services.get(c.id, {})
        terms.setdefault(c.client_id, []).append(ContractTerms(
            contract_id=c.id, client_id=c.client_id, start_date=c.start_date,
            end_date=c.in_force_until, included=_service_set(own.get("included", [])),
            excluded=_service_set(own.get("excluded", [])),
            calendar_key=ALWAYS if c.calendar_id is None else str(c.calendar_id),
        ))  # fmt: skip
    policies = [
        _Policy(p.id, p.contract_id, p.tier, p.effective_from, p.warning_share,
                tuple(_Target(t.priority, t.service_type, t.response_minutes,
                              t.resolution_minutes, t.calendar) for t in p.targets))
        for p in _policies(session)
    ]  # fmt: skip
    versions: dict[int, list[tuple[datetime, int]]] = {}
    for v in session.execute(
        select(CalendarVersion.calendar_id, CalendarVersion.id, CalendarVersion.valid_from)
    ):
        versions.setdefault(v.calendar_id, []).append((v.valid_from, v.id))
    return Reference(
        fingerprint=key,
        clients={client_name_key(n): i for i, n, gone in clients if gone is None},
        names={i: n for i, n, _ in clients},
        terms=terms,
        info=info,
        calendars={str(k): v for k, v in load_calendars(session=session).items()},
        years=data_years(session),
        policies=policies,
        versions=versions,
    )
