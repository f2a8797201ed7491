"""Tickets from help-desk exports: parse, match and upsert (idempotent).

Import rules: a file `sla.parse_tickets` rejects writes nothing; rows it reports as bad are
listed (row number, column, reason) and the good rows import. A row whose client cannot be
matched is reported too. Clients match on the normalised name, then fuzzily (rapidfuzz
WRatio >= 90; every fuzzy match is reported so a person can check it). The contract is the
one in force at creation (`sla.check_entitlement` picks it, preferring one that covers the
service). Tickets upsert by (source, external_id): the same file imported twice changes
nothing. When the export carries pause intervals they replace the ticket's stored pauses.
Matching is db/sla/ticket_matching.py; a file streamed from disk, resumable, is
db/sla/ticket_file_import.py.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import String, cast, delete, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

import sla
from access.roles import Actor, require
from db import audit
from db.models import (
    Ticket,
    TicketEvent,
)
from db.sla.import_mappings import list_mappings, mapping_dayfirst
from db.sla.ticket_matching import Matcher, contracts_for
from sla.import_presets import PRESETS
from sla.ticket_import import DEFAULT_MAX_BYTES, TicketReader, human_size

COMPARED = (
    "client_id",
    "contract_id",
    "technician_id",
    "service_type",
    "priority",
    "status",
    "created_at",
    "first_response_at",
    "resolved_at",
)
PAUSE_KINDS = ("paused", "resumed")


@dataclass(frozen=True)
class ImportReport:
    inserted: int
    updated: int
    unchanged: int
    errors: pd.DataFrame  # row, column, reason
    fuzzy_matches: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["row", "in_file", "matched", "score"])
    )
    source: str = ""
    run_id: int | None = None  # the progress record of a streamed import
    resumed_at_row: int | None = None  # a resumed import started at this row

    @property
    def summary(self) -> str:
        text = (
            f"{self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.errors)} row error(s), {len(self.fuzzy_matches)} fuzzy client match(es)"
        )
        if self.resumed_at_row:
            text += f" (resumed at row {self.resumed_at_row}; counts include the earlier run)"
        return text


def _pause_pairs(pauses: object) -> list[tuple[datetime, datetime | None]]:
    out = []
    for start, end in pauses or []:
        out.append((start.to_pydatetime(), None if pd.isna(end) else end.to_pydatetime()))
    return sorted(out, key=lambda p: p[0])


def _stored_pauses(session: Session, ids: list[int]) -> dict[int, list[tuple]]:
    """Ticket id -> [(start, end|None)] from stored paused/resumed events."""
    out: dict[int, list[tuple]] = {}
    rows = session.execute(
        select(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.kind)
        .where(TicketEvent.ticket_id.in_(ids), TicketEvent.kind.in_(PAUSE_KINDS))
        .order_by(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.id)
    ).all()
    for tid, at, kind in rows:
        pairs = out.setdefault(tid, [])
        if kind == "paused":
            pairs.append((at, None))
        elif pairs and pairs[-1][1] is None:
            pairs[-1] = (pairs[-1][0], at)
    return out


def _py(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()
    return value


def _resolve(
    session: Session, preset: str | None, mapping: str | Mapping[str, str] | None
) -> tuple[Mapping[str, str] | None, str, bool | None]:
    """(columns of a mapping or None for a preset, source name, the mapping's day-first)."""
    if isinstance(mapping, str):
        saved = list_mappings(session=session)
        if mapping not in saved:
            raise sla.ImportRejected(
                f"No saved mapping '{mapping}' (saved: {', '.join(saved) or 'none'})"
            )
        return saved[mapping], mapping, mapping_dayfirst(session=session, name=mapping)
    if mapping is not None:
        return dict(mapping), "custom", None
    if preset not in PRESETS:
        raise sla.ImportRejected(
            f"Unknown preset '{preset}': use one of {', '.join(PRESETS)} or a saved mapping"
        )
    return None, str(preset), None


@dataclass
class _Tally:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[pd.DataFrame] = field(default_factory=list)
    fuzzy: list[pd.DataFrame] = field(default_factory=list)

    def report(self, source: str, errors: pd.DataFrame | None = None, **kw) -> ImportReport:
        if errors is None:
            errors = pd.concat([e for e in self.errors if len(e)] or [_no_errors()],
                               ignore_index=True)  # fmt: skip
        errors = errors.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
        fuzzy = pd.concat([f for f in self.fuzzy if len(f)] or [_no_fuzzy()], ignore_index=True)
        return ImportReport(self.inserted, self.updated, self.unchanged, errors, fuzzy, source,
                            **kw)  # fmt: skip


def _no_errors() -> pd.DataFrame:
    return pd.DataFrame(columns=["row", "column", "reason"])


def _no_fuzzy() -> pd.DataFrame:
    return pd.DataFrame(columns=["row", "in_file", "matched", "score"])


def import_tickets(
    *,
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    preset: str | None = None,
    mapping: str | Mapping[str, str] | None = None,
    source_tz: str = "UTC",
    max_bytes: int | None = None,
    dayfirst: bool | None = None,
) -> ImportReport:
    """Parse, match and upsert a ticket export held in memory, in the caller's transaction
    (the page's upload). Raises sla.ImportRejected for a bad file. Big files: use
    `import_ticket_file`, which streams and commits chunk by chunk.

    `mapping` is a saved mapping's name or a field -> header dict; with it, tickets are
    keyed under source = the mapping's name ("custom" for an unsaved one).
    """
    require(actor, "work_sla")
    columns, source, own_dayfirst = _resolve(session, preset, mapping)
    limit = max_bytes or DEFAULT_MAX_BYTES
    if len(data) > limit:
        raise sla.ImportRejected(
            f"'{filename}' is {human_size(len(data))}, over the {human_size(limit)} limit"
        )
    reader = TicketReader(
        io.BytesIO(data), filename=filename, preset=None if columns else preset,
        mapping=columns, source_tz=source_tz, dayfirst=dayfirst, mapping_dayfirst=own_dayfirst,
    )  # fmt: skip
    matcher = Matcher(session)
    tally = _Tally()
    for parsed, _, _ in reader.chunks():
        tally.errors.append(parsed.errors)
        _upsert_chunk(session, actor, parsed.valid, source, "pauses" in reader.found,
                      matcher, tally)  # fmt: skip
    report = tally.report(source)
    audit.record(
        session=session, actor=actor, entity="ticket_import", entity_id=None, action="import",
        field=filename[:60], new=report.summary,
    )  # fmt: skip
    session.flush()
    return report


def _upsert_chunk(
    session: Session,
    actor: Actor,
    valid: pd.DataFrame,
    source: str,
    has_pauses: bool,
    matcher: Matcher,
    tally: _Tally,
) -> None:
    """Match and upsert one chunk's good rows in bulk: new tickets by COPY (PostgreSQL) or
    one executemany (SQLite), changed ones by one executemany UPDATE, each change audited."""
    if valid.empty:
        return
    rows = valid.copy()
    rows["client_id"], fuzzy_names = matcher.clients(rows["client_name"])
    unknown = rows["client_id"].isna()
    if unknown.any():
        tally.errors.append(pd.DataFrame({
            "row": rows.loc[unknown, "row"].astype(int),
            "column": "client_name",
            "reason": "unknown client '" + rows.loc[unknown, "client_name"].astype(str) + "'",
        }))  # fmt: skip
        rows = rows[~unknown].reset_index(drop=True)
    if rows.empty:
        return
    if len(fuzzy_names):
        tally.fuzzy.append(rows[["row", "client_name"]].merge(
            fuzzy_names, left_on="client_name", right_on="in_file"
        )[["row", "in_file", "matched", "score"]])  # fmt: skip
    rows["contract_id"] = contracts_for(session, rows, matcher.calendars)
    rows["technician_id"] = matcher.technicians(rows["technician"])
    rows["service_type"] = rows["service_type"].fillna("unspecified").astype(str).str[:80]
    status = rows["status"].astype(object)
    rows["status"] = (
        status.where(status.notna(), np.where(rows["resolved_at"].notna(), "resolved", "open"))
        .astype(str)
        .str[:30]
    )
    rows["external_id"] = rows["external_id"].astype(str).str[:80]
    existing = _existing(session, source, rows["external_id"].tolist())
    is_old = rows["external_id"].isin(list(existing))
    fresh = rows[~is_old]
    if len(fresh):
        _insert(session, source, fresh)
        tally.inserted += len(fresh)
        if has_pauses:
            with_pauses = fresh[fresh["pauses"].map(bool)]
            if len(with_pauses):
                ids = _existing(session, source, with_pauses["external_id"].tolist())
                for ext, pauses in zip(with_pauses["external_id"], with_pauses["pauses"],
                                       strict=True):  # fmt: skip
                    _write_pauses(session, ids[ext]["id"], _pause_pairs(pauses))
    old_rows = rows[is_old]
    if old_rows.empty:
        session.flush()
        return
    stored_pauses = (
        _stored_pauses(session, [e["id"] for e in existing.values()]) if has_pauses else {}
    )
    changed: list[dict] = []
    for rec in _records(old_rows):
        pauses = _pause_pairs(rec.pop("pauses")) if has_pauses else None
        old = existing[rec["external_id"]]
        changes = {k: (old[k], rec[k]) for k in COMPARED if old[k] != rec[k]}
        old_pauses = stored_pauses.get(old["id"], [])
        if pauses is not None and pauses != old_pauses:
            changes["pauses"] = (_fmt(old_pauses), _fmt(pauses))
            session.execute(
                delete(TicketEvent).where(
                    TicketEvent.ticket_id == old["id"], TicketEvent.kind.in_(PAUSE_KINDS)
                )
            )
            _write_pauses(session, old["id"], pauses)
        if not changes:
            tally.unchanged += 1
            continue
        changed.append({"id": old["id"], **{k: rec[k] for k in COMPARED}})
        audit.record_changes(
            session=session, actor=actor, entity="ticket", entity_id=old["id"], changes=changes
        )
        tally.updated += 1
    if changed:
        session.execute(update(Ticket), changed)
    session.flush()


def _records(rows: pd.DataFrame) -> list[dict]:
    """Plain Python values per row (None for missing, aware datetimes, ints)."""
    out: dict[str, list] = {"external_id": rows["external_id"].tolist()}
    for k in ("client_id", "contract_id", "technician_id"):
        col = rows[k].astype("Int64")
        out[k] = [None if v is pd.NA else int(v) for v in col.tolist()]
    for k in ("service_type", "priority", "status"):
        out[k] = rows[k].astype(object).where(rows[k].notna(), None).tolist()
    for k in ("created_at", "first_response_at", "resolved_at"):
        col = pd.to_datetime(rows[k], utc=True)
        out[k] = [None if v is pd.NaT else v for v in col.dt.to_pydatetime().tolist()]
    out["pauses"] = rows["pauses"].tolist()
    return [dict(zip(out, vals, strict=True)) for vals in zip(*out.values(), strict=True)]


def _existing(session: Session, source: str, ids: list[str]) -> dict[str, dict]:
    """external id -> stored id and compared values for one chunk's ids. PostgreSQL joins
    one array parameter (a long IN list is planned as a scan comparing every row with every
    value); SQLite takes `IN (SELECT value FROM json_each(<one JSON text>))`, searched
    value by value in the unique index (an IN list of 50,000 bound parameters cost more to
    compile than to run; a join to json_each was planned as a scan of json_each per row)."""
    cols = [Ticket.id, Ticket.external_id, *(getattr(Ticket, k) for k in COMPARED)]
    if session.get_bind().dialect.name == "postgresql":
        wanted = func.unnest(cast(ids, ARRAY(String))).table_valued("ext").render_derived("wanted")
        q = select(*cols).join(wanted, Ticket.external_id == wanted.c.ext)
    else:
        listed = func.json_each(json.dumps(ids)).table_valued("value")
        q = select(*cols).where(Ticket.external_id.in_(select(listed.c.value)))
    q = q.where(Ticket.source == source)
    return {r["external_id"]: dict(r) for r in session.execute(q).mappings()}


INSERTED = ("source", "external_id", *COMPARED, "imported_at")


def _insert(session: Session, source: str, fresh: pd.DataFrame) -> None:
    """New tickets of a chunk, built column-wise: PostgreSQL takes one COPY of CSV text,
    SQLite one executemany of plain tuples (the values UTCDateTime would bind)."""
    now = pd.Timestamp.now(tz="UTC")
    frame = pd.DataFrame({"source": source, "external_id": fresh["external_id"].to_numpy()})
    for k in COMPARED:
        ints = k in ("client_id", "contract_id", "technician_id")  # keep NA without floats
        frame[k] = fresh[k].astype("Int64").array if ints else fresh[k].array
    frame["imported_at"] = now
    conn = session.connection()
    times = ("created_at", "first_response_at", "resolved_at", "imported_at")
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        for k in times:
            frame[k] = _copy_times(frame[k])
        # Arrow writes the CSV in C++ (pandas.to_csv took a fifth of a chunk); a null is an
        # unquoted empty field, which COPY reads as NULL, and every string is quoted.
        buffer = io.BytesIO()
        pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), buffer,
                        pacsv.WriteOptions(include_header=False))  # fmt: skip
        raw = conn.connection.driver_connection
        copy = f"COPY tickets ({', '.join(INSERTED)}) FROM STDIN WITH (FORMAT csv)"
        with raw.cursor() as cur, cur.copy(copy) as cp:
            cp.write(buffer.getbuffer())
        return
    for k in times:
        frame[k] = _copy_times(frame[k], sqlite=True)
    values = frame.astype(object).where(frame.notna(), None)
    conn.exec_driver_sql(
        f"INSERT INTO tickets ({', '.join(INSERTED)}) VALUES ({', '.join('?' * len(INSERTED))})",
        list(values.itertuples(index=False, name=None)),
    )


def _copy_times(col: pd.Series, *, sqlite: bool = False) -> np.ndarray:
    """UTC instants as text, formatted by numpy in one pass (strftime runs per value: a
    third of a chunk's parse time), None for none. COPY: "2026-06-08T14:00:00.000000+00";
    SQLite: "2026-06-08 14:00:00.000000" (how SQLAlchemy stores a naive UTC DateTime)."""
    utc = pd.to_datetime(col, utc=True).dt.tz_localize(None).to_numpy("datetime64[us]")
    text = np.datetime_as_string(utc, unit="us")
    if sqlite:  # fixed width (26): put the space in place of the "T" as bytes, in one go
        raw = text.astype("S26")
        raw.view("S1").reshape(-1, 26)[:, 10] = b" "
        return np.where(np.isnat(utc), None, raw.astype("U26").astype(object))
    return np.where(np.isnat(utc), None, np.char.add(text, "+00").astype(object))


def _fmt(pairs: Sequence[tuple]) -> str:
    return "; ".join(
        f"{a:%Y-%m-%d %H:%M}/{'' if b is None else f'{b:%Y-%m-%d %H:%M}'}" for a, b in pairs
    )


def _write_pauses(session: Session, ticket_id: int, pauses: Sequence[tuple]) -> None:
    for start, end in pauses:
        session.add(TicketEvent(ticket_id=ticket_id, at=start, kind="paused", value="on hold"))
        if end is not None:
            session.add(TicketEvent(ticket_id=ticket_id, at=end, kind="resumed"))
