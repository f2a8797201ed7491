"""A process-wide cache of the renewal health inputs, shared by every caller in the app.

The renewal pipeline page, the executive dashboard (now and the previous period, once per
currency shown) and the performance page all score every contract from the same inputs:
a year of SLA outcomes, hours, tickets, CSAT and payments (seconds on a million tickets).
An entry is reused while its key is unchanged: the SLA outcome cache's fingerprint (tickets,
pauses, contracts, policies, calendars: db/sla/outcome_cache.py) plus what the inputs read
besides: time entries (count, highest id, minutes, contracts booked), invoices (by status:
count, total, latest due date, issued ones), payments (count, highest id, amount), the last
audited edit of an invoice or time entry, the contracts asked about, and `now`.

Like the outcome cache it is on only where the app enabled that one (`ui.store`); library
calls, jobs and tests compute directly unless they enable it. The key is read from the
store on every call, so a change made by any replica shows on the next rerun. Each result
is also a frame file (`db.frame_files`) under the same key, so another process (a replica,
a restart) reads it instead of computing it again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import frame_files
from db.models import AuditEntry, Invoice, Payment, TimeEntry
from db.sla import outcome_cache

KEPT = 8  # entries per store: the pipeline's now, the executive's now and previous period
SHARED = "health-inputs-v1"  # frame file name (db.frame_files): bump on a layout change
CONTRACT_COLUMNS = ("id", "start_date", "end_date", "timezone", "included_hours")
AUDITED = ("invoice", "time_entry")

_entries: dict[str, OrderedDict[tuple, pd.DataFrame]] = {}
_lock = threading.Lock()


def state(session: Session) -> tuple:
    """Changes whenever anything health_inputs reads changes (see the module docstring)."""
    parts: list[object] = list(outcome_cache.fingerprint(session))
    parts.extend(
        session.execute(
            select(
                func.count(),
                func.max(TimeEntry.id),
                func.sum(TimeEntry.minutes),
                func.sum(TimeEntry.contract_id),
            )
        ).one()
    )
    by_status = select(
        Invoice.status,
        func.count(),
        func.max(Invoice.id),
        func.sum(Invoice.total),
        func.max(Invoice.due_date),
        func.count(Invoice.issue_date),
    ).group_by(Invoice.status)
    parts.append(tuple(sorted(tuple(r) for r in session.execute(by_status).all())))
    parts.extend(
        session.execute(select(func.count(), func.max(Payment.id), func.sum(Payment.amount))).one()
    )
    parts.append(
        session.scalar(select(func.max(AuditEntry.id)).where(AuditEntry.entity.in_(AUDITED)))
    )
    return tuple(parts)


def _asked(contracts: pd.DataFrame) -> tuple:
    """The contract columns health_inputs reads, hashable; NaN/NaT as None (never equal to
    themselves, they would make every call a miss)."""
    cols = [c for c in CONTRACT_COLUMNS if c in contracts.columns]
    rows = contracts[cols].itertuples(index=False, name=None)
    return tuple(cols), tuple(tuple(None if pd.isna(v) else v for v in row) for row in rows)


def cached(
    session: Session,
    contracts: pd.DataFrame,
    now: datetime,
    load: Callable[[], pd.DataFrame],
    store: tuple | None = None,
) -> pd.DataFrame:
    """`load()`, or a copy of its result for the same store state, contracts and `now`;
    `store` is `state(session)` when the caller read it already (several `now`s at once)."""
    if not outcome_cache.is_enabled(session):
        return load()
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    key = (state(session) if store is None else store, _asked(contracts), now)
    with _lock:
        kept = _entries.get(url, OrderedDict())
        found = kept.get(key)
        if found is not None:
            kept.move_to_end(key)
    if found is not None:
        return found.copy()
    value = _through_file(url, repr(key), load)
    with _lock:
        kept = _entries.setdefault(url, OrderedDict())
        kept[key] = value.copy()
        while len(kept) > KEPT:
            kept.popitem(last=False)
    return value


def _through_file(url: str, key: str, load: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The inputs from the frame file any process wrote for `key`, else `load()` written
    there (the KEPT newest keys stay: the pipeline's and the executive's `now`s)."""
    frames = frame_files.load(url, SHARED, key)
    if frames is not None:
        return frames["inputs"].set_index("contract_id")
    value = load()
    if len(value) and value.index.name == "contract_id":
        frame_files.save(url, SHARED, key, {"inputs": value.reset_index()}, keep=KEPT)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
