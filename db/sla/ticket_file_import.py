"""A ticket export streamed from disk: committed chunk by chunk with its progress record, and
resumed where a killed import's last commit ended (rows are parsed, matched and upserted by
db/sla/tickets_import.py, the same as an upload's)."""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Callable, Mapping
from contextlib import ExitStack, closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import sla
from access.roles import Actor, require
from db import audit
from db.models import TicketImportError, TicketImportRun
from db.run_lock import RunInProgress, lock_key
from db.sla.ticket_matching import Matcher
from db.sla.tickets_import import (
    ImportReport,
    _no_errors,
    _resolve,
    _Tally,
    _upsert_chunk,
)
from sla.ticket_import import TicketReader, human_size
from sla.ticket_stream import CHUNK_BYTES, CHUNK_ROWS, prefetched

STREAM_MAX_BYTES = 4 * 1024**3  # 4 GiB: the streamed import's memory does not grow with it
Progress = Callable[[int, int, int], None]  # (next row, bytes or rows read, file size)


def import_ticket_file(
    *,
    engine: Engine,
    actor: Actor,
    path: str | Path,
    preset: str | None = None,
    mapping: str | Mapping[str, str] | None = None,
    source_tz: str = "UTC",
    dayfirst: bool | None = None,
    max_bytes: int = STREAM_MAX_BYTES,
    chunk_bytes: int = CHUNK_BYTES,
    chunk_rows: int = CHUNK_ROWS,
    progress: Progress | None = None,
) -> ImportReport:
    """Stream a ticket export from disk and commit it chunk by chunk with its progress
    record (`TicketImportRun`); an import of the same file (SHA-256), source and options
    that was killed resumes where its last commit ended. Memory stays bounded by the chunk.

    One import at a time: on PostgreSQL a session advisory lock held for the whole file (a
    killed process releases it); on SQLite each chunk takes the writer lock and a run whose
    process is still alive on this host is not taken over. The loser gets RunInProgress.
    """
    require(actor, "work_sla")
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise sla.ImportRejected(
            f"'{path.name}' is {human_size(size)}, over the {human_size(max_bytes)} limit"
        )
    digest = _sha256(path)
    with Session(engine) as s:
        columns, source, own_dayfirst = _resolve(s, preset, mapping)
        matcher = Matcher(s)
    named = mapping if isinstance(mapping, str | None) else dict(sorted(mapping.items()))
    options = {"preset": preset, "mapping": named, "tz": source_tz, "dayfirst": dayfirst}
    runner = f"{socket.gethostname()}:{os.getpid()}"
    with _file_lock(engine), path.open("rb") as f, ExitStack() as stack:
        run_id, start, first_row = _resumable(engine, digest, source, options, runner)
        resumed = first_row
        if run_id is not None:
            with Session(engine) as s:
                decided = s.get(TicketImportRun, run_id).options.get("dayfirst_used")
            dayfirst = decided if decided is not None else dayfirst
        reader = TicketReader(
            f, filename=path.name, preset=None if columns else preset, mapping=columns,
            source_tz=source_tz, dayfirst=dayfirst, mapping_dayfirst=own_dayfirst,
            chunk_bytes=chunk_bytes, chunk_rows=chunk_rows,
        )  # fmt: skip
        tally = _Tally()
        # parsed a chunk ahead; closed (its thread stopped) before the file, also on error
        chunks = stack.enter_context(
            closing(prefetched(reader.chunks(start=start, first_row=first_row)))
        )
        for parsed, end, next_row in chunks:
            if run_id is None and parsed.valid.empty and parsed.errors.empty:
                continue  # blank lines only: nothing to record yet
            with Session(engine) as s, s.begin():
                if engine.dialect.name != "postgresql":
                    _sqlite_writer(s)
                chunk = _Tally()
                chunk.errors.append(parsed.errors)
                _upsert_chunk(s, actor, parsed.valid, source, "pauses" in reader.found,
                              matcher, chunk)  # fmt: skip
                errors = pd.concat([e for e in chunk.errors if len(e)] or [_no_errors()])
                run = s.get(TicketImportRun, run_id) if run_id is not None else None
                if run is None:
                    run = TicketImportRun(
                        file_sha256=digest, filename=path.name[:200], source=source,
                        options={**options, "dayfirst_used": reader.dayfirst},
                        status="running", position=0, next_row=0, inserted=0, updated=0,
                        unchanged=0, error_rows=0, chunks=0, runner=runner,
                    )  # fmt: skip
                    s.add(run)
                    s.flush()
                    run_id = run.id
                if len(errors):
                    s.execute(insert(TicketImportError.__table__), [
                        {"run_id": run_id, "row": int(r), "column": str(c)[:120],
                         "reason": str(m)}
                        for r, c, m in errors[["row", "column", "reason"]].itertuples(index=False)
                    ])  # fmt: skip
                run.position, run.next_row, run.chunks = end, next_row, run.chunks + 1
                run.inserted += chunk.inserted
                run.updated += chunk.updated
                run.unchanged += chunk.unchanged
                run.error_rows += len(errors)
                run.runner, run.updated_at = runner, datetime.now(UTC)
            tally.fuzzy.extend(chunk.fuzzy)
            if progress is not None:
                progress(next_row, end, size)
        with Session(engine) as s, s.begin():
            if run_id is None:  # nothing but blank lines after a resumed position
                return tally.report(source)
            run = s.get(TicketImportRun, run_id)
            run.status, run.finished_at = "done", datetime.now(UTC)
            tally.inserted, tally.updated = run.inserted, run.updated
            tally.unchanged = run.unchanged
            errors = pd.DataFrame(
                s.execute(
                    select(TicketImportError.row, TicketImportError.column,
                           TicketImportError.reason)
                    .where(TicketImportError.run_id == run_id)
                ).all(),
                columns=["row", "column", "reason"],
            )  # fmt: skip
            report = tally.report(source, errors, run_id=run_id,
                                  resumed_at_row=resumed)  # fmt: skip
            audit.record(
                session=s, actor=actor, entity="ticket_import", entity_id=None,
                action="import", field=path.name[:60], new=report.summary,
            )  # fmt: skip
    return report


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _sqlite_writer(s: Session) -> None:
    """Take SQLite's writer lock at the chunk's start (waits the busy timeout, then
    RunInProgress), so reads of existing tickets see every committed chunk of a rival."""
    from db.run_lock import _acquire

    _acquire(s, "tickets-import", 0.0)


@contextmanager
def _file_lock(engine: Engine):
    if engine.dialect.name != "postgresql":
        yield
        return
    key = lock_key("tickets-import")
    with engine.connect() as conn:
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        conn.commit()
        if not got:
            raise RunInProgress("tickets-import")
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()


def _resumable(
    engine: Engine, digest: str, source: str, options: dict, runner: str
) -> tuple[int | None, int | None, int | None]:
    """(run id, position, next row) of an unfinished import of this file, else Nones."""
    with Session(engine) as s:
        runs = s.scalars(
            select(TicketImportRun).where(
                TicketImportRun.file_sha256 == digest, TicketImportRun.source == source,
                TicketImportRun.status == "running",
            ).order_by(TicketImportRun.id.desc())
        ).all()  # fmt: skip
        for run in runs:
            if {k: run.options.get(k) for k in options} != options:
                continue
            if engine.dialect.name != "postgresql" and _alive(run.runner, runner):
                raise RunInProgress("tickets-import")
            return run.id, run.position, run.next_row
    return None, None, None


def _alive(other: str | None, me: str) -> bool:
    """Is the process that wrote `other` ("host:pid") still running on this host?"""
    if not other or other == me:
        return False
    host, _, pid = other.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
