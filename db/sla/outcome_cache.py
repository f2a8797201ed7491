"""A process-wide cache of what `sla_details` loads, so dashboards opened one after another
read 200k tickets, their pauses and policy targets once instead of once per page.

What is cached never depends on the clock: states are evaluated against `now` on every call.
An entry is reused only while the store's fingerprint is unchanged: counts and highest ids
of tickets, ticket events, contracts, SLA policies and targets, calendars and holidays, the
tickets' latest import and latest in-place change (`Ticket.changed_at`, set on every update:
a webhook resolving a ticket is not audited), the sum of contract versions and the last
audit entry about tickets, contracts or SLA policies (every edit through the app is
audited). Only the app
turns it on (`ui.store`), per engine URL: library calls, jobs and tests read the store
directly unless they enable it; the app also warms it up at start (`outcomes.warm_up`).

Replicas: each app process keeps its own entry, and the fingerprint is read from the store on
every call, so a change made through any replica, the API or a job shows in every other
process on its next rerun (tests/scale/test_replicas.py runs two).

Shared on disk: a caller that passes `Shared` also finds the value in, or writes it to,
`db.frame_files` under the same fingerprint, so a fresh process (a replica, a restart)
maps the columns another one built instead of reading a million tickets again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db import frame_files
from db.models import (
    AuditEntry,
    Calendar,
    CalendarHoliday,
    CalendarVersion,
    Contract,
    SlaPolicy,
    SlaTarget,
    Ticket,
    TicketEvent,
)

T = TypeVar("T")

# Audited edits that can change an SLA outcome in place (a log-in or an invoice must not
# throw the load away).
AUDITED = ("ticket", "ticket_import", "contract", "sla_policy")

_enabled: set[str] = set()
_entries: dict[tuple[str, str], tuple[tuple, object]] = {}  # (url, name) -> (key, value)
_loaders: dict[tuple[str, str], threading.Lock] = {}
_lock = threading.Lock()


def enable(engine: Engine) -> None:
    _enabled.add(engine.url.render_as_string(hide_password=False))


def disable(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    with _lock:
        _enabled.discard(url)
        for entry in [e for e in _entries if e[0] == url]:
            del _entries[entry]


def reset() -> None:
    """Forget every store's entry and switch the cache off everywhere: tests call it between
    tests, whose stores reuse one URL and can share a fingerprint with different data."""
    with _lock:
        _enabled.clear()
        _entries.clear()


def _url(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=False)


def is_enabled(session: Session) -> bool:
    return _url(session) in _enabled


def fingerprint(session: Session) -> tuple:
    """Changes whenever a ticket, pause, contract, policy or calendar changes (see above)."""
    parts: list[object] = []
    for model in (
        TicketEvent,
        Contract,
        SlaPolicy,
        SlaTarget,
        Calendar,
        CalendarHoliday,
        CalendarVersion,
    ):
        parts.extend(session.execute(select(func.count(), func.max(model.id))).one())
    # One aggregate per query: each is then answered from an index (count from the smallest,
    # the maxima from theirs); together in one select they scan every ticket (1M: 0.3 s).
    parts.append(session.scalar(select(func.count()).select_from(Ticket)))
    for column in (Ticket.id, Ticket.imported_at, Ticket.changed_at):
        parts.append(session.scalar(select(func.max(column))))
    parts.append(session.scalar(select(func.sum(Contract.version))))
    parts.append(
        session.scalar(select(func.max(AuditEntry.id)).where(AuditEntry.entity.in_(AUDITED)))
    )
    return tuple(parts)


@dataclass(frozen=True)
class Shared(Generic[T]):
    """How a cached value goes to and from frame files (`db.frame_files`)."""

    name: str  # the file's name: change it when the frames' layout changes
    to_frames: Callable[[T], Mapping[str, pd.DataFrame]]
    from_frames: Callable[[Mapping[str, pd.DataFrame], Session], T]
    # What the value reads besides the fingerprint's tables, as part of its key.
    also_reads: Callable[[Session], tuple] | None = None
    # Map the file's columns read-only (`frame_files.load`): for values never written in place.
    read_only: bool = False


def cached(session: Session, load: Callable[[], T], shared: Shared[T] | None = None) -> T:
    """`load()`, or its result from an earlier call while the store is unchanged (from this
    process, or with `shared` from the frame file any process wrote).

    One load per store at a time: a caller arriving while another loads waits for it and
    reuses its result (the app's start-up warm-up and a first page, two tabs at once).
    """
    url = _url(session)
    if url not in _enabled:
        return load()
    entry = (url, "" if shared is None else shared.name)
    with _loading(entry):
        key = fingerprint(session)
        if shared is not None and shared.also_reads is not None:
            key += shared.also_reads(session)
        with _lock:
            hit = _entries.get(entry)
        if hit is not None and hit[0] == key:
            return hit[1]  # type: ignore[return-value]
        value = load() if shared is None else _through_file(session, url, repr(key), load, shared)
        with _lock:
            _entries[entry] = (key, value)
        return value


def on_file(session: Session, shared: Shared) -> bool:
    """Whether the frame file of `shared` for the store's current state is there: a fresh
    process then maps it when a page asks, in a fraction of a second (no warm-up needed)."""
    key = fingerprint(session)
    if shared.also_reads is not None:
        key += shared.also_reads(session)
    return frame_files.exists(_url(session), shared.name, repr(key))


def _through_file(
    session: Session, url: str, key: str, load: Callable[[], T], shared: Shared[T]
) -> T:
    """The value from its frame file, else `load()` written there (one builder at a time
    across processes: a second one waits, then reads the first one's file)."""
    frames = frame_files.load(url, shared.name, key, read_only=shared.read_only)
    if frames is None:
        with frame_files.building(url, shared.name):
            frames = frame_files.load(url, shared.name, key, read_only=shared.read_only)
            if frames is None:
                value = load()
                if value is not None:
                    frame_files.save(url, shared.name, key, shared.to_frames(value))
                return value
    return shared.from_frames(frames, session)


def _loading(entry: tuple[str, str]) -> threading.Lock:
    with _lock:
        return _loaders.setdefault(entry, threading.Lock())
