"""The raw insert of a webhook event takes its ticket's lock (`insert_event(lock=True)`),
so `rebuild(locked=True)` reads the ticket's events with no other worker rebuilding it."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from api.sources import normalise
from db.engine import session_factory
from db.inbound import insert_event
from db.run_lock import lock_key
from tests.api.conftest import NOW
from tests.api.test_webhooks import generic


def _insert(session, event_id: str, lock: bool):
    event = normalise("generic", generic(event_id, "created", "2026-03-02T09:00:00Z"),
                      fallback_id=event_id)  # fmt: skip
    return insert_event(session=session, source="generic", event=event, payload="{}", now=NOW,
                        token_id=None, fallback_id=event_id, lock=lock)  # fmt: skip


def _ticket_is_locked(engine) -> bool:
    """Whether another connection is kept from taking T-1's lock (PostgreSQL's advisory
    lock; SQLite's writer lock) while the first transaction is open."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as other:
            got = other.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"),
                               {"k": lock_key("ticket:generic:T-1")})  # fmt: skip
            other.rollback()
            return not got
    other = sqlite3.connect(engine.url.database, timeout=0.05)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        other.close()


@pytest.mark.parametrize("lock", [True, False])
def test_the_raw_insert_takes_the_tickets_lock(store, lock):
    with session_factory(store)() as s:
        assert _insert(s, "e1", lock) is not None
        locked = _ticket_is_locked(store)
        s.rollback()
    # SQLite: any insert holds the writer lock; PostgreSQL: only the one asked to lock
    assert locked is (lock or store.dialect.name == "sqlite")
    assert not _ticket_is_locked(store)  # released by the rollback


def test_a_replay_takes_no_lock(store):
    with session_factory(store)() as s:
        _insert(s, "e1", lock=False)
        s.commit()
    with session_factory(store)() as s:
        assert _insert(s, "e1", lock=True) is None  # already stored: nothing inserted
        if store.dialect.name == "postgresql":
            assert not _ticket_is_locked(store)
        s.rollback()
