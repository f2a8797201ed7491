"""Inbound ticket events: stored raw first (receipt id), then applied in event-time order.

`insert_event` stores the raw event before anything else in the caller's transaction (the
webhook commits it with its apply, one commit an event, so an acknowledged event is never
lost; `store_event` commits it alone); (source, event_id) is unique, so a replay is
recognised and not applied twice. `apply_ticket` rebuilds the ticket from all its applied
events sorted by event time, so an event that arrives late lands where it belongs. For a
ticket fed by webhooks the event stream is authoritative for its pause/reopen/priority
history (those rows are rewritten). An event whose client is unknown stays `unmatched` (the
unmatched queue, `db.inbound_views`) until the client exists; `retry_unmatched` applies
them.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, bindparam, delete, exists, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from api.sources import Event
from contracts.schema import client_name_key
from db.direct import Direct
from db.models import InboundEvent, Ticket, TicketEvent, TimeEntry
from db.reference import FINGERPRINT_COLUMNS, reference
from db.run_lock import lock_key
from sla.event_fold import fold_events
from sla.single import choose_contract


def store_event(*, session: Session, **raw: Any) -> tuple[InboundEvent, bool]:
    """Commit the raw event (`insert_event`, same keywords); (row, duplicate). A rejected
    event is kept with its reason. The pull sync's one-at-a-time path after a race."""
    made = insert_event(session=session, **raw)
    session.commit()
    if made is not None:
        return session.get(InboundEvent, made[0]), False
    event_id = raw["event"].event_id if raw["event"] else raw["fallback_id"]
    return session.scalar(
        select(InboundEvent).where(
            InboundEvent.source == raw["source"], InboundEvent.event_id == event_id
        )
    ), True


@dataclass(frozen=True)
class TicketRow:
    """A ticket as rebuilt: plain values (what the answer and the callers read)."""

    id: int
    source: str
    external_id: str
    client_id: int | None
    contract_id: int | None
    subject: str | None
    service_type: str
    priority: str
    status: str
    created_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class Applied:
    """What `rebuild` did with one ticket. `status`: applied, unmatched (its client is
    unknown: `ticket` is None) or "not applied" (no events, or the source deleted it:
    `deleted_at`, when that was applied; a later event is refused, see the webhook)."""

    ticket: TicketRow | None
    history: list[tuple]
    status: str
    deleted_at: datetime | None = None


_NOTHING = Applied(None, [], "not applied")
# the ticket's columns rebuild writes (in TicketRow order after id/source/external_id)
_FIELDS = ("client_id", "contract_id", "subject", "service_type", "priority", "status",
           "created_at", "first_response_at", "resolved_at")  # fmt: skip
_TICKETS = Ticket.__table__
_INBOUND = InboundEvent.__table__
_HISTORY = TicketEvent.__table__
# The per-event statements run on the DBAPI cursor (`db.direct`: a quarter of the CPU of
# `Session.execute`); built once. changed_at is given explicitly (its onupdate is Python-side).
_SET_TICKET = Direct(
    update(_TICKETS)
    .where(_TICKETS.c.id == bindparam("b_id"))
    .values({k: bindparam("b_" + k) for k in (*_FIELDS, "changed_at")})
)
_MARK = Direct(
    update(_INBOUND)
    .where(_INBOUND.c.id == bindparam("b_id"))
    .values(status=bindparam("b_status"), error=bindparam("b_error"),
            ticket_id=bindparam("b_ticket"))
)  # fmt: skip
_TICKET_COLS = (_TICKETS.c.id, _TICKETS.c.source, _TICKETS.c.external_id,
                *(_TICKETS.c[k] for k in _FIELDS))  # fmt: skip
# The tickets' events in event-time order, each with its stored ticket's columns, whether
# it has stored history rows, and the reference data's fingerprint (one query, one round trip)
_EVENTS_OF = Direct(
    select(_INBOUND.c.id, _INBOUND.c.external_ticket_id, _INBOUND.c.normalised,
           _INBOUND.c.status, _INBOUND.c.error, _INBOUND.c.ticket_id,
           *(c.label("t_" + c.name) for c in _TICKET_COLS),
           exists().where(_HISTORY.c.ticket_id == _TICKETS.c.id).label("t_history"),
           *FINGERPRINT_COLUMNS)
    .outerjoin(_TICKETS, (_TICKETS.c.source == _INBOUND.c.source)
               & (_TICKETS.c.external_id == _INBOUND.c.external_ticket_id))
    .where(_INBOUND.c.source == bindparam("source"),
           _INBOUND.c.external_ticket_id.in_(bindparam("ids", expanding=True)),
           _INBOUND.c.status.in_(("received", "applied", "unmatched")))
    .order_by(_INBOUND.c.event_at, _INBOUND.c.id)
)  # fmt: skip
_FP = len(_EVENTS_OF.statement.selected_columns) - len(FINGERPRINT_COLUMNS)
_STORED = slice(_FP - 1 - len(_TICKET_COLS), _FP - 1)  # the stored ticket's columns
_TICKET_BY_ID = select(*_TICKET_COLS).where(_TICKETS.c.id == bindparam("id"))
_NEW_TICKETS = insert(_TICKETS).returning(_TICKETS.c.id, sort_by_parameter_order=True)
_NEW_TICKET = Direct(insert(_TICKETS).returning(_TICKETS.c.id),
                     column_keys=["source", "external_id", *_FIELDS, "imported_at"])  # fmt: skip
_CLEAR_HISTORY = Direct(
    delete(_HISTORY).where(_HISTORY.c.ticket_id.in_(bindparam("ids", expanding=True)))
)
_ADD_HISTORY = Direct(insert(_HISTORY), column_keys=["ticket_id", "at", "kind", "value"])
_RAW_KEYS = ["receipt_id", "source", "event_id", "received_at", "event_at", "kind",
             "external_ticket_id", "client_name", "payload", "normalised", "status", "error",
             "token_id"]  # fmt: skip
# INSERT ... ON CONFLICT (source, event_id) DO NOTHING RETURNING id, per dialect. On
# PostgreSQL the RETURNING list also takes the ticket's advisory lock (`lock_key`, NULL: none)
# for a row it inserted, saving the lock's round trip; on SQLite the insert itself holds the
# writer lock until the commit.
_LOCK_KEY = bindparam("lock_key", type_=BigInteger)
_RAW = {
    "postgresql": Direct(
        pg_insert(_INBOUND).on_conflict_do_nothing(index_elements=["source", "event_id"])
        .returning(_INBOUND.c.id, func.pg_advisory_xact_lock(_LOCK_KEY)),
        column_keys=_RAW_KEYS),
    "sqlite": Direct(
        sqlite_insert(_INBOUND).on_conflict_do_nothing(index_elements=["source", "event_id"])
        .returning(_INBOUND.c.id), column_keys=_RAW_KEYS),
}  # fmt: skip
_LOCK = Direct(text("SELECT pg_advisory_xact_lock(:k)"))
# SQLite: take the write lock before the events are read (a no-op write)
_WRITE_LOCK = Direct(text("UPDATE inbound_events SET status = status WHERE 0"))


def apply_ticket(*, session: Session, source: str, external_id: str) -> TicketRow | None:
    """Rebuild one ticket from its events (event-time order); None when its client is unknown.

    Marks the events applied or unmatched; the caller commits.
    """
    return apply_tickets(session=session, source=source, external_ids=[external_id])[external_id]


def apply_tickets(
    *, session: Session, source: str, external_ids: list[str]
) -> dict[str, TicketRow | None]:
    """`apply_ticket` for many tickets of one source with a few queries (pull sync pages)."""
    return {k: v.ticket for k, v in rebuild(session, source, external_ids).items()}


def rebuild(
    session: Session, source: str, external_ids: list[str], *, locked: bool = False
) -> dict[str, Applied]:
    """Per ticket: the rebuilt ticket and the history rows written for it (`Applied`).

    Core statements, a fixed number per call whatever the number of tickets (the webhook
    runs this per event): lock, the tickets' events (with the reference fingerprint), then
    one insert, update and history statement each, and one that marks the events; history
    is cleared only for a ticket that has some. Columns are written only when they changed
    (`changed_at` moves only then). Clients and contracts come from the cached reference
    data (`db.reference`); the contract is the one `ticket_matching.contracts_for` would pick
    (`sla.single.choose_contract`). `locked`: the caller holds the tickets' lock already
    (`insert_event(lock=True)`).
    """
    wanted = list(dict.fromkeys(external_ids))
    conn = session.connection()
    if not locked:
        _lock_tickets(session, source, wanted)
    by_ticket: dict[str, list] = {}
    existing: dict[str, TicketRow] = {}
    has_history: set[str] = set()
    rows = _EVENTS_OF.rows(conn, {"source": source, "ids": wanted})
    for r in rows:
        by_ticket.setdefault(r.external_ticket_id, []).append(r)
        if r.t_id is not None and r.external_ticket_id not in existing:
            existing[r.external_ticket_id] = TicketRow(*r[_STORED])
            if r.t_history:
                has_history.add(r.external_ticket_id)
    ref = reference(session, key=tuple(rows[0][_FP:]) if rows else None)
    out: dict[str, Applied] = dict.fromkeys(wanted, _NOTHING)
    marks: list[dict] = []
    built: list[tuple[str, dict, list, list]] = []
    for external_id in wanted:
        evs = by_ticket.get(external_id) or []
        events = [json.loads(r.normalised) for r in evs]
        if not events:
            continue
        gone = [e["event_at"] for r, e in zip(evs, events, strict=True)
                if e["kind"] == "deleted" and r.status == "applied"]  # fmt: skip
        if gone or any(e["kind"] == "deleted" for e in events):
            # a deleted ticket is never rebuilt (delete_ticket removed it)
            when = datetime.fromisoformat(min(gone)) if gone else None
            out[external_id] = Applied(None, [], "not applied", when)
            continue
        ticket = existing.get(external_id)
        client = next((e["client"] for e in reversed(events) if e["client"]), None)
        client_id = ref.clients.get(client_name_key(client)) if client else (
            ticket.client_id if ticket else None)  # fmt: skip
        if client_id is None:
            why = f"no client named {client!r}" if client else "no client"
            marks += [_mark(r, "unmatched", why, r.ticket_id) for r in evs]
            out[external_id] = Applied(None, [], "unmatched")
            continue
        state = fold_events(events)
        values = {k: state[k] for k in _FIELDS[2:]}
        terms = ref.terms.get(client_id, [])
        pick = choose_contract(
            terms, instant=values["created_at"], service_type=values["service_type"] or "",
            zones=[ref.calendars[c.calendar_key].tz for c in terms],
        )  # fmt: skip
        values = {"client_id": client_id, "contract_id": pick[0].contract_id if pick else None,
                  **values}  # fmt: skip
        built.append((external_id, values, evs, state["history"]))
    ids = _write_tickets(session, source, existing, built)
    stored = [existing[x].id for x, *_ in built if x in has_history]
    if stored:
        _CLEAR_HISTORY.rows(conn, {"ids": stored})
    history = [{"ticket_id": ids[x], "at": at, "kind": kind, "value": value}
               for x, _, _, hist in built for at, kind, value in hist]  # fmt: skip
    _ADD_HISTORY.many(conn, history)
    for external_id, values, evs, hist in built:
        tid = ids[external_id]
        marks += [_mark(r, "applied", None, tid) for r in evs]
        out[external_id] = Applied(TicketRow(tid, source, external_id, **values), hist, "applied")
    _MARK.many(conn, [m for m in marks if m])
    return out


def _mark(row, status: str, error: str | None, ticket_id: int | None) -> dict | None:
    """The update that sets an event's status, or None when it already has it."""
    if (row.status, row.error, row.ticket_id) == (status, error, ticket_id):
        return None
    return {"b_id": row.id, "b_status": status, "b_error": error, "b_ticket": ticket_id}


def _write_tickets(session: Session, source: str, existing: dict, built: list) -> dict[str, int]:
    """Insert the new tickets, update the stored ones whose columns changed; ids by key."""
    ids = {x: existing[x].id for x, *_ in built if x in existing}
    fresh = [(x, v) for x, v, *_ in built if x not in existing]
    at = datetime.now(UTC)  # changed_at: when this store last changed the ticket
    rows = [{"source": source, "external_id": x, **v, "imported_at": at} for x, v in fresh]
    if len(rows) == 1:  # the webhook's case: on the cursor (`db.direct`)
        ids[fresh[0][0]] = _NEW_TICKET.first(session, rows[0]).id
    elif rows:  # a page of the pull sync: one INSERT ... RETURNING for all of them
        made = session.execute(_NEW_TICKETS, rows).scalars()
        ids.update(zip((x for x, _ in fresh), made, strict=True))
    changed = [
        {"b_id": existing[x].id, **{"b_" + k: v[k] for k in _FIELDS}, "b_changed_at": at}
        for x, v, *_ in built
        if x in existing and any(getattr(existing[x], k) != v[k] for k in _FIELDS)
    ]
    _SET_TICKET.many(session, changed)
    return ids


def load_ticket(session: Session, ticket_id: int) -> TicketRow | None:
    """A stored ticket as plain values (the duplicate-event answer)."""
    t = session.execute(_TICKET_BY_ID, {"id": ticket_id}).one_or_none()
    return None if t is None else TicketRow(*t)


def insert_event(
    *,
    session: Session,
    source: str,
    event: Event | None,
    payload: str,
    now: datetime,
    token_id: int | None,
    error: str | None = None,
    fallback_id: str,
    lock: bool = False,
) -> tuple[int, str] | None:
    """Store the raw event in the caller's transaction: (row id, receipt id), or None when
    (source, event id) is already stored (a replay, or the same event racing in on another
    worker: INSERT ... ON CONFLICT DO NOTHING, so no exception and no rollback).

    `lock`: a stored event also takes its ticket's lock, as `rebuild` would (the caller
    then passes `locked=True` to it): in the same statement on PostgreSQL."""
    receipt = str(uuid.uuid4())
    values = _raw_values(source, event, payload, now, token_id, error, fallback_id)
    key = lock_key(f"ticket:{source}:{event.ticket_id}") if lock and event else None
    row = _RAW[session.get_bind().dialect.name].first(
        session, {"receipt_id": receipt, **values, "lock_key": key}
    )
    return None if row is None else (row.id, receipt)


def _raw_values(source, event, payload, now, token_id, error, fallback_id) -> dict:
    return dict(
        source=source, event_id=event.event_id if event else fallback_id, received_at=now,
        event_at=event.event_at if event else None, kind=event.kind if event else None,
        external_ticket_id=event.ticket_id if event else None,
        client_name=(event.client or None) if event else None, payload=payload,
        normalised=json.dumps(event.as_dict()) if event else None,
        status="rejected" if error else "received", error=error and error[:300],
        token_id=token_id,
    )  # fmt: skip


def _lock_tickets(session: Session, source: str, external_ids: list[str]) -> None:
    """Rebuild one ticket at a time: two events of a ticket applied at once (two workers)
    would each fold only the events it saw and race to insert it. PostgreSQL: transaction
    advisory locks per ticket, in key order (no deadlock); SQLite: the writer lock, taken
    before the events are read. Released by the caller's commit or rollback."""
    if session.get_bind().dialect.name == "postgresql":
        keys = sorted({lock_key(f"ticket:{source}:{e}") for e in external_ids})
        for k in keys:
            _LOCK.rows(session, {"k": k})
    else:
        _WRITE_LOCK.rows(session)


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


def retry_unmatched(*, session: Session) -> int:
    """Apply the unmatched tickets whose client now exists; the number applied."""
    pairs = session.execute(
        select(InboundEvent.source, InboundEvent.external_ticket_id)
        .where(InboundEvent.status == "unmatched")
        .distinct()
    ).all()
    return sum(apply_ticket(session=session, source=s, external_id=t) is not None for s, t in pairs)
