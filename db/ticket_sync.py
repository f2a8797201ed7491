"""Pull sync: read a source's incremental export page by page into the inbound event store.

Every record is stored raw first (like a webhook, `db.inbound.store_event`), then its
ticket is rebuilt from all its events; the cursor is saved in the same commit as the
page's tickets, so a crash resumes at the first page not fully applied and re-reading a
page applies nothing twice ((source, event id) is unique).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.sources import Cursor, Page, Request, next_window, read_page, request_for
from db.inbound import apply_tickets, store_event
from db.models import InboundEvent, SyncCursor
from db.run_lock import lock_key

DEFAULT_LOOKBACK = timedelta(days=30)


class SyncBusy(RuntimeError):
    """Another sync of the same source holds the lock."""


@contextmanager
def sync_lock(engine: Engine, source: str) -> Iterator[None]:
    """One sync per source at a time on PostgreSQL (a session advisory lock on its own
    connection, since the sync commits every page). SQLite has one writer anyway, and a
    second sync would only find duplicates."""
    if engine.dialect.name != "postgresql":
        yield
        return
    key = lock_key(f"tickets-sync-{source}")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar_one():
            raise SyncBusy(source)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})


@dataclass
class SyncReport:
    source: str
    pages: int = 0
    records: int = 0
    new_events: int = 0
    tickets_applied: int = 0
    unmatched: set[str] = field(default_factory=set)
    skipped: list[str] = field(default_factory=list)
    finished: bool = False
    cursor: str | None = None

    @property
    def summary(self) -> str:
        state = "up to date" if self.finished else "more pages waiting (run again)"
        return (
            f"{self.source}: {self.pages} page(s), {self.records} record(s), "
            f"{self.new_events} new, {self.tickets_applied} ticket(s) applied, "
            f"{len(self.unmatched)} unmatched, {len(self.skipped)} unreadable; {state}"
        )


def load_cursor(session: Session, source: str) -> Cursor | None:
    row = session.get(SyncCursor, source)
    return Cursor.loads(row.cursor) if row and row.cursor else None


def _save_cursor(session: Session, source: str, cursor: Cursor, now: datetime) -> None:
    row = session.get(SyncCursor, source) or SyncCursor(source=source)
    row.cursor, row.updated_at = cursor.dumps(), now
    session.add(row)


def _store_page(
    session: Session, source: str, page: Page, now: datetime, report: SyncReport
) -> set[str]:
    """Commit the page's new raw events at once; the tickets that need applying."""
    ids = [e.event_id for e in page.events]
    known = dict(
        session.execute(
            select(InboundEvent.event_id, InboundEvent.status).where(
                InboundEvent.source == source, InboundEvent.event_id.in_(ids)
            )
        ).all()
    )
    to_apply = {e.ticket_id for e in page.events if known.get(e.event_id) == "received"}
    fresh = [(e, raw) for e, raw in zip(page.events, page.raws, strict=True)
             if e.event_id not in known]  # fmt: skip
    fresh = list({e.event_id: (e, raw) for e, raw in fresh}.values())
    for event, raw in fresh:
        session.add(InboundEvent(
            receipt_id=str(uuid.uuid4()), source=source, event_id=event.event_id,
            received_at=now, event_at=event.event_at, kind=event.kind,
            external_ticket_id=event.ticket_id, client_name=event.client or None,
            payload=json.dumps(raw, default=str)[:200_000],
            normalised=json.dumps(event.as_dict()), status="received",
        ))  # fmt: skip
    try:
        session.commit()
    except IntegrityError:  # another sync stored some of them first: one at a time
        session.rollback()
        fresh = [
            (e, raw) for e, raw in fresh
            if not store_event(session=session, source=source, event=e,
                               payload=json.dumps(raw, default=str)[:200_000], now=now,
                               token_id=None, fallback_id=e.event_id)[1]
        ]  # fmt: skip
    report.new_events += len(fresh)
    return to_apply | {e.ticket_id for e, _ in fresh}


def sync_source(
    *,
    session: Session,
    source: str,
    fetch: Callable[[Request], Any],
    now: datetime,
    since: datetime | None = None,
    tz: str = "UTC",
    max_pages: int | None = None,
) -> SyncReport:
    """Read pages from the stored cursor (or `since`, default 30 days back) to the end.

    `since` given explicitly restarts the window there. Stops after `max_pages` (the
    cursor then points at the next page).
    """
    report = SyncReport(source=source)
    stored = load_cursor(session, source)
    cursor = Cursor(since=since) if since else (stored or Cursor(since=now - DEFAULT_LOOKBACK))
    while max_pages is None or report.pages < max_pages:
        body = fetch(request_for(source, cursor))
        page = read_page(source, body, cursor, tz=tz)
        report.pages += 1
        report.records += len(page.events) + len(page.skipped)
        report.skipped += page.skipped
        to_apply = _store_page(session, source, page, now, report)
        applied = apply_tickets(session=session, source=source, external_ids=sorted(to_apply))
        for ticket_id, ticket in applied.items():
            if ticket is None:
                report.unmatched.add(ticket_id)
            else:
                report.tickets_applied += 1
        cursor = page.next_cursor or next_window(source, cursor, page, body)
        _save_cursor(session, source, cursor, now)
        session.commit()
        if page.next_cursor is None:
            report.finished = True
            break
    report.cursor = cursor.dumps()
    return report
