"""Technicians assigned to clients, and the credentials they lack there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from compliance.assignment import check_assignment
from compliance.requirements import ContractRequirements, HeldCredential
from db import audit
from db.compliance.common import first_day_not_valid
from db.compliance.loaders import load_requirements
from db.models import Client, Contract, Technician, TechnicianAssignment
from db.models import TechnicianCredential as CredentialRow


def client_choices(*, session: Session, actor: Actor) -> dict[int, str]:
    require(actor, "work_compliance")
    rows = session.execute(
        select(Client.id, Client.name).where(Client.deleted_at.is_(None)).order_by(Client.name)
    ).all()
    return dict(rows)


@dataclass(frozen=True)
class _Context:
    """What assignment checks need, loaded once for many technician/client pairs."""

    requirements: dict[int, ContractRequirements]
    held: dict[int, list[HeldCredential]]
    live: dict[int, list[int]]  # client -> contracts in force on the day
    refs: dict[int, str]


def _context(session: Session, on: date) -> _Context:
    held: dict[int, list[HeldCredential]] = {}
    for c in session.scalars(select(CredentialRow).where(CredentialRow.deleted_at.is_(None))):
        held.setdefault(c.technician_id, []).append(
            HeldCredential(c.technician_id, c.name, c.issued_on, first_day_not_valid(c.expires_on))
        )
    live: dict[int, list[int]] = {}
    refs: dict[int, str] = {}
    for cid, client_id, ref in session.execute(
        select(Contract.id, Contract.client_id, Contract.reference).where(
            Contract.deleted_at.is_(None),
            Contract.start_date <= on,
            (Contract.in_force_until.is_(None)) | (Contract.in_force_until >= on),
        )
    ):
        live.setdefault(client_id, []).append(cid)
        refs[cid] = ref
    reqs = {int(r.contract_id): r for r in load_requirements(session=session)}
    return _Context(reqs, held, live, refs)


def _missing(ctx: _Context, technician_id: int, client_id: int, on: date) -> list[str]:
    findings = []
    for cid in ctx.live.get(client_id, []):
        req = ctx.requirements.get(cid)
        if req is None:
            continue
        for m in check_assignment(ctx.held.get(technician_id, []), req, on, onsite=True):
            findings.append(f"{ctx.refs[cid]}: {m.name} ({m.reason})")
    return findings


def check_technician(
    *, session: Session, actor: Actor, technician_id: int, client_id: int, on: date
) -> list[str]:
    """What the technician lacks for the client's contracts in force on ``on`` (empty: fine)."""
    require(actor, "work_compliance")
    return _missing(_context(session, on), technician_id, client_id, on)


def assignments_frame(
    *, session: Session, actor: Actor, on: date, technician_id: int | None = None
) -> pd.DataFrame:
    """Who is assigned to which client, with any credential they lack there on ``on``."""
    require(actor, "work_compliance")
    q = (
        select(TechnicianAssignment, Technician.name, Client.name)
        .join(Technician, Technician.id == TechnicianAssignment.technician_id)
        .join(Client, Client.id == TechnicianAssignment.client_id)
        .order_by(Technician.name, Client.name)
    )
    if technician_id is not None:
        q = q.where(TechnicianAssignment.technician_id == technician_id)
    ctx = _context(session, on)
    rows = [
        {
            "technician_id": a.technician_id,
            "technician": tech,
            "client_id": a.client_id,
            "client": client,
            "missing": "; ".join(_missing(ctx, a.technician_id, a.client_id, on)) or "ok",
        }
        for a, tech, client in session.execute(q).all()
    ]
    cols = ["technician_id", "technician", "client_id", "client", "missing"]
    return pd.DataFrame(rows, columns=cols)


def assign_technician(
    *, session: Session, actor: Actor, technician_id: int, client_id: int, on: date
) -> list[str]:
    """Assign a technician to a client; returns what they lack there (flagged, not refused)."""
    require(actor, "work_compliance")
    if session.get(Technician, technician_id) is None:
        raise ValueError("That technician does not exist.")
    if session.get(Client, client_id) is None:
        raise ValueError("That client does not exist.")
    exists = session.scalar(
        select(TechnicianAssignment.id).where(
            TechnicianAssignment.technician_id == technician_id,
            TechnicianAssignment.client_id == client_id,
        )
    )
    if exists is not None:
        raise ValueError("That technician is already assigned to this client.")
    row = TechnicianAssignment(technician_id=technician_id, client_id=client_id)
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="technician_assignment",
        entity_id=row.id,
        action="create",
        field="client_id",
        new=client_id,
    )
    return check_technician(
        session=session, actor=actor, technician_id=technician_id, client_id=client_id, on=on
    )


def unassign_technician(*, session: Session, actor: Actor, technician_id: int, client_id: int):
    """Take a technician off a client (they no longer see it in the field view)."""
    require(actor, "work_compliance")
    row = session.scalar(
        select(TechnicianAssignment).where(
            TechnicianAssignment.technician_id == technician_id,
            TechnicianAssignment.client_id == client_id,
        )
    )
    if row is None:
        raise ValueError("That technician is not assigned to this client.")
    audit.record(
        session=session,
        actor=actor,
        entity="technician_assignment",
        entity_id=row.id,
        action="delete",
        field="client_id",
        old=client_id,
    )
    session.delete(row)
