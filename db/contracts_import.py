"""Bring an existing contract list in: preview what each row would do, then import it.

Rows are matched by reference (the file's, or one derived from client, title and start so a
re-import finds the same contract): a new reference creates the contract (and its client,
when no client has that name), a known one updates only the fields the file gives, and an
identical row changes nothing, so importing the same file twice is a no-op. Each row is
written in its own savepoint through `create_contract` / `update_contract` (validated,
audited, optimistic lock); a bad row is reported with its row number and never stops the
others.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from contracts.schema import ContractInput, client_name_key, friendly_errors
from contracts.spreadsheet import SheetRow, read_sheet
from db import audit
from db.clients_repo import create_client
from db.contracts_repo import create_contract, update_contract
from db.models import Client, Contract

ACTIONS = ("create", "update", "unchanged", "error")
COLUMNS = ["row", "action", "client", "client_status", "reference", "title", "changes", "problems"]


@dataclass(frozen=True)
class ContractImport:
    rows: pd.DataFrame  # COLUMNS, one line per row of the file
    applied: bool

    def count(self, action: str) -> int:
        return int((self.rows["action"] == action).sum())

    @property
    def summary(self) -> str:
        verb = "" if self.applied else "would be "
        parts = [f"{self.count(a)} {verb}{label}" for a, label in _LABELS if self.count(a)]
        return ", ".join(parts) or "nothing to import"


_LABELS = (
    ("create", "created"),
    ("update", "updated"),
    ("unchanged", "unchanged"),
    ("error", "refused"),
)


def preview_contracts(
    *,
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    preset: str,
    currency: str = "USD",
    dayfirst: bool = False,
) -> ContractImport:
    """What importing the file would do, row by row; writes nothing."""
    require(actor, "edit_contracts")
    rows = read_sheet(data, filename, preset=preset, currency=currency, dayfirst=dayfirst)
    return ContractImport(pd.DataFrame([_plan(session, r) for r in _dedupe(rows)]), False)


def import_contracts(
    *,
    session: Session,
    actor: Actor,
    data: bytes,
    filename: str,
    preset: str,
    currency: str = "USD",
    dayfirst: bool = False,
) -> ContractImport:
    """Import the file: good rows are written, bad rows are reported (see module doc)."""
    require(actor, "edit_contracts")
    rows = read_sheet(data, filename, preset=preset, currency=currency, dayfirst=dayfirst)
    out = []
    for row in _dedupe(rows):
        plan = _plan(session, row)
        if plan["action"] in ("create", "update"):
            try:
                with session.begin_nested():
                    _write(session, actor, row, plan)
            except (ValueError, ValidationError) as exc:
                plan = {**plan, "action": "error", "problems": _join(plan["problems"], str(exc))}
        out.append(plan)
    report = ContractImport(pd.DataFrame(out, columns=COLUMNS), True)
    audit.record(
        session=session,
        actor=actor,
        entity="contract_import",
        entity_id=0,
        action="import",
        field=filename,
        new=report.summary,
    )
    return report


def _dedupe(rows: list[SheetRow]) -> list[SheetRow]:
    """A reference used twice in one file: the later rows are refused, not merged."""
    first: dict[str, int] = {}
    for r in rows:
        ref = str(r.values.get("reference", ""))
        if ref in first and not r.errors:
            r.errors.append(f"reference {ref!r} is also on row {first[ref]}")
        first.setdefault(ref, r.row)
    return rows


def _client(session: Session, name: str) -> Client | None:
    return session.scalar(select(Client).where(Client.name_key == client_name_key(name)))


def _plan(session: Session, row: SheetRow) -> dict:
    v = row.values
    base = {
        "row": row.row,
        "client": v.get("client", ""),
        "client_status": "",
        "reference": v.get("reference", ""),
        "title": v.get("title", ""),
        "changes": "",
        "problems": "; ".join(row.errors + row.notes),
    }
    if row.errors:
        return {**base, "action": "error"}
    client = _client(session, v["client"])
    base["client_status"] = "existing" if client is not None else "new client"
    existing = session.scalar(
        select(Contract).where(Contract.reference == v["reference"], Contract.deleted_at.is_(None))
    )
    if existing is not None and (client is None or existing.client_id != client.id):
        owner = session.get(Client, existing.client_id)
        why = f"reference {v['reference']!r} belongs to {owner.name if owner else 'another client'}"
        return {**base, "action": "error", "problems": _join(base["problems"], why)}
    try:
        new = _input(row, existing, client.id if client is not None else 0)
    except ValidationError as exc:
        return {
            **base,
            "action": "error",
            "problems": _join(base["problems"], *friendly_errors(exc)),
        }
    if existing is None:
        return {**base, "action": "create", "changes": "new contract"}
    changed = [
        f"{n.replace('_', ' ')}: {getattr(existing, n)} → {val}"
        for n, val in new.model_dump().items()
        if getattr(existing, n) != val
    ]
    action = "update" if changed else "unchanged"
    return {**base, "action": action, "changes": "; ".join(changed)}


def _write(session: Session, actor: Actor, row: SheetRow, plan: dict) -> None:
    v = row.values
    client = _client(session, v["client"]) or create_client(
        session=session, actor=actor, name=v["client"]
    )
    if plan["action"] == "create":
        create_contract(session=session, actor=actor, data=_input(row, None, client.id))
        return
    existing = session.scalar(select(Contract).where(Contract.reference == v["reference"]))
    assert existing is not None
    update_contract(
        session=session,
        actor=actor,
        contract_id=existing.id,
        expected_version=existing.version,
        data=_input(row, existing, client.id),
    )


def _input(row: SheetRow, existing: Contract | None, client_id: int) -> ContractInput:
    """The row's contract: a new one, or the existing one with the fields the file gives."""
    fields = {k: val for k, val in row.values.items() if k != "client"}
    if existing is None:
        return ContractInput(**fields, client_id=client_id)
    data = {n: getattr(existing, n) for n in ContractInput.model_fields}
    data.update({k: val for k, val in fields.items() if val is not None})
    if existing.pricing_model and fields.get("pricing_model") is None:
        data["pricing_model"] = existing.pricing_model  # the file does not say: keep it
    return ContractInput(**data)


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
