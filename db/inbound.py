"""Inbound ticket events: stored raw first (receipt id), then applied in event-time order.

`store_event` commits the raw event before anything else, so an acknowledged event is never
lost; (source, event_id) is unique, so a replay is recognised and not applied twice.
`apply_ticket` rebuilds the ticket from all its applied events sorted by event time, so an
event that arrives late lands where it belongs. For a ticket fed by webhooks the event
stream is authoritative for its pause/reopen/priority history (those rows are rewritten).
An event whose client is unknown stays `unmatched` (the unmatched queue) until the client
exists; `retry_unmatched` applies them.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.sources import Event
from contracts.schema import client_name_key
from db.models import InboundEvent, Ticket, TicketEvent, TimeEntry
from db.reference import reference
from db.run_lock import lock_key
from sla.events import PAUSE_STATUSES, STOP_STATUSES
from sla.single import choose_contract

QUIET_AFTER = timedelta(hours=2)


def store_event(
    *,
    session: Session,
    source: str,
    event: Event | None,
    payload: str,
    now: datetime,
    token_id: int | None,
    error: str | None = None,
    fallback_id: str,
    commit: bool = True,
) -> tuple[InboundEvent, bool]:
    """Commit the raw event; (row, duplicate). A rejected event is kept with its reason.

    `commit=False` only flushes it: the webhook commits it with its apply (one commit an
    event) and, should the apply fail, stores it again on its own (`keep_raw`)."""
    event_id = event.event_id if event else fallback_id
    existing = session.scalar(
        select(InboundEvent).where(InboundEvent.source == source, InboundEvent.event_id == event_id)
    )
    if existing is not None:
        return existing, True
    row = InboundEvent(
        receipt_id=str(uuid.uuid4()), source=source, event_id=event_id, received_at=now,
        event_at=event.event_at if event else None, kind=event.kind if event else None,
        external_ticket_id=event.ticket_id if event else None,
        client_name=(event.client or None) if event else None, payload=payload,
        normalised=json.dumps(event.as_dict()) if event else None,
        status="rejected" if error else "received", error=error and error[:300],
        token_id=token_id,
    )  # fmt: skip
    session.add(row)
    try:
        session.commit() if commit else session.flush()
    except IntegrityError:  # the same event raced in on another worker
        session.rollback()
        return session.scalar(
            select(InboundEvent).where(
                InboundEvent.source == source, InboundEvent.event_id == event_id
            )
        ), True
    return row, False


def apply_ticket(*, session: Session, source: str, external_id: str) -> Ticket | None:
    """Rebuild one ticket from its events (event-time order); None when its client is unknown.

    Marks the events applied or unmatched; the caller commits.
    """
    return apply_tickets(session=session, source=source, external_ids=[external_id])[external_id]


def apply_tickets(
    *, session: Session, source: str, external_ids: list[str]
) -> dict[str, Ticket | None]:
    """`apply_ticket` for many tickets of one source with a few queries (pull sync pages)."""
    return {k: v and v[0] for k, v in rebuild(session, source, external_ids).items()}


def rebuild(
    session: Session, source: str, external_ids: list[str]
) -> dict[str, tuple[Ticket, list[tuple]] | None]:
    """Per ticket: (the rebuilt ticket, the history rows written for it), or None.

    Clients and contracts come from the cached reference data (`db.reference`); the
    contract is the one `_contracts_for` would pick (`sla.single.choose_contract`).
    """
    wanted = list(dict.fromkeys(external_ids))
    _lock_tickets(session, source, wanted)
    rows = session.scalars(
        select(InboundEvent)
        .where(
            InboundEvent.source == source,
            InboundEvent.external_ticket_id.in_(wanted),
            InboundEvent.status.in_(("received", "applied", "unmatched")),
        )
        .order_by(InboundEvent.event_at, InboundEvent.id)
    ).all()
    by_ticket: dict[str, list[InboundEvent]] = {}
    for r in rows:
        by_ticket.setdefault(r.external_ticket_id, []).append(r)
    existing = {
        t.external_id: t
        for t in session.scalars(
            select(Ticket).where(Ticket.source == source, Ticket.external_id.in_(wanted))
        )
    }
    ref = reference(session)
    out: dict[str, tuple[Ticket, list[tuple]] | None] = dict.fromkeys(wanted)
    built: list[tuple[Ticket, dict, list[InboundEvent]]] = []
    for external_id in wanted:
        evs = by_ticket.get(external_id) or []
        events = [json.loads(r.normalised) for r in evs]
        if not events or any(e["kind"] == "deleted" for e in events):
            continue  # a deleted ticket is never rebuilt (delete_ticket removed it)
        ticket = existing.get(external_id)
        client = next((e["client"] for e in reversed(events) if e["client"]), None)
        client_id = ref.clients.get(client_name_key(client)) if client else (
            ticket.client_id if ticket else None)  # fmt: skip
        if client_id is None:
            for r in evs:
                r.status, r.error = (
                    "unmatched",
                    f"no client named {client!r}" if client else "no client",
                )
            continue
        state = _fold(events)
        if ticket is None:
            ticket = Ticket(source=source, external_id=external_id)
            session.add(ticket)
        ticket.client_id = client_id
        for k in ("subject", "service_type", "priority", "status", "created_at",
                  "first_response_at", "resolved_at"):  # fmt: skip
            setattr(ticket, k, state[k])
        built.append((ticket, state, evs))
        out[external_id] = (ticket, state["history"])
    if not built:
        return out
    stored = [t.id for t, _, _ in built if t.id is not None]  # new tickets have no events
    session.flush()
    if stored:
        session.execute(delete(TicketEvent).where(TicketEvent.ticket_id.in_(stored)))
    for ticket, state, evs in built:
        terms = ref.terms.get(ticket.client_id, [])
        pick = choose_contract(
            terms, instant=ticket.created_at, service_type=ticket.service_type or "",
            zones=[ref.calendars[c.calendar_key].tz for c in terms],
        )  # fmt: skip
        ticket.contract_id = pick[0].contract_id if pick else None
        for at, kind, value in state["history"]:
            session.add(TicketEvent(ticket_id=ticket.id, at=at, kind=kind, value=value))
        for r in evs:
            r.status, r.error, r.ticket_id = "applied", None, ticket.id
    return out


def _lock_tickets(session: Session, source: str, external_ids: list[str]) -> None:
    """Rebuild one ticket at a time: two events of a ticket applied at once (two workers)
    would each fold only the events it saw and race to insert it. PostgreSQL: transaction
    advisory locks per ticket, in key order (no deadlock); SQLite: the writer lock, taken
    before the events are read. Released by the caller's commit or rollback."""
    if session.get_bind().dialect.name == "postgresql":
        keys = sorted({lock_key(f"ticket:{source}:{e}") for e in external_ids})
        for k in keys:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": k})
    else:
        session.execute(text("UPDATE inbound_events SET status = status WHERE 0"))


def deleted_at(*, session: Session, source: str, external_id: str) -> datetime | None:
    """When the source said the ticket was deleted (its applied 'deleted' event), else None."""
    return session.scalar(
        select(func.min(InboundEvent.event_at)).where(
            InboundEvent.source == source,
            InboundEvent.external_ticket_id == external_id,
            InboundEvent.kind == "deleted",
            InboundEvent.status == "applied",
        )
    )


def delete_ticket(*, session: Session, row: InboundEvent) -> bool:
    """Apply a 'deleted' event: the ticket leaves SLA figures; its work stays billable.

    Time entries keep their hours (unlinked from the ticket), the raw events stay as the
    record of what the source said. False when the ticket was never stored here.
    """
    _lock_tickets(session, row.source, [row.external_ticket_id])
    ticket = session.scalar(
        select(Ticket).where(
            Ticket.source == row.source, Ticket.external_id == row.external_ticket_id
        )
    )
    row.status, row.error = "applied", None
    if ticket is None:
        return False
    session.execute(
        update(TimeEntry).where(TimeEntry.ticket_id == ticket.id).values(ticket_id=None)
    )
    session.execute(
        update(InboundEvent).where(InboundEvent.ticket_id == ticket.id).values(ticket_id=None)
    )
    session.execute(delete(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
    session.delete(ticket)
    return True


def _fold(events: list[dict]) -> dict:
    """The ticket's columns and stored history after its events, in event-time order."""
    s: dict = {"subject": None, "service_type": "unspecified", "priority": "P3", "status": "open",
               "created_at": None, "first_response_at": None, "resolved_at": None,
               "history": []}  # fmt: skip
    paused = False
    for e in events:
        at = datetime.fromisoformat(e["event_at"])
        created = datetime.fromisoformat(e["created_at"]) if e["created_at"] else None
        if s["created_at"] is None or e["kind"] == "created":
            s["created_at"] = created or (at if s["created_at"] is None else s["created_at"])
        for k, f in (("subject", "subject"), ("service_type", "service_type")):
            if e[f]:
                s[k] = e[f][:80] if k == "service_type" else e[f][:300]
        if e["priority"] and e["priority"] != s["priority"]:
            if e["kind"] != "created" and s["history"] is not None and len(events) > 1:
                s["history"].append((at, "priority_changed", e["priority"]))
            s["priority"] = e["priority"]
        status = e["status"]
        kind = e["kind"]
        if kind == "paused":
            status = status if status in PAUSE_STATUSES else "on hold"
        elif kind == "resumed":
            status = "open"
        elif kind == "resolved":
            status = status if status in STOP_STATUSES else "resolved"
        elif kind == "reopened":
            status = "open"
        if kind == "comment" and e["public_reply"] and s["first_response_at"] is None:
            s["first_response_at"] = at
        if status:
            if status in STOP_STATUSES:
                if s["resolved_at"] is None:
                    s["resolved_at"] = at
                paused = False
            elif s["resolved_at"] is not None:  # reopened
                s["history"].append((s["resolved_at"], "resolved", None))
                s["history"].append((at, "reopened", None))
                s["resolved_at"] = None
                if status in PAUSE_STATUSES:
                    s["history"].append((at, "paused", status))
                    paused = True
            elif status in PAUSE_STATUSES and not paused:
                s["history"].append((at, "paused", status))
                paused = True
            elif status not in PAUSE_STATUSES and paused:
                s["history"].append((at, "resumed", None))
                paused = False
            s["status"] = status[:30]
    return s


def unmatched_queue(*, session: Session, limit: int = 500) -> pd.DataFrame:
    """Events kept because their client is unknown (never dropped), newest first."""
    rows = session.execute(
        select(InboundEvent.receipt_id, InboundEvent.source, InboundEvent.external_ticket_id,
               InboundEvent.client_name, InboundEvent.kind, InboundEvent.event_at,
               InboundEvent.received_at, InboundEvent.error)
        .where(InboundEvent.status == "unmatched")
        .order_by(InboundEvent.received_at.desc()).limit(limit)
    ).all()  # fmt: skip
    return pd.DataFrame(rows, columns=["receipt_id", "source", "ticket", "client", "kind",
                                       "event_at", "received_at", "reason"])  # fmt: skip


def retry_unmatched(*, session: Session) -> int:
    """Apply the unmatched tickets whose client now exists; the number applied."""
    pairs = session.execute(
        select(InboundEvent.source, InboundEvent.external_ticket_id)
        .where(InboundEvent.status == "unmatched")
        .distinct()
    ).all()
    return sum(apply_ticket(session=session, source=s, external_id=t) is not None for s, t in pairs)


def source_activity(
    *, session: Session, now: datetime, quiet_after: timedelta = QUIET_AFTER
) -> pd.DataFrame:
    """Per source: when it last delivered an event and whether it has gone quiet."""
    rows = session.execute(
        select(InboundEvent.source, func.max(InboundEvent.received_at), func.count())
        .group_by(InboundEvent.source)
        .order_by(InboundEvent.source)
    ).all()
    out = pd.DataFrame(rows, columns=["source", "last_delivered", "events"])
    if out.empty:
        return out.assign(quiet=pd.Series(dtype=bool))
    last = pd.to_datetime(out["last_delivered"], utc=True)
    out["last_delivered"] = last
    out["quiet"] = (pd.Timestamp(now) - last) > pd.Timedelta(quiet_after)
    return out
