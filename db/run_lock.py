"""One run at a time: `jobs run`, `billing run` and `tickets import` take a named run lock.

PostgreSQL: a transaction-level advisory lock (``pg_try_advisory_xact_lock``) taken in the
caller's transaction, so it is released by commit, rollback or a killed process — it can
never be left behind. The loser gets :class:`RunInProgress` ("another run is in progress")
instead of an IntegrityError traceback or a deadlock.

SQLite: one writer at a time is the database's own rule; the lock upserts the lock's row in
``run_locks`` so the writer lock is taken at the start of the run (a second process waits
for the busy timeout, then gets :class:`RunInProgress`).

Re-entrant within one session: a nested ``run_lock`` of the same name (billing code calls
it inside a run that already holds it) is a no-op.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session


class RunInProgress(RuntimeError):
    def __init__(self, name: str):
        super().__init__(
            f"another {name} run is in progress; nothing was done. Try again when it ends."
        )
        self.name = name


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for the advisory lock (same in every process)."""
    return zlib.crc32(f"contract-desk:{name}".encode()) - 2**31


@contextmanager
def run_lock(session: Session, name: str, *, wait_s: float = 0.0) -> Iterator[None]:
    held: dict[str, int] = session.info.setdefault("run_locks", {})
    if held.get(name):
        held[name] += 1
        try:
            yield
        finally:
            held[name] -= 1
        return
    _acquire(session, name, wait_s)
    held[name] = 1
    try:
        yield
    finally:
        held[name] = 0


def _acquire(session: Session, name: str, wait_s: float) -> None:
    dialect = session.get_bind().dialect.name
    deadline = time.monotonic() + wait_s
    if dialect == "postgresql":
        while True:
            got = session.execute(
                text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": lock_key(name)}
            ).scalar_one()
            if got:
                return
            if time.monotonic() >= deadline:
                raise RunInProgress(name)
            time.sleep(0.2)
    try:
        session.execute(
            text(
                "INSERT INTO run_locks (name, taken) VALUES (:n, 1) "
                "ON CONFLICT (name) DO UPDATE SET taken = run_locks.taken + 1"
            ),
            {"n": name},
        )
    except OperationalError as exc:
        if "locked" in str(exc).lower():
            session.rollback()
            raise RunInProgress(name) from exc
        raise
