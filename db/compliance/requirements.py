"""The requirements editor: what each contract requires, added, attested or removed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.compliance.common import _clause_details, _clean, _currency, _money, _registry_note
from db.models import Client, ComplianceRequirement, Contract

KINDS = ("insurance", "certification", "security_clause", "credential")


def contract_choices(*, session: Session, actor: Actor) -> dict[int, str]:
    """Live contracts as 'C-0001 · Client' for pickers."""
    require(actor, "work_compliance")
    rows = session.execute(
        select(Contract.id, Contract.reference, Client.name)
        .join(Client, Client.id == Contract.client_id)
        .where(Contract.deleted_at.is_(None))
        .order_by(Contract.reference)
    ).all()
    return {cid: f"{ref} · {client}" for cid, ref, client in rows}


def requirements_frame(*, session: Session, actor: Actor, contract_id: int) -> pd.DataFrame:
    """The contract's live requirements, with a note for names the registry does not know."""
    require(actor, "work_compliance")
    rows = []
    for r in session.scalars(
        select(ComplianceRequirement)
        .where(
            ComplianceRequirement.contract_id == contract_id,
            ComplianceRequirement.deleted_at.is_(None),
        )
        .order_by(ComplianceRequirement.kind, ComplianceRequirement.id)
    ):
        d = _clause_details(r.details) if r.kind == "security_clause" else {}
        note = _registry_note(r.kind, r.name)
        if r.kind == "security_clause" and d.get("evidence"):
            note = _registry_note("certification", d["evidence"])
        rows.append(
            {
                "id": r.id,
                "kind": r.kind,
                "name": r.name,
                "minimum_cover": r.minimum_cover,
                "currency": r.currency,
                "applies_to": r.applies_to if r.kind == "credential" else "",
                "evidence": d.get("evidence") or "",
                "attested": d.get("attested_on") or "",
                "review_due": d.get("review_due") or "",
                "details": d.get("description", "") if d else (r.details or ""),
                "problem": note,
            }
        )
    cols = [
        "id",
        "kind",
        "name",
        "minimum_cover",
        "currency",
        "applies_to",
        "evidence",
        "attested",
        "review_due",
        "details",
        "problem",
    ]
    return pd.DataFrame(rows, columns=cols)


def add_requirement(
    *,
    session: Session,
    actor: Actor,
    contract_id: int,
    kind: str,
    name: str,
    minimum_cover: object = None,
    currency: str | None = None,
    applies_to: str = "onsite",
    description: str = "",
    evidence: str | None = None,
) -> tuple[ComplianceRequirement, list[str]]:
    """Add a requirement to a contract; returns it with warnings (e.g. an unknown name).

    An unknown name is kept (contracts name things the registry has not heard of yet), but
    flagged here and reported as a critical gap until the name is fixed or registered.
    """
    require(actor, "work_compliance")
    if kind not in KINDS:
        raise ValueError(f"Kind must be one of {', '.join(KINDS)}.")
    contract = session.get(Contract, contract_id)
    if contract is None or contract.deleted_at is not None:
        raise ValueError("That contract does not exist.")
    clean = _clean(name, "Name")
    row = ComplianceRequirement(contract_id=contract_id, kind=kind, name=clean)
    if kind == "insurance":
        row.minimum_cover = _money(minimum_cover, "Minimum cover")
        row.currency = _currency(currency)
    if kind == "credential":
        if applies_to not in ("onsite", "all"):
            raise ValueError("Applies to must be 'onsite' or 'all'.")
        row.applies_to = applies_to
    if kind == "security_clause":
        ev = " ".join((evidence or "").split()) or None
        row.details = json.dumps({"description": " ".join(description.split()), "evidence": ev})
    elif description.strip():
        row.details = description.strip()
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="compliance_requirement",
        entity_id=row.id,
        action="create",
        field=kind,
        new=clean,
    )
    warnings = []
    note = _registry_note(kind, clean)
    if kind == "security_clause" and evidence:
        note = _registry_note("certification", evidence)
    if note:
        warnings.append(note)
    return row, warnings


def attest_clause(
    *,
    session: Session,
    actor: Actor,
    requirement_id: int,
    attested_on: date,
    review_due: date | None,
) -> None:
    """Record that a security clause is met for its contract, until ``review_due`` (last day)."""
    require(actor, "work_compliance")
    row = session.get(ComplianceRequirement, requirement_id)
    if row is None or row.deleted_at is not None or row.kind != "security_clause":
        raise ValueError("Pick a security clause to attest.")
    if review_due is not None and review_due < attested_on:
        raise ValueError("The review date must not be before the attestation date.")
    d = _clause_details(row.details)
    old = row.details
    d.update(
        attested_on=attested_on.isoformat(),
        review_due=review_due.isoformat() if review_due else None,
    )
    row.details = json.dumps(d)
    audit.record(
        session=session,
        actor=actor,
        entity="compliance_requirement",
        entity_id=row.id,
        action="update",
        field="details",
        old=old,
        new=row.details,
    )


def remove_requirement(*, session: Session, actor: Actor, requirement_id: int) -> None:
    """Soft-delete a requirement (admins only): it stops counting, the row stays for audit."""
    require(actor, "delete")
    row = session.get(ComplianceRequirement, requirement_id)
    if row is None or row.deleted_at is not None:
        raise ValueError("That requirement does not exist.")
    row.deleted_at = datetime.now(UTC)
    audit.record(
        session=session,
        actor=actor,
        entity="compliance_requirement",
        entity_id=row.id,
        action="delete",
        field=row.kind,
        old=row.name,
    )
