"""SLA outcomes from the store: tickets + events + calendars + policy in force -> sla.evaluate.

`sla_outcomes` is the stable entry point other features call (renewal health, executive
KPIs): one row per ticket and metric. How it gets there, and why it is fast over 200k
tickets:

- instants are read as text and parsed once by pandas (`db.sla.frames`);
- the policy in force at creation is picked per ticket with one `merge_asof` over policy
  versions (`db.sla.in_force`);
- only tickets with events go through `sla.rows_from_events` to get their pauses; the
  others have none (`db.sla.events`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import sla
from db.calendars import (
    ALWAYS,
    calendar_versions_frame,
    calendars_as_rows,
    calendars_from_rows,
    load_calendars,
)
from db.engine import session_factory
from db.models import Ticket, TicketEvent
from db.sla import outcome_cache
from db.sla.events import pauses_from_events
from db.sla.frames import instant_column, read_columns, since_param
from db.sla.in_force import _contracts, _policies, _policy_keys

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


# What _tickets reads, in select order, and as what (db.sla.frames.read_columns).
_TICKET_KINDS = {
    "ticket_id": "id",
    "external_id": "str",
    "contract_id": "int",
    "client_id": "int",
    "technician_id": "int",
    "priority": "label",
    "service_type": "label",
    "status": "label",
    "created_at": "instant",
    "first_response_at": "instant",
    "resolved_at": "instant",
}


def _tickets(session: Session, **flt) -> pd.DataFrame:
    """One row per ticket (filtered by `flt`), typed as _TICKET_KINDS says."""
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
    return read_columns(session, q, _TICKET_KINDS)


def _pauses(session: Session, tickets: pd.DataFrame, **flt) -> pd.DataFrame:
    """Pause intervals (ticket_id, start, end, reason) from the event log."""
    q = select(
        TicketEvent.ticket_id,
        instant_column(session, TicketEvent.at),
        TicketEvent.kind,
        TicketEvent.value,
    ).join(Ticket, Ticket.id == TicketEvent.ticket_id)
    q = _filtered(session, q, **flt)
    kinds = {"ticket_id": "id", "at": "instant", "kind": "text", "value": "text"}
    ev = read_columns(session, q, kinds)
    if ev.empty:
        return pd.DataFrame(
            {
                "ticket_id": pd.Series([], dtype="int64"),
                "start": pd.Series([], dtype="datetime64[us, UTC]"),
                "end": pd.Series([], dtype="datetime64[us, UTC]"),
                "reason": pd.Series([], dtype=object),
            }
        )
    return pauses_from_events(ev, tickets)


# Repeated labels are held as categories (a few codes per row, not a string object each).
_LABELS = ("priority", "service_type", "status", "tier")
_TARGETS = ["response_target_min", "resolution_target_min", "warning_share", "pause_response"]


@dataclass(frozen=True)
class _Loaded:
    """Everything `sla.evaluate` needs except the clock (see `outcome_cache`).

    One frame: each ticket as `_tickets` reads it, its tier, policy targets and calendar key
    (a million tickets are held once, not once read and once with targets)."""

    tickets: pd.DataFrame
    pauses: pd.DataFrame
    calendars: dict

    def narrow(
        self, since: datetime | None, contract_ids: Sequence[int] | None, open_only: bool = False
    ) -> _Loaded:
        """The same inputs for tickets created since `since` on `contract_ids` (and only
        the unresolved ones with `open_only`)."""
        keep = np.ones(len(self.tickets), bool)
        if open_only:
            keep &= self.tickets["resolved_at"].isna().to_numpy()
        if since is not None:
            keep &= (self.tickets["created_at"] >= pd.Timestamp(since)).to_numpy()
        if contract_ids is not None:
            on = self.tickets["contract_id"].isin([int(c) for c in contract_ids])
            keep &= on.fillna(False).to_numpy(bool)
        if keep.all():
            return self
        ids = self.tickets["ticket_id"].to_numpy()[keep]
        return _Loaded(
            tickets=self.tickets[keep],
            pauses=self.pauses[self.pauses["ticket_id"].isin(ids)],
            calendars=self.calendars,
        )

    def frames(self) -> dict[str, pd.DataFrame]:
        """What `outcome_cache` writes to its frame file."""
        calendars = calendars_as_rows(self.calendars)
        return {"tickets": self.tickets, "pauses": self.pauses, "calendars": calendars}

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame], _session: Session) -> _Loaded:
        calendars = calendars_from_rows(frames["calendars"])
        return cls(frames["tickets"], frames["pauses"], calendars)


# The whole-store load as a frame file every process shares (bump the name on a layout change).
SHARED = outcome_cache.Shared("sla-inputs-v2", _Loaded.frames, _Loaded.from_frames)


def _distinct_rows(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each distinct combination of the columns' values, row -> combination)."""
    combined = np.zeros(len(columns[0]), np.int64)
    for values in columns:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        combined = combined * (len(uniques) + 1) + codes
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _attach(tickets: pd.DataFrame, key: pd.Series, policies: dict, cal_keys: dict) -> pd.DataFrame:
    """`sla.attach_targets` once per distinct (policy key, priority, service type), broadcast
    to the tickets (added to `tickets` itself): a million tickets share a few thousand
    combinations."""
    work = pd.DataFrame(
        {
            "contract_id": key.fillna("none").to_numpy(object),
            "priority": tickets["priority"].to_numpy(object),
            "service_type": tickets["service_type"].to_numpy(object),
        }
    )
    first, inverse = _distinct_rows([work[c].to_numpy(object) for c in work])
    small = sla.attach_targets(
        work.iloc[first].reset_index(drop=True),
        policies=policies,
        calendar_keys=cal_keys,
        always_on_key=ALWAYS,
    )
    small["calendar_key"] = small["calendar_key"].where(small["calendar_key"].notna(), ALWAYS)
    out = tickets  # the caller's fresh read: no copy of a million rows
    for name in _TARGETS:
        out[name] = small[name].to_numpy()[inverse]
    out["calendar_key"] = small["calendar_key"].astype(str).to_numpy(object)[inverse]
    return out


def _load(session: Session, **flt) -> _Loaded | None:
    """Tickets (filtered by `flt`), their policy targets and pauses; None when no ticket."""
    tickets = _tickets(session, **flt)
    if tickets.empty:
        return None
    contracts = _contracts(session)
    tickets["tier"] = tickets["contract_id"].map(contracts.set_index("contract_id")["tier"])
    key, policies, cal_keys = _policy_keys(
        tickets, contracts, _policies(session), calendar_versions_frame(session)
    )
    attached = _attach(tickets, key, policies, cal_keys)
    pauses = _pauses(session, attached, **flt)
    for name in _LABELS:
        attached[name] = attached[name].astype("category")
    calendars = {str(k): v for k, v in load_calendars(session=session).items()}
    cal_map = {k: calendars[k] for k in attached["calendar_key"].unique()}
    return _Loaded(attached, pauses, cal_map)


def sla_details(
    *,
    session: Session,
    now: datetime,
    since: datetime | None = None,
    contract_ids: Sequence[int] | None = None,
    ticket_ids: Sequence[int] | None = None,
    open_only: bool = False,
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """sla_outcomes plus DETAIL_COLUMNS (external id, status, stop instant, calendar key)
    and the `extra` ticket columns asked for (e.g. resolved_at, as loaded: _TICKET_KINDS);
    `ticket_ids` and `open_only` (unresolved tickets) narrow the load.

    Whole-store reads (no `ticket_ids`) go through `outcome_cache` when the app has enabled
    it, then are narrowed by `since`, `contract_ids` and `open_only` in memory.
    """
    if ticket_ids is None and outcome_cache.is_enabled(session):
        whole = outcome_cache.cached(session, lambda: _load(session), SHARED)
        loaded = whole.narrow(since, contract_ids, open_only) if whole is not None else None
    else:
        filters = {"ticket_ids": ticket_ids, "open_only": open_only}
        loaded = _load(session, since=since, contract_ids=contract_ids, **filters)
    if loaded is None or loaded.tickets.empty:
        return pd.DataFrame(columns=OUTCOME_COLUMNS + DETAIL_COLUMNS + list(extra))
    return _evaluate(loaded, now, extra)


def _evaluate(loaded: _Loaded, now: datetime, extra: Sequence[str] = ()) -> pd.DataFrame:
    t = loaded.tickets
    result = sla.evaluate(
        t[
            [
                "ticket_id",
                "calendar_key",
                "created_at",
                "first_response_at",
                "resolved_at",
                *_TARGETS,
            ]
        ],
        loaded.pauses,
        calendars=loaded.calendars,
        now=now,
    )
    ids, got = t["ticket_id"].to_numpy(), result["ticket_id"].to_numpy()
    # sla.evaluate returns every ticket's response rows, then its resolution rows, in order.
    pos = np.tile(np.arange(len(ids)), 2)
    if len(got) != len(pos) or not np.array_equal(got, ids[pos]):
        pos = pd.Index(ids).get_indexer(got)

    def taken(name: str) -> pd.Series:
        return t[name].take(pos).reset_index(drop=True)

    out = pd.DataFrame({"ticket_id": got})
    for name in ["contract_id", "client_id", "tier", "priority", "service_type"]:
        out[name] = taken(name)
    out["technician_id"] = taken("technician_id")
    out["created_at"] = taken("created_at")
    for name in ["metric", "state", "elapsed_min", "target_min", "due_at", "minutes_left"]:
        out[name] = result[name]
    out["external_id"] = pd.Series(t["external_id"].to_numpy(object)[pos], dtype=object)
    out["status"] = taken("status").astype(object)
    out["stopped_at"] = result["stopped_at"]
    out["calendar_key"] = result["calendar_key"].astype(str)
    for name in extra:
        out[name] = taken(name)
    out["metric"] = out["metric"].astype("category")
    for name in ("tier", "priority", "service_type"):  # categories of the rows evaluated
        out[name] = out[name].cat.remove_unused_categories()
    for name in ("contract_id", "client_id", "technician_id"):
        out[name] = out[name].astype("Int64")
    return out


WARM_UP_FROM = 20_000  # tickets: below this the first load is quick anyway


def warm_up(engine: Engine, *, min_tickets: int = WARM_UP_FROM) -> threading.Thread:
    """Load the store's SLA inputs into `outcome_cache` in a background thread.

    Called when the app opens its engine, so the first dashboard after a (re)start does not
    wait for 200k tickets to be read: by the time someone has logged in, they are loaded.
    Nothing to do when another process already wrote them for this store state: a page maps
    the file when it needs it (~0.4 CPU-s at 1M that pages without SLA figures never pay).
    Never raises: a failure only means the first page loads them itself.
    """

    def run() -> None:
        try:
            with session_factory(engine)() as s:
                many = (s.scalar(select(func.count()).select_from(Ticket)) or 0) >= min_tickets
                if many and not outcome_cache.on_file(s, SHARED):
                    outcome_cache.cached(s, lambda: _load(s), SHARED)
        except Exception:  # noqa: BLE001 - a warm-up must never take the app down
            logging.getLogger(__name__).exception("SLA warm-up failed")

    thread = threading.Thread(target=run, name="sla-warm-up", daemon=True)
    thread.start()
    return thread


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
