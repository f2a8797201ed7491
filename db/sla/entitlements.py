"""Ticket entitlement: whether a contract covered each ticket (`sla.check_entitlement`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import sla
from access.roles import Actor, require
from db.calendars import ALWAYS, load_calendars
from db.models import Client, Contract, ContractService, Ticket
from db.sla import outcome_cache
from db.sla.frames import instant_column, read_columns, since_param


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
    with `entitlement_view`. In the app the whole history (no filter) is computed once per
    store state and shared by every process as a frame file (`outcome_cache`, `SHARED`).
    """
    require(actor, "work_sla")
    if start is None and end is None and not client_ids and outcome_cache.is_enabled(session):
        found = outcome_cache.cached(
            session, lambda: _entitled(session, held=_held_tickets(session)), SHARED
        )
    else:
        found = _entitled(session, start, end, client_ids)
    names = dict(session.execute(select(Client.id, Client.name)).all())
    # named here, not in the shared frame: a client renamed shows on the next rerun
    return pd.DataFrame(
        {
            "external_id": found["external_id"],
            "client": found["client_id"].map(names),
            **{c: found[c] for c in ("created_at", "priority", "service_type", "entitlement",
                                     "entitlement_reason", "ticket_id")},
        }
    )  # fmt: skip


def _services(session: Session) -> tuple:
    """Contract services' count and highest id: what the entitlement reads besides the
    fingerprint's tables (an edit of a contract's services is audited, a row is new)."""
    return tuple(session.execute(select(func.count(), func.max(ContractService.id))).one())


def _held_tickets(session: Session) -> pd.DataFrame | None:
    """Every ticket as `_entitled` reads it, from the SLA inputs the app holds (loaded once
    per store state for the SLA pages anyway): reading a million tickets again for the
    entitlement cost ~3 CPU-s and ~200 MB more at the peak of the first dashboard after a
    store change. None without tickets."""
    from db.sla import outcomes

    whole = outcome_cache.cached(session, lambda: outcomes._load(session), outcomes.SHARED)
    if whole is None:
        return None
    t = whole.tickets
    out = pd.DataFrame(
        {
            "ticket_id": t["ticket_id"].to_numpy(),
            "external_id": t["external_id"].astype("str").array,
            **{c: _as_read(t[c]) for c in ("client_id", "contract_id")},
            "priority": t["priority"].astype("category").array,
            "service_type": t["service_type"].astype("category").array,
            "created_at": t["created_at"].array,
        }
    )
    created = out["created_at"].dt.tz_localize(None).to_numpy()
    order = np.lexsort((out["ticket_id"].to_numpy(), created))[::-1]
    return out.take(order).reset_index(drop=True)  # newest first, as the query orders them


def _as_read(ids: pd.Series) -> np.ndarray:
    """Nullable ids as the query's rows give them: Python ints, None where missing."""
    values = ids.astype(object).to_numpy()
    return np.where(pd.isna(values), None, values)  # a new array: the held one is mapped


def _entitled(
    session: Session,
    start: date | None = None,
    end: date | None = None,
    client_ids: Sequence[int] | None = None,
    held: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """ticket_entitlements' rows with client_id in place of the client's name; `held`: every
    ticket already read (`_held_tickets`), for the whole history."""
    if held is not None:
        return _judged(session, held)
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
    # A chunk at a time, strings in Arrow or as categories while working (1M rows' tuples and
    # strings at once would add ~600 MB to the peak).
    kinds = {"ticket_id": "text", "external_id": "str", "client_id": "text"}
    kinds |= {"contract_id": "text", "priority": "label", "service_type": "label"}
    return _judged(session, read_columns(session, q, kinds | {"created_at": "instant"}))


def _judged(session: Session, tickets: pd.DataFrame) -> pd.DataFrame:
    """`tickets` (newest first) with each one's entitlement, typed for the frame file."""
    ent = entitlements(session=session, tickets=tickets)
    out = tickets.merge(ent, on="ticket_id", how="left")
    out["entitlement"] = out["entitlement"].fillna("no_contract")
    out["entitlement_reason"] = out["entitlement_reason"].fillna("ticket has no client")
    # Typed so that a frame file maps without a Python object a row (ticket ids and a million
    # external ids as objects cost ~0.3 CPU-s each time a process read the shared file).
    out = out.astype(
        {"ticket_id": "int64", "client_id": "Int64", "external_id": "str"}
        | {c: "category" for c in ("priority", "service_type", "entitlement")}
        | {"entitlement_reason": "str"}
    )
    return out[["external_id", "client_id", "created_at", "priority", "service_type",
                "entitlement", "entitlement_reason", "ticket_id"]]  # fmt: skip


# The whole history's entitlement as a frame file every process shares (see outcome_cache),
# mapped read-only: the dashboard only filters it.
SHARED = outcome_cache.Shared(
    "ticket-entitlements-v2",
    lambda frame: {"rows": frame},
    lambda frames, _session: frames["rows"],
    also_reads=_services,
    read_only=True,
)


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
                Contract.id, Contract.client_id, Contract.start_date, Contract.in_force_until,
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
            "instant": known["created_at"].array,  # aware instants: no object Timestamps
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
