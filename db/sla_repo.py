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
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import DateTime, String, Text, bindparam, cast, select, type_coerce
from sqlalchemy.orm import Session, selectinload

import sla
from db.base import UTCDateTime
from db.calendars import ALWAYS, load_calendars
from db.models import Calendar as CalendarRow
from db.models import Contract, SlaPolicy, Ticket, TicketEvent
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


def since_param(session: Session, since: datetime):
    """`since` as the store writes it (naive UTC text on SQLite), for read_frame queries."""
    dialect = session.get_bind().dialect
    value = UTCDateTime().process_bind_param(since, dialect)
    if dialect.name == "sqlite":
        return bindparam("since", value.isoformat(sep=" ", timespec="microseconds"), String())
    return bindparam("since", value, DateTime(timezone=True))


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
