"""One webhook event: store it raw, apply it, audit the request and answer, in one commit.

The raw event is inserted first (receipt id; ON CONFLICT DO NOTHING recognises a replay),
then its ticket is rebuilt from all its events (`db.inbound.rebuild`), the request's audit
row is added, and one commit makes all of it durable before the answer: nothing is
acknowledged that a crash could lose. If the apply fails, the transaction is rolled back
and the raw event is stored on its own (status received), so it is never lost either.
Everything is Core statements on one session (six to eight round trips an event: the raw
insert also takes the ticket's lock, the events' query carries the reference fingerprint).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from api.sources import BadEvent, Event, normalise
from db.direct import Direct
from db.dispatch import quick_answer
from db.inbound import delete_ticket, insert_event, load_ticket, rebuild
from db.models import ApiRequest, InboundEvent

UNMATCHED = "kept in the unmatched queue: no client matches this event"
_AUDIT = ApiRequest.__table__
_ADD_AUDIT = Direct(insert(_AUDIT), column_keys=["at", "token_id", "method", "path", "status",
                                                  "detail"])  # fmt: skip
_INBOUND = InboundEvent.__table__


def audit_values(token_id: int | None, method: str, path: str, status: int,
                 detail: str | None, at: datetime) -> dict[str, Any]:  # fmt: skip
    """The `api_requests` row of one request (every request has one)."""
    return {"at": at, "token_id": token_id, "method": method, "path": path[:300],
            "status": status, "detail": (detail or "")[:300] or None}  # fmt: skip


def parse(
    source: str, body: bytes, headers: Mapping[str, str], fallback: str
) -> tuple[Event | None, str | None]:
    """(event, None) or (None, the reason it cannot be applied: HTTP 422)."""
    try:
        payload = json.loads(body)
        header_id = headers.get("x-atlassian-webhook-identifier")
        if source == "jsm" and header_id and isinstance(payload, dict):
            payload.setdefault("webhookEventId", header_id)
        return normalise(source, payload, fallback_id=fallback), None
    except BadEvent as exc:
        return None, str(exc)
    except ValueError as exc:  # JSONDecodeError
        return None, f"malformed JSON: {exc}"


def handle(
    *,
    session: Session,
    source: str,
    body: bytes,
    headers: Mapping[str, str],
    path: str,
    token_id: int,
    now: datetime,
) -> tuple[int, dict[str, Any]]:
    """(HTTP status, answer) for one authenticated webhook request; commits."""
    fallback = hashlib.sha256(body).hexdigest()[:64]
    event, error = parse(source, body, headers, fallback)
    raw = {"source": source, "event": event, "payload": body.decode("utf-8", errors="replace"),
           "now": now, "token_id": token_id, "fallback_id": fallback}  # fmt: skip

    def done(status: int, out: dict[str, Any], detail: str | None) -> tuple[int, dict]:
        _ADD_AUDIT.rows(session, audit_values(token_id, "POST", path, status, detail, now))
        session.commit()
        return status, out

    stored = insert_event(session=session, **raw, error=error, lock=True)
    if stored is None:
        return _duplicate(session, source, event, fallback, now, done)
    row_id, receipt = stored
    if error or event is None:
        return done(422, {"detail": error, "receipt_id": receipt}, error)
    if event.kind == "deleted":
        session.commit()  # the raw event first: a deletion is rare and final
        existed = delete_ticket(session=session, row=session.get(InboundEvent, row_id))
        what = "removed from SLA figures" if existed else "was not stored here"
        return done(200, {"receipt_id": receipt, "duplicate": False, "status": "applied",
                          "deleted": existed, "detail": f"ticket {event.ticket_id} {what}"},
                    f"receipt {receipt}: ticket deleted")  # fmt: skip
    try:
        applied = rebuild(session, source, [event.ticket_id], locked=True)[event.ticket_id]
        if applied.deleted_at is not None:
            error = (f"ticket {event.ticket_id} was deleted in {source} at "
                     f"{applied.deleted_at:%Y-%m-%d %H:%M}; "
                     "the event is kept but not applied")  # fmt: skip
            session.execute(update(_INBOUND).where(_INBOUND.c.id == row_id)
                            .values(status="rejected", error=error[:300]))  # fmt: skip
            return done(422, {"detail": error, "receipt_id": receipt}, error)
        ticket = applied.ticket
        answer = ticket and quick_answer(session=session, ticket=ticket, now=now,
                                         history=applied.history)  # fmt: skip
        out = {"receipt_id": receipt, "duplicate": False, "status": applied.status}
        status, out = _answer(out, answer)
        return done(status, out, f"receipt {receipt}")
    except Exception:
        session.rollback()
        insert_event(session=session, **raw)
        session.commit()
        raise


def _duplicate(session: Session, source: str, event: Event | None, fallback: str,
               now: datetime, done) -> tuple[int, dict]:  # fmt: skip
    """A replay: the stored event's receipt and the ticket's current answer; nothing applied."""
    event_id = event.event_id if event else fallback
    row = session.execute(
        select(
            _INBOUND.c.receipt_id, _INBOUND.c.status, _INBOUND.c.error, _INBOUND.c.ticket_id
        ).where(_INBOUND.c.source == source, _INBOUND.c.event_id == event_id)
    ).one()
    if row.status == "rejected":
        return done(422, {"detail": row.error, "receipt_id": row.receipt_id}, row.error)
    ticket = load_ticket(session, row.ticket_id) if row.ticket_id else None
    answer = ticket and quick_answer(session=session, ticket=ticket, now=now)
    out = {"receipt_id": row.receipt_id, "duplicate": True, "status": row.status}
    status, out = _answer(out, answer) if row.status == "unmatched" or answer else (200, out)
    return done(status, out, f"duplicate of receipt {row.receipt_id}")


def _answer(out: dict[str, Any], answer: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
    if not answer:
        return 202, {**out, "detail": UNMATCHED}
    return 200, {**out, **answer}
