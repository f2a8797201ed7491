"""Technicians' credentials and their certificate PDFs."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.compliance.common import _clean, _registry_note, check_pdf, status_on
from db.models import Technician
from db.models import TechnicianCredential as CredentialRow


def technician_choices(*, session: Session, actor: Actor) -> dict[int, str]:
    require(actor, "work_compliance")
    rows = session.execute(
        select(Technician.id, Technician.name, Technician.active).order_by(Technician.name)
    ).all()
    return {tid: name + ("" if active else " (inactive)") for tid, name, active in rows}


def credentials_frame(
    *, session: Session, actor: Actor, on: date, technician_id: int | None = None
) -> pd.DataFrame:
    """Credentials (one technician, or all) with their status on ``on``, soonest expiry first."""
    require(actor, "work_compliance")
    q = (
        select(CredentialRow, Technician.name)
        .join(Technician, Technician.id == CredentialRow.technician_id)
        .where(CredentialRow.deleted_at.is_(None))
    )
    if technician_id is not None:
        q = q.where(CredentialRow.technician_id == technician_id)
    rows = [
        {
            "id": c.id,
            "technician_id": c.technician_id,
            "technician": tech,
            "credential": c.name,
            "issued": c.issued_on,
            "last_valid_day": c.expires_on,
            "status": status_on(c.expires_on, on, c.issued_on),
            "days_left": None if c.expires_on is None else (c.expires_on - on).days,
            "certificate": c.filename or "",
            "problem": _registry_note("credential", c.name),
        }
        for c, tech in session.execute(q)
    ]
    cols = [
        "id",
        "technician_id",
        "technician",
        "credential",
        "issued",
        "last_valid_day",
        "status",
        "days_left",
        "certificate",
        "problem",
    ]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(
        ["days_left", "technician", "credential"], na_position="last", kind="stable"
    ).reset_index(drop=True)


def add_credential(
    *,
    session: Session,
    actor: Actor,
    technician_id: int,
    name: str,
    issued_on: date | None,
    expires_on: date | None,
    filename: str | None = None,
    document: bytes | None = None,
) -> tuple[CredentialRow, list[str]]:
    """Add (or renew: add the new one) a technician's credential; returns it with warnings."""
    require(actor, "work_compliance")
    if session.get(Technician, technician_id) is None:
        raise ValueError("That technician does not exist.")
    clean = _clean(name, "Credential name")
    if issued_on and expires_on and expires_on < issued_on:
        raise ValueError("The expiry date must not be before the issue date.")
    check_pdf(filename, document)
    row = CredentialRow(
        technician_id=technician_id,
        name=clean,
        issued_on=issued_on,
        expires_on=expires_on,
        filename=filename if document else None,
        document=document,
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="technician_credential",
        entity_id=row.id,
        action="create",
        field=clean,
        new=expires_on,
    )
    warnings = [w for w in [_registry_note("credential", clean)] if w]
    if expires_on is None:
        warnings.append(
            f"{clean} has no expiry date: it counts as valid but is flagged on the compliance "
            "page until someone records when it runs out."
        )
    return row, warnings


def attach_certificate(
    *, session: Session, actor: Actor, credential_id: int, filename: str, document: bytes
) -> None:
    """Store a certificate PDF on an existing credential."""
    require(actor, "work_compliance")
    row = session.get(CredentialRow, credential_id)
    if row is None or row.deleted_at is not None:
        raise ValueError("That credential does not exist.")
    check_pdf(filename, document)
    old = row.filename
    row.filename, row.document = filename, document
    audit.record(
        session=session,
        actor=actor,
        entity="technician_credential",
        entity_id=row.id,
        action="update",
        field="document",
        old=old,
        new=filename,
    )


def credential_document(*, session: Session, actor: Actor, credential_id: int) -> tuple[str, bytes]:
    """The stored certificate PDF of a credential."""
    require(actor, "work_compliance")
    row = session.get(CredentialRow, credential_id)
    if row is None or row.document is None:
        raise ValueError("No certificate is stored for that credential.")
    return row.filename or f"credential-{row.id}.pdf", row.document
