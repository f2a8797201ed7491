"""SLA outcomes from the store: tickets + events + calendars + policy in force -> sla.evaluate.

`sla_outcomes` is the stable entry point other features call (renewal health, executive
KPIs): one row per ticket and metric. How it gets there, and why it is fast over 200k
tickets:

- instants are read as text and parsed once by pandas (SQLAlchemy's per-value datetime
  processing is the slowest part of a naive load);
- the policy in force at creation is picked per ticket with one `merge_asof` over policy
  versions (a contract's own versions by `effective_from`, else its tier's default rows,
  else `sla.policy.TIER_DEFAULTS`); `effective_from` is a date in the contract calendar's
  zone. A contract version is merged over its tier default (`sla.policy_for` semantics);
- only tickets with events go through `sla.rows_from_events` to get their pauses; the
  others have none.

Stored event kinds (ticket_events.kind): paused (value: reason), resumed, resolved (an
earlier resolution of a ticket that was reopened), reopened, priority_changed. Created,
first response and the final resolution are columns on tickets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import DateTime, String, Text, bindparam, cast, select, type_coerce
from sqlalchemy.orm import Session, selectinload

import sla
import sla.report
from access.roles import Actor, require
from db import audit
from db.base import UTCDateTime
from db.calendars import ALWAYS, load_calendars
from db.models import Calendar as CalendarRow
from db.models import (
    Client,
    Contract,
    ContractService,
    SlaPolicy,
    SlaTarget,
    Technician,
    Ticket,
    TicketEvent,
)
from sla.events import PAUSE_STATUSES
from sla.policy import TIER_DEFAULTS, policy_from_rows

OUTCOME_COLUMNS = [
    "ticket_id",
    "contract_id",
    "client_id",
    "tier",
    "priority",
    "service_type",
    "technician_id",
    "created_at",
    "metric",
    "state",
    "elapsed_min",
    "target_min",
    "due_at",
    "minutes_left",
]
# Extra columns the SLA pages use (sla_outcomes leaves them out to keep its contract small).
DETAIL_COLUMNS = ["external_id", "status", "stopped_at", "calendar_key"]


def instant_column(session: Session, column):
    """A datetime column read as text (parsed in bulk by `to_instants`)."""
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(column, String())
    return cast(column, Text)


def to_instants(values: Iterable[object]) -> pd.Series:
    """Stored instants (text, naive = UTC) -> tz-aware UTC Series; None -> NaT."""
    series = pd.Series(list(values) if not isinstance(values, pd.Series) else values, dtype=object)
    return pd.to_datetime(series, utc=True, format="ISO8601").astype("datetime64[us, UTC]")


def read_frame(session: Session, query, columns: Sequence[str]) -> pd.DataFrame:
    """Rows of a select as a DataFrame of raw driver values, built column-wise.

    Runs on the DBAPI cursor of the session's connection (same transaction): SQLAlchemy's
    per-row objects cost more than the query itself at 200k rows. Only for queries whose
    result columns need no type processing (ints, text, instants read via instant_column)
    and whose parameters are plain values (see `since_param`).
    """
    conn = session.connection()
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args = tuple(params[k] for k in compiled.positiontup) if compiled.positional else params
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    data = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    return pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in zip(columns, data, strict=True)})


def since_param(session: Session, since: datetime, name: str = "since"):
    """`since` as the store writes it (naive UTC text on SQLite), for read_frame queries."""
    dialect = session.get_bind().dialect
    value = UTCDateTime().process_bind_param(since, dialect)
    if dialect.name == "sqlite":
        return bindparam(name, value.isoformat(sep=" ", timespec="microseconds"), String())
    return bindparam(name, value, DateTime(timezone=True))


def _filtered(session: Session, q, **flt):
    """Ticket filters: since, contract_ids, ticket_ids, open_only."""
    if flt.get("since") is not None:
        q = q.where(Ticket.created_at >= since_param(session, flt["since"]))
    if flt.get("contract_ids") is not None:
        q = q.where(Ticket.contract_id.in_([int(c) for c in flt["contract_ids"]]))
    if flt.get("ticket_ids") is not None:
        q = q.where(Ticket.id.in_([int(c) for c in flt["ticket_ids"]]))
    if flt.get("open_only"):
        q = q.where(Ticket.resolved_at.is_(None))
    return q


def _tickets(session: Session, **flt) -> pd.DataFrame:
    q = select(
        Ticket.id,
        Ticket.external_id,
        Ticket.contract_id,
        Ticket.client_id,
        Ticket.technician_id,
        Ticket.priority,
        Ticket.service_type,
        Ticket.status,
        instant_column(session, Ticket.created_at),
        instant_column(session, Ticket.first_response_at),
        instant_column(session, Ticket.resolved_at),
    )
    q = _filtered(session, q, **flt)
    cols = [
        "ticket_id",
        "external_id",
        "contract_id",
        "client_id",
        "technician_id",
        "priority",
        "service_type",
        "status",
        "created_at",
        "first_response_at",
        "resolved_at",
    ]
    frame = read_frame(session, q, cols)
    frame["ticket_id"] = frame["ticket_id"].astype("int64")
    for name in ("created_at", "first_response_at", "resolved_at"):
        frame[name] = to_instants(frame[name])
    for name in ("contract_id", "client_id", "technician_id"):
        frame[name] = frame[name].astype("Int64")
    return frame


def _contracts(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            Contract.id,
            Contract.tier,
            Contract.calendar_id,
            Contract.timezone,
            CalendarRow.timezone,
        ).outerjoin(CalendarRow, CalendarRow.id == Contract.calendar_id)
    ).all()
    frame = pd.DataFrame(rows, columns=["contract_id", "tier", "calendar_id", "ctz", "caltz"])
    frame["tz"] = frame["caltz"].fillna(frame["ctz"]).fillna("UTC")
    frame["tier"] = frame["tier"].astype("string").str.strip().str.lower()
    return frame.drop(columns=["ctz", "caltz"])


def _policies(session: Session) -> list[SlaPolicy]:
    return list(
        session.scalars(
            select(SlaPolicy)
            .options(selectinload(SlaPolicy.targets))
            .order_by(SlaPolicy.effective_from, SlaPolicy.id)
        )
    )


def _local_midnight(day: date, tz: str) -> pd.Timestamp:
    return pd.Timestamp(day).tz_localize(tz, nonexistent="shift_forward", ambiguous=True)


def _in_force(tickets: pd.DataFrame, versions: pd.DataFrame, name: str) -> pd.Series:
    """Per ticket, the id of the latest version (by contract) effective at creation, or NA."""
    if versions.empty:
        return pd.Series(pd.NA, index=tickets.index, dtype="Int64")
    left = tickets[["contract_id", "created_at"]].reset_index(names="_row")
    left = left[left["contract_id"].notna()].sort_values("created_at", kind="stable")
    right = versions.sort_values("eff_at", kind="stable")
    merged = pd.merge_asof(
        left.astype({"contract_id": "int64"}),
        right.astype({"contract_id": "int64"}),
        left_on="created_at",
        right_on="eff_at",
        by="contract_id",
        direction="backward",
    )
    out = pd.Series(pd.NA, index=tickets.index, dtype="Int64")
    out.loc[merged["_row"].to_numpy()] = merged[name].astype("Int64").to_numpy()
    return out


def _policy_keys(
    tickets: pd.DataFrame, contracts: pd.DataFrame, rows: list[SlaPolicy]
) -> tuple[pd.Series, dict[str, sla.SlaPolicy], dict[str, object]]:
    """Ticket -> policy key, key -> sla.SlaPolicy, key -> calendar key."""
    tz = contracts.set_index("contract_id")["tz"]
    tier_of = contracts.set_index("contract_id")["tier"]
    own = [
        {
            "contract_id": p.contract_id,
            "cv": p.id,
            "eff_at": _local_midnight(p.effective_from, tz.get(p.contract_id, "UTC")),
        }
        for p in rows
        if p.contract_id is not None and p.contract_id in tz.index
    ]
    by_tier: dict[str, list[SlaPolicy]] = {}
    for p in rows:
        if p.contract_id is None and p.tier:
            by_tier.setdefault(p.tier.strip().lower(), []).append(p)
    tier_rows = [
        {
            "contract_id": cid,
            "tv": p.id,
            "eff_at": _local_midnight(p.effective_from, tz[cid]),
        }
        for cid, tier in tier_of.items()
        for p in by_tier.get(str(tier), [])
    ]
    cols_c, cols_t = ["contract_id", "cv", "eff_at"], ["contract_id", "tv", "eff_at"]
    cv = _in_force(
        tickets, pd.DataFrame(own, columns=cols_c).astype({"eff_at": "datetime64[us, UTC]"}), "cv"
    )
    tv = _in_force(
        tickets,
        pd.DataFrame(tier_rows, columns=cols_t).astype({"eff_at": "datetime64[us, UTC]"}),
        "tv",
    )
    key = (
        tickets["contract_id"].astype("string")
        + "|"
        + cv.astype("string").fillna("-")
        + "|"
        + tv.astype("string").fillna("-")
    )
    by_id = {p.id: p for p in rows}
    cal = contracts.set_index("contract_id")["calendar_id"]
    policies: dict[str, sla.SlaPolicy] = {}
    calendar_keys: dict[str, object] = {}
    for k in key.dropna().unique():
        cid, c_ver, t_ver = k.split("|")
        policy = _merge(
            str(tier_of.get(int(cid), "")),
            by_id.get(int(t_ver)) if t_ver != "-" else None,
            by_id.get(int(c_ver)) if c_ver != "-" else None,
        )
        if policy is not None:
            policies[k] = policy
            c = cal.get(int(cid))
            calendar_keys[k] = ALWAYS if c is None or pd.isna(c) else str(int(c))
    return key, policies, calendar_keys


def _targets(p: SlaPolicy) -> list[dict[str, object]]:
    return [
        {
            "priority": t.priority,
            "service_type": t.service_type,
            "response_minutes": t.response_minutes,
            "resolution_minutes": t.resolution_minutes,
            "calendar": t.calendar,
        }
        for t in p.targets
    ]


def _share(p: SlaPolicy) -> float:
    return float(p.warning_share if p.warning_share is not None else Decimal("0.75"))


def _merge(tier: str, tier_row: SlaPolicy | None, own: SlaPolicy | None) -> sla.SlaPolicy | None:
    """Tier base (stored default, else the package default) with the contract's rows over it."""
    base: tuple[sla.Target, ...] = ()
    share = sla.policy.DEFAULT_WARNING_SHARE
    if tier_row is not None:
        base = policy_from_rows(_targets(tier_row)).targets
        share = _share(tier_row)
    elif tier in TIER_DEFAULTS:
        base = TIER_DEFAULTS[tier]
    if own is not None:
        base = base + policy_from_rows(_targets(own)).targets
        share = _share(own)
    if not base:
        return None
    return sla.SlaPolicy(base, share)


def policy_in_force(
    *, session: Session, contract_id: int, at: datetime
) -> tuple[sla.SlaPolicy | None, object]:
    """The merged policy of a contract at an instant and its calendar key ("24x7" if none)."""
    probe = pd.DataFrame(
        {"contract_id": pd.array([contract_id], "Int64"), "created_at": to_instants([at])}
    )
    contracts = _contracts(session)
    contracts = contracts[contracts["contract_id"] == contract_id]
    key, policies, cal_keys = _policy_keys(probe, contracts, _policies(session))
    k = key.iloc[0]
    return policies.get(k), cal_keys.get(k, ALWAYS)


def _pauses(session: Session, tickets: pd.DataFrame, **flt) -> pd.DataFrame:
    """Pause intervals (ticket_id, start, end, reason) from the event log."""
    q = select(
        TicketEvent.ticket_id,
        instant_column(session, TicketEvent.at),
        TicketEvent.kind,
        TicketEvent.value,
    ).join(Ticket, Ticket.id == TicketEvent.ticket_id)
    q = _filtered(session, q, **flt)
    ev = read_frame(session, q, ["ticket_id", "at", "kind", "value"])
    ev["ticket_id"] = ev["ticket_id"].astype("int64")
    if ev.empty:
        return pd.DataFrame(
            {
                "ticket_id": pd.Series([], dtype="int64"),
                "start": pd.Series([], dtype="datetime64[us, UTC]"),
                "end": pd.Series([], dtype="datetime64[us, UTC]"),
                "reason": pd.Series([], dtype=object),
            }
        )
    ev["at"] = to_instants(ev["at"])
    return pauses_from_events(ev, tickets)


def event_log(events: pd.DataFrame, tickets: pd.DataFrame) -> pd.DataFrame:
    """Stored events + ticket columns -> the sla.events log (ticket_id, at, kind, value)."""
    t = tickets.set_index("ticket_id")
    ids = events["ticket_id"].unique()
    t = t.loc[t.index.intersection(ids)]
    reason = events["value"].astype("string").str.lower().str.split().str.join(" ")
    known = reason.isin(PAUSE_STATUSES).fillna(False).to_numpy(bool)
    kind = events["kind"].to_numpy(object)
    # A pause is a pausing status; a reason sla.events does not know still pauses.
    value = np.where(
        kind == "paused",
        np.where(known, events["value"].to_numpy(object), "on hold"),
        np.where(kind == "resumed", "open", events["value"].to_numpy(object)),
    )
    mapped = events.assign(
        kind=events["kind"].replace({"paused": "status", "resumed": "status"}), value=value
    )
    parts = [
        pd.DataFrame(
            {"ticket_id": t.index, "at": t["created_at"], "kind": "created", "value": t["priority"]}
        ),
        pd.DataFrame(
            {"ticket_id": t.index, "at": t["first_response_at"], "kind": "first_response"}
        ),
        pd.DataFrame({"ticket_id": t.index, "at": t["resolved_at"], "kind": "resolved"}),
        mapped[["ticket_id", "at", "kind", "value"]],
    ]
    log = pd.concat([p for p in parts if len(p)], ignore_index=True)
    log = log[log["at"].notna()]
    # created first, then by time; the final resolution column after same-instant events
    order = log["kind"].map({"created": 0}).fillna(1)
    log = log.assign(_o=order).sort_values(["ticket_id", "at", "_o"], kind="stable")
    return log.drop(columns="_o").reset_index(drop=True)


def pauses_from_events(events: pd.DataFrame, tickets: pd.DataFrame) -> pd.DataFrame:
    """Pauses of the tickets that have events (others have none)."""
    _, pauses = sla.rows_from_events(event_log(events, tickets))
    pauses = pauses.merge(tickets[["ticket_id"]], on="ticket_id")
    return pauses.astype({"start": "datetime64[us, UTC]", "end": "datetime64[us, UTC]"})


def sla_details(
    *,
    session: Session,
    now: datetime,
    since: datetime | None = None,
    contract_ids: Sequence[int] | None = None,
    ticket_ids: Sequence[int] | None = None,
    open_only: bool = False,
) -> pd.DataFrame:
    """sla_outcomes plus DETAIL_COLUMNS (external id, status, stop instant, calendar key);
    `ticket_ids` and `open_only` (unresolved tickets) narrow the load."""
    flt = {
        "since": since,
        "contract_ids": contract_ids,
        "ticket_ids": ticket_ids,
        "open_only": open_only,
    }
    tickets = _tickets(session, **flt)
    contracts = _contracts(session)
    tickets = tickets.merge(contracts[["contract_id", "tier"]], on="contract_id", how="left")
    if tickets.empty:
        return pd.DataFrame(columns=OUTCOME_COLUMNS + DETAIL_COLUMNS)
    key, policies, cal_keys = _policy_keys(tickets, contracts, _policies(session))
    work = tickets.assign(_pk=key.fillna("none").astype(object))
    attached = sla.attach_targets(
        work.rename(columns={"contract_id": "_cid", "_pk": "contract_id"}),
        policies=policies,
        calendar_keys=cal_keys,
        always_on_key=ALWAYS,
    ).rename(columns={"contract_id": "_pk", "_cid": "contract_id"})
    attached["calendar_key"] = attached["calendar_key"].where(
        attached["calendar_key"].notna(), ALWAYS
    )
    calendars = {str(k): v for k, v in load_calendars(session=session).items()}
    attached["calendar_key"] = attached["calendar_key"].astype(str)
    cal_map = {k: calendars[k] for k in attached["calendar_key"].unique()}
    pauses = _pauses(session, tickets, **flt)
    result = sla.evaluate(
        attached[
            [
                "ticket_id",
                "calendar_key",
                "created_at",
                "first_response_at",
                "resolved_at",
                "response_target_min",
                "resolution_target_min",
                "warning_share",
                "pause_response",
            ]
        ],
        pauses,
        calendars=cal_map,
        now=now,
    )
    info = tickets.set_index("ticket_id")
    pos = info.index.get_indexer(result["ticket_id"])
    out = pd.DataFrame({"ticket_id": result["ticket_id"].to_numpy()})
    for name in [
        "contract_id",
        "client_id",
        "tier",
        "priority",
        "service_type",
        "technician_id",
        "created_at",
    ]:
        out[name] = info[name].iloc[pos].reset_index(drop=True)
    for name in ["metric", "state", "elapsed_min", "target_min", "due_at", "minutes_left"]:
        out[name] = result[name]
    out["external_id"] = info["external_id"].iloc[pos].reset_index(drop=True)
    out["status"] = info["status"].iloc[pos].reset_index(drop=True)
    out["stopped_at"] = result["stopped_at"]
    out["calendar_key"] = result["calendar_key"].astype(str)
    out["metric"] = out["metric"].astype("category")
    out["tier"] = out["tier"].astype("category")
    out["priority"] = out["priority"].astype("category")
    out["service_type"] = out["service_type"].astype("category")
    for name in ("contract_id", "client_id", "technician_id"):
        out[name] = out[name].astype("Int64")
    return out


def sla_outcomes(
    *,
    session: Session,
    now: datetime,
    since: datetime | None = None,
    contract_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """One row per ticket and metric ('response' | 'resolution') with its SLA state.

    Columns: OUTCOME_COLUMNS. state is met | breached | at_risk | running | paused, or NA
    when the ticket has no contract/policy. elapsed_min and target_min are covered minutes;
    minutes_left is negative once breached. `since` filters on creation (aware instant);
    `contract_ids` limits to those contracts.
    """
    return sla_details(session=session, now=now, since=since, contract_ids=contract_ids)[
        OUTCOME_COLUMNS
    ]


# ---- policy editor ------------------------------------------------------------------------

MATRIX_COLUMNS = ["priority", "service_type", "response_minutes", "resolution_minutes", "calendar"]


@dataclass(frozen=True)
class PolicyView:
    """What the policy editor shows for one contract."""

    contract: dict[str, object]
    versions: pd.DataFrame  # id, effective_from, warning_share, targets, created_at
    current: pd.DataFrame  # MATRIX_COLUMNS of the merged policy in force at `now`
    warning_share: float
    tier_defaults: pd.DataFrame  # tier, priority, response/resolution minutes, calendar


def _matrix(policy: sla.SlaPolicy | None) -> pd.DataFrame:
    return pd.DataFrame(policy.to_rows() if policy else [], columns=MATRIX_COLUMNS)


def tier_defaults(*, session: Session) -> pd.DataFrame:
    """Tier default matrices as in force today: stored tier rows, else the package defaults."""
    stored: dict[str, SlaPolicy] = {}
    for p in _policies(session):
        if p.contract_id is None and p.tier:
            stored[p.tier.strip().lower()] = p  # ordered by effective_from: latest wins
    frames = []
    for tier in sorted(set(TIER_DEFAULTS) | set(stored)):
        policy = _merge(tier, stored.get(tier), None)
        frames.append(
            _matrix(policy).assign(tier=tier, source="stored" if tier in stored else "default")
        )
    return pd.concat(frames, ignore_index=True)[["tier", *MATRIX_COLUMNS, "source"]]


def policy_view(*, session: Session, actor: Actor, contract_id: int, now: datetime) -> PolicyView:
    """A contract's SLA policy versions, the matrix in force now, and the tier defaults."""
    require(actor, "work_sla")
    contract = session.get(Contract, contract_id)
    if contract is None or contract.deleted_at is not None:
        raise LookupError(f"No contract with id {contract_id}")
    policy, cal_key = policy_in_force(session=session, contract_id=contract_id, at=now)
    cal = session.get(CalendarRow, contract.calendar_id) if contract.calendar_id else None
    versions = pd.DataFrame(
        [
            {
                "id": p.id,
                "effective_from": p.effective_from,
                "warning_share": float(p.warning_share),
                "targets": len(p.targets),
                "created_at": p.created_at,
            }
            for p in _policies(session)
            if p.contract_id == contract_id
        ],
        columns=["id", "effective_from", "warning_share", "targets", "created_at"],
    )
    return PolicyView(
        contract={
            "id": contract.id,
            "reference": contract.reference,
            "title": contract.title,
            "tier": contract.tier,
            "calendar": f"{cal.name}: {cal.spec} ({cal.timezone})" if cal else "24x7 (no calendar)",
        },
        versions=versions.sort_values("effective_from", ascending=False, kind="stable"),
        current=_matrix(policy),
        warning_share=policy.warning_share if policy else sla.policy.DEFAULT_WARNING_SHARE,
        tier_defaults=tier_defaults(session=session),
    )


def save_policy_version(
    *,
    session: Session,
    actor: Actor,
    contract_id: int,
    effective_from: date,
    rows: pd.DataFrame | Sequence[dict[str, object]],
    warning_share: float,
) -> SlaPolicy:
    """Store a NEW policy version of a contract from `effective_from` (audited).

    Older versions stay: tickets created before `effective_from` keep the policy that was in
    force at their creation. Raises ValueError naming the first problem; nothing is written.
    """
    require(actor, "edit_contracts")
    require(actor, "work_sla")
    contract = session.get(Contract, contract_id)
    if contract is None or contract.deleted_at is not None:
        raise LookupError(f"No contract with id {contract_id}")
    frame = (
        pd.DataFrame(rows, columns=MATRIX_COLUMNS) if not isinstance(rows, pd.DataFrame) else rows
    )
    frame = frame.dropna(how="all")
    if frame.empty:
        raise ValueError("The policy has no rows: give at least one priority")
    for col in ("response_minutes", "resolution_minutes"):
        bad = pd.to_numeric(frame[col], errors="coerce").isna()
        if bad.any():
            raise ValueError(f"{col.replace('_', ' ')} must be a number on every row")
    frame = frame.assign(
        service_type=frame["service_type"].fillna("*").astype(str),
        calendar=frame["calendar"].fillna("contract").astype(str),
    )
    keys = (
        frame["priority"].astype(str).str.strip().str.upper()
        + "/"
        + frame["service_type"].map(sla.policy.service_key)
    )
    if keys.duplicated().any():
        raise ValueError(f"Duplicate row for {keys[keys.duplicated()].iloc[0]}")
    policy = policy_from_rows(frame, warning_share=float(warning_share))  # validates each cell
    row = SlaPolicy(
        contract_id=contract_id,
        effective_from=effective_from,
        warning_share=Decimal(str(round(float(warning_share), 4))),
    )
    for t in policy.to_rows():
        row.targets.append(SlaTarget(**t))
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="sla_policy",
        entity_id=row.id,
        action="create",
        field=f"contract {contract.reference} from {effective_from.isoformat()}",
        new="; ".join(
            f"{t['priority']} {t['service_type']}: {t['response_minutes']}/"
            f"{t['resolution_minutes']} {t['calendar']}"
            for t in policy.to_rows()
        )
        + f"; warning {float(warning_share):.0%}",
    )
    return row


def contract_choices(*, session: Session) -> pd.DataFrame:
    """Live contracts for pickers: id, label."""
    rows = session.execute(
        select(Contract.id, Contract.reference, Client.name, Contract.tier)
        .join(Client, Client.id == Contract.client_id)
        .where(Contract.deleted_at.is_(None))
        .order_by(Client.name, Contract.reference)
    ).all()
    return pd.DataFrame(
        [{"id": i, "label": f"{ref} · {name} ({tier})"} for i, ref, name, tier in rows],
        columns=["id", "label"],
    )


# ---- dashboard ------------------------------------------------------------------------------


def ticket_entitlements(
    *,
    session: Session,
    actor: Actor,
    start: date | None = None,
    end: date | None = None,
    client_ids: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Entitlement of the tickets created in [start, end] (UTC days; None = unbounded),
    newest first.

    Every ticket of the period: sla.check_entitlement is vectorised (200k tickets well under
    a second), so the dashboard computes the whole history once per refresh and filters it
    with `entitlement_view`.
    """
    require(actor, "work_sla")
    q = select(
        Ticket.id,
        Ticket.external_id,
        Ticket.client_id,
        Ticket.contract_id,
        Ticket.priority,
        Ticket.service_type,
        instant_column(session, Ticket.created_at),
    )
    if start is not None:
        q = q.where(Ticket.created_at >= since_param(session, datetime.combine(start, time(), UTC)))
    if end is not None:
        until = datetime.combine(end + timedelta(days=1), time(), UTC)
        q = q.where(Ticket.created_at < since_param(session, until, "until"))
    if client_ids:
        q = q.where(Ticket.client_id.in_([int(c) for c in client_ids]))
    q = q.order_by(Ticket.created_at.desc(), Ticket.id.desc())
    cols = ["ticket_id", "external_id", "client_id", "contract_id", "priority", "service_type",
            "created_at"]  # fmt: skip
    tickets = read_frame(session, q, cols)
    tickets["created_at"] = to_instants(tickets["created_at"])
    names = dict(session.execute(select(Client.id, Client.name)).all())
    ent = entitlements(session=session, tickets=tickets)
    out = tickets.merge(ent, on="ticket_id", how="left")
    out["client"] = out["client_id"].map(names)
    out["entitlement"] = out["entitlement"].fillna("no_contract")
    out["entitlement_reason"] = out["entitlement_reason"].fillna("ticket has no client")
    return out[["external_id", "client", "created_at", "priority", "service_type",
                "entitlement", "entitlement_reason", "ticket_id"]]  # fmt: skip


def entitlement_view(
    frame: pd.DataFrame, *, start: date, end: date, clients: Sequence[str] = ()
) -> pd.DataFrame:
    """The rows of a `ticket_entitlements` frame created in [start, end] (UTC days) for the
    named clients (all when empty), in the frame's order (pure: the frame is not copied
    beyond the selected rows)."""
    created = frame["created_at"]
    mask = (created >= pd.Timestamp(start, tz="UTC")).to_numpy() & (
        created < pd.Timestamp(end, tz="UTC") + pd.Timedelta(days=1)
    ).to_numpy()
    if clients:
        mask &= frame["client"].isin(list(clients)).to_numpy()
    return frame[mask]


def entitlements(*, session: Session, tickets: pd.DataFrame) -> pd.DataFrame:
    """ticket_id, outcome, reason of sla.check_entitlement for tickets[ticket_id, client_id,
    created_at, service_type, optional contract_id]."""
    cons = pd.DataFrame(
        session.execute(
            select(
                Contract.id, Contract.client_id, Contract.start_date, Contract.end_date,
                Contract.calendar_id,
            ).where(Contract.deleted_at.is_(None))
        ).all(),
        columns=["contract_id", "client_id", "start_date", "end_date", "calendar_id"],
    )  # fmt: skip
    services = pd.DataFrame(
        session.execute(
            select(ContractService.contract_id, ContractService.kind, ContractService.name)
        ).all(),
        columns=["contract_id", "kind", "name"],
    )
    for kind in ("included", "excluded"):
        names = services[services["kind"] == kind].groupby("contract_id")["name"].agg(list)
        cons[kind] = (
            cons["contract_id"].map(names).apply(lambda v: v if isinstance(v, list) else [])
        )
    cons["calendar_key"] = cons["calendar_id"].map(
        lambda c: ALWAYS if c is None or pd.isna(c) else str(int(c))
    )
    calendars = {str(k): v for k, v in load_calendars(session=session).items()}
    known = tickets[tickets["client_id"].notna()]
    items = pd.DataFrame(
        {
            "client_id": known["client_id"].astype("int64").to_numpy(),
            # A ticket attached to a contract is judged against that contract only.
            "contract_id": (known["contract_id"].to_numpy() if "contract_id" in known else None),
            "instant": known["created_at"].to_numpy(),
            "service_type": known["service_type"].astype(str).to_numpy(),
        }
    )
    items["instant"] = pd.to_datetime(items["instant"], utc=True)
    checked = sla.check_entitlement(items, cons, calendars=calendars)
    out = pd.DataFrame(
        {
            "ticket_id": known["ticket_id"].to_numpy(),
            "entitlement": checked["outcome"].to_numpy(),
            "entitlement_reason": checked["reason"].to_numpy(),
        }
    )
    return out


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


# ---- per-client PDF report ----------------------------------------------------------------


def client_report_pdf(
    frame: pd.DataFrame, *, client: str, start: date | None, end: date | None, now: datetime
) -> bytes:
    """A client-review SLA report (see `sla.report`) of `client`'s rows of the dashboard frame."""
    f = filter_frame(frame, DashboardFilters(clients=(client,), start=start, end=end))
    return sla.report.client_report_pdf(f, client=client, start=start, end=end, now=now)
