"""What the field view may show: technicians see only the clients assigned to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access.roles import Actor, PermissionDenied, require
from db.models import (
    Calendar,
    Client,
    Contact,
    Contract,
    ContractService,
    Site,
    SlaPolicy,
    TechnicianAssignment,
    Ticket,
)
from field.words import sla_line


def visible_client_ids(*, session: Session, actor: Actor) -> list[int] | None:
    """None = all clients (managers/admins); a list for technicians."""
    require(actor, "field_view")
    if actor.role != "technician":
        return None
    if actor.technician_id is None:
        return []
    return list(
        session.scalars(
            select(TechnicianAssignment.client_id).where(
                TechnicianAssignment.technician_id == actor.technician_id
            )
        )
    )


def search_clients(*, session: Session, actor: Actor, text: str) -> dict[int, str]:
    """Clients matching name, site or contract reference, within what the actor may see."""
    ids = visible_client_ids(session=session, actor=actor)
    q = select(Client.id, Client.name).where(Client.deleted_at.is_(None)).order_by(Client.name)
    if ids is not None:
        q = q.where(Client.id.in_(ids))
    t = text.strip().lower()
    if t:
        like = f"%{t}%"
        q = q.where(
            or_(
                Client.name_key.like(like),
                Client.id.in_(
                    select(Site.client_id).where(
                        or_(Site.name.ilike(like), Site.city.ilike(like), Site.address.ilike(like))
                    )
                ),
                Client.id.in_(select(Contract.client_id).where(Contract.reference.ilike(like))),
            )
        )
    return dict(session.execute(q.limit(50)).all())


@dataclass
class FieldCard:
    client: str
    contract: str | None
    tier: str | None
    coverage: str
    sla_lines: list[str]
    included: list[tuple[str, str | None]]
    excluded: list[tuple[str, str | None]]
    instructions: list[str]
    escalation: list[dict]
    recent_tickets: pd.DataFrame
    contract_id: int | None


def field_card(*, session: Session, actor: Actor, client_id: int, today: date) -> FieldCard:
    ids = visible_client_ids(session=session, actor=actor)
    if ids is not None and client_id not in ids:
        raise PermissionDenied("This client is not assigned to you.")
    client = session.get(Client, client_id)
    contract = session.scalar(
        select(Contract)
        .where(
            Contract.client_id == client_id,
            Contract.deleted_at.is_(None),
            Contract.start_date <= today,
            or_(Contract.end_date.is_(None), Contract.end_date >= today),
        )
        .order_by(Contract.end_date.desc())
        .limit(1)
    )
    cal = session.get(Calendar, contract.calendar_id) if contract and contract.calendar_id else None
    coverage = f"{cal.spec} ({cal.timezone})" if cal else "no coverage calendar recorded"
    lines: list[str] = []
    services: list[ContractService] = []
    if contract:
        services = list(
            session.scalars(
                select(ContractService).where(ContractService.contract_id == contract.id)
            )
        )
        policy = session.scalar(
            select(SlaPolicy)
            .where(SlaPolicy.contract_id == contract.id)
            .order_by(SlaPolicy.effective_from.desc())
            .limit(1)
        ) or session.scalar(
            select(SlaPolicy)
            .where(SlaPolicy.contract_id.is_(None), SlaPolicy.tier == contract.tier)
            .limit(1)
        )
        for t in sorted(policy.targets if policy else [], key=lambda t: t.priority):
            lines.append(
                sla_line(
                    t.priority,
                    t.response_minutes,
                    t.resolution_minutes,
                    cal.spec if cal else "coverage hours",
                    is_24x7=t.calendar == "24x7" or (cal and cal.spec == "24x7"),
                )
            )
    sites = session.scalars(select(Site).where(Site.client_id == client_id)).all()
    instructions = [f"{s.name}: {s.access_instructions}" for s in sites if s.access_instructions]
    if contract and contract.special_instructions:
        instructions.insert(0, contract.special_instructions)
    contacts = session.scalars(
        select(Contact)
        .where(Contact.client_id == client_id, Contact.is_escalation)
        .order_by(Contact.escalation_level)
    ).all()
    tickets = pd.DataFrame(
        session.execute(
            select(
                Ticket.external_id,
                Ticket.created_at,
                Ticket.priority,
                Ticket.service_type,
                Ticket.status,
                Ticket.subject,
            )
            .where(Ticket.client_id == client_id)
            .order_by(Ticket.created_at.desc())
            .limit(10)
        ).all(),
        columns=["ticket", "created", "priority", "service", "status", "subject"],
    )
    return FieldCard(
        client=client.name,
        contract=contract.reference if contract else None,
        tier=contract.tier if contract else None,
        coverage=coverage,
        sla_lines=lines,
        included=[(s.name, s.description) for s in services if s.kind == "included"],
        excluded=[(s.name, s.description) for s in services if s.kind == "excluded"],
        instructions=instructions,
        escalation=[
            {
                "name": c.name,
                "title": c.title,
                "phone": c.phone,
                "email": c.email,
                "level": c.escalation_level,
            }
            for c in contacts
        ],
        recent_tickets=tickets,
        contract_id=contract.id if contract else None,
    )
