"""Tickets from help-desk exports: parse, match and upsert (idempotent).

Import rules: a file `sla.parse_tickets` rejects writes nothing; rows it reports as bad are
listed (row number, column, reason) and the good rows import. A row whose client cannot be
matched is reported too. Clients match on the normalised name, then fuzzily (rapidfuzz
WRatio >= 90; every fuzzy match is reported so a person can check it). The contract is the
one in force at creation (`sla.check_entitlement` picks it, preferring one that covers the
service). Tickets upsert by (source, external_id): the same file imported twice changes
nothing. When the export carries pause intervals they replace the ticket's stored pauses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from rapidfuzz import fuzz, process
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import sla
from access.roles import Actor, require
from contracts.schema import client_name_key
from db import audit
from db.calendars import load_calendars
from db.models import Client, Contract, ContractService, Technician, Ticket, TicketEvent
from db.sla.import_mappings import list_mappings
from sla.import_presets import PRESETS

FUZZY_CUTOFF = 90
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

    @property
    def summary(self) -> str:
        return (
            f"{self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.errors)} row error(s), {len(self.fuzzy_matches)} fuzzy client match(es)"
        )


def _match_clients(names: pd.Series, clients: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """File client names -> client ids (NA if none), plus the fuzzy matches made."""
    by_key = dict(zip(clients["key"], clients["id"], strict=True))
    name_of = dict(zip(clients["id"], clients["name"], strict=True))
    out: dict[str, object] = {}
    fuzzy: dict[str, tuple[str, float]] = {}
    keys = list(by_key)
    for name in names.dropna().unique():
        key = client_name_key(str(name))
        if key in by_key:
            out[name] = by_key[key]
            continue
        best = process.extractOne(key, keys, scorer=fuzz.WRatio, score_cutoff=FUZZY_CUTOFF)
        if best is not None:
            out[name] = by_key[best[0]]
            fuzzy[name] = (name_of[by_key[best[0]]], round(float(best[1]), 1))
    ids = names.map(out).astype("Int64")
    return ids, pd.DataFrame(
        [{"in_file": k, "matched": v[0], "score": v[1]} for k, v in fuzzy.items()],
        columns=["in_file", "matched", "score"],
    )


def _contracts_for(session: Session, rows: pd.DataFrame) -> pd.Series:
    """The contract in force at each ticket's creation (NA when none)."""
    if rows.empty:
        return pd.Series([], dtype="Int64")
    cons = pd.DataFrame(
        session.execute(
            select(
                Contract.id, Contract.client_id, Contract.start_date, Contract.in_force_until,
                Contract.calendar_id,
            ).where(
                Contract.deleted_at.is_(None),
                Contract.client_id.in_([int(c) for c in rows["client_id"].unique()]),
            )
        ).all(),
        columns=["contract_id", "client_id", "start_date", "end_date", "calendar_id"],
    )  # fmt: skip
    if cons.empty:
        return pd.Series(pd.NA, index=rows.index, dtype="Int64")
    services = pd.DataFrame(
        session.execute(
            select(ContractService.contract_id, ContractService.kind, ContractService.name).where(
                ContractService.contract_id.in_(cons["contract_id"].tolist())
            )
        ).all(),
        columns=["contract_id", "kind", "name"],
    )
    for kind, col in (("included", "included"), ("excluded", "excluded")):
        names = services[services["kind"] == kind].groupby("contract_id")["name"].agg(list)
        cons[col] = cons["contract_id"].map(names).apply(lambda v: v if isinstance(v, list) else [])
    calendars = {str(k): v for k, v in load_calendars(session=session).items()}
    cons["calendar_key"] = cons["calendar_id"].map(
        lambda c: "24x7" if c is None or pd.isna(c) else str(int(c))
    )
    items = pd.DataFrame(
        {
            "client_id": rows["client_id"].astype("int64").to_numpy(),
            "instant": rows["created_at"].to_numpy(),
            "service_type": rows["service_type"].fillna("").to_numpy(),
        }
    )
    items["instant"] = pd.to_datetime(items["instant"], utc=True)
    checked = sla.check_entitlement(items, cons, calendars=calendars)
    return pd.Series(checked["contract_id"].to_numpy(), index=rows.index).astype("Int64")


def _technicians(session: Session, names: pd.Series) -> pd.Series:
    techs = dict(
        (" ".join(n.split()).casefold(), i)
        for i, n in session.execute(select(Technician.id, Technician.name)).all()
    )
    return names.map(
        lambda n: techs.get(" ".join(str(n).split()).casefold()) if pd.notna(n) else None
    ).astype("Int64")


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
    """Parse, match and upsert a ticket export. Raises sla.ImportRejected for a bad file.

    `mapping` is a saved mapping's name or a field -> header dict; with it, tickets are
    keyed under source = the mapping's name ("custom" for an unsaved one).
    """
    require(actor, "work_sla")
    source = preset or "custom"
    columns: Mapping[str, str] | None = None
    if isinstance(mapping, str):
        saved = list_mappings(session=session)
        if mapping not in saved:
            raise sla.ImportRejected(
                f"No saved mapping '{mapping}' (saved: {', '.join(saved) or 'none'})"
            )
        columns, source = saved[mapping], mapping
    elif mapping is not None:
        columns = dict(mapping)
    elif preset not in PRESETS:
        raise sla.ImportRejected(
            f"Unknown preset '{preset}': use one of {', '.join(PRESETS)} or a saved mapping"
        )
    kwargs = {"max_bytes": max_bytes} if max_bytes else {}
    parsed = sla.parse_tickets(
        data, filename=filename, preset=None if columns else preset, mapping=columns,
        source_tz=source_tz, dayfirst=dayfirst, **kwargs,
    )  # fmt: skip
    rows = parsed.valid.copy()
    errors = [parsed.errors]
    clients = pd.DataFrame(
        session.execute(select(Client.id, Client.name).where(Client.deleted_at.is_(None))).all(),
        columns=["id", "name"],
    )
    clients["key"] = clients["name"].map(client_name_key)
    rows["client_id"], fuzzy_names = _match_clients(rows["client_name"], clients)
    unknown = rows["client_id"].isna()
    errors.append(
        pd.DataFrame(
            {
                "row": rows.loc[unknown, "row"].astype(int),
                "column": "client_name",
                "reason": "unknown client '" + rows.loc[unknown, "client_name"].astype(str) + "'",
            }
        )
    )
    rows = rows[~unknown].reset_index(drop=True)
    fuzzy = rows[["row", "client_name"]].merge(
        fuzzy_names, left_on="client_name", right_on="in_file"
    )[["row", "in_file", "matched", "score"]]
    rows["contract_id"] = _contracts_for(session, rows)
    rows["technician_id"] = _technicians(session, rows["technician"])
    rows["service_type"] = rows["service_type"].fillna("unspecified").astype(str).str[:80]
    rows["status"] = (
        rows["status"]
        .fillna(pd.Series(["resolved" if pd.notna(r) else "open" for r in rows["resolved_at"]]))
        .astype(str)
        .str[:30]
    )
    has_pauses = "pauses" in (columns or PRESETS.get(str(preset), PRESETS["zendesk"]).columns)
    existing = {
        t.external_id: t
        for t in session.scalars(
            select(Ticket).where(
                Ticket.source == source, Ticket.external_id.in_(rows["external_id"].tolist())
            )
        )
    }
    stored_pauses = _stored_pauses(session, [t.id for t in existing.values()]) if has_pauses else {}
    inserted = updated = unchanged = 0
    for rec in rows.to_dict("records"):
        values = {k: _py(rec[k]) for k in COMPARED}
        pauses = _pause_pairs(rec["pauses"]) if has_pauses else None
        ticket = existing.get(rec["external_id"])
        if ticket is None:
            ticket = Ticket(source=source, external_id=str(rec["external_id"])[:80], **values)
            session.add(ticket)
            session.flush()
            inserted += 1
            if pauses:
                _write_pauses(session, ticket.id, pauses)
            continue
        changes = {k: (getattr(ticket, k), v) for k, v in values.items() if getattr(ticket, k) != v}
        old_pauses = stored_pauses.get(ticket.id, [])
        if pauses is not None and pauses != old_pauses:
            changes["pauses"] = (_fmt(old_pauses), _fmt(pauses))
            session.execute(
                delete(TicketEvent).where(
                    TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_(PAUSE_KINDS)
                )
            )
            _write_pauses(session, ticket.id, pauses)
        if not changes:
            unchanged += 1
            continue
        for k, (_, v) in changes.items():
            if k != "pauses":
                setattr(ticket, k, v)
        audit.record_changes(
            session=session, actor=actor, entity="ticket", entity_id=ticket.id, changes=changes
        )
        updated += 1
    error_frame = pd.concat([e for e in errors if len(e)] or [errors[0]], ignore_index=True)
    error_frame = error_frame.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    report = ImportReport(inserted, updated, unchanged, error_frame, fuzzy, source)
    audit.record(
        session=session, actor=actor, entity="ticket_import", entity_id=None, action="import",
        field=filename[:60], new=report.summary,
    )  # fmt: skip
    session.flush()
    return report


def _fmt(pairs: Sequence[tuple]) -> str:
    return "; ".join(
        f"{a:%Y-%m-%d %H:%M}/{'' if b is None else f'{b:%Y-%m-%d %H:%M}'}" for a, b in pairs
    )


def _write_pauses(session: Session, ticket_id: int, pauses: Sequence[tuple]) -> None:
    for start, end in pauses:
        session.add(TicketEvent(ticket_id=ticket_id, at=start, kind="paused", value="on hold"))
        if end is not None:
            session.add(TicketEvent(ticket_id=ticket_id, at=end, kind="resumed"))
