"""What the field view may show and record: technicians see only the clients assigned to them.

Every function checks the actor first, and every per-client function checks the client is
visible to that actor, so a technician who edits a URL or a widget value is still refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from access.roles import Actor, PermissionDenied, require
from db.calendars import load_calendars
from db.models import (
    Client,
    Contact,
    Contract,
    ContractService,
    Site,
    SlaPolicy,
    SlaTarget,
    TechnicianAssignment,
    Ticket,
)
from field.words import sla_line
from sla.coverage_spec import describe_hours
from sla.policy import TIER_DEFAULTS

RECENT_TICKETS = 8


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


def _check_visible(session: Session, actor: Actor, client_id: int) -> Client:
    ids = visible_client_ids(session=session, actor=actor)
    if ids is not None and client_id not in ids:
        raise PermissionDenied("This client is not assigned to you.")
    client = session.get(Client, client_id)
    if client is None or client.deleted_at is not None:
        raise PermissionDenied("This client does not exist.")
    return client


def search_clients(*, session: Session, actor: Actor, text: str) -> dict[int, str]:
    """Clients matching name, site, city or contract (reference or title), within reach."""
    ids = visible_client_ids(session=session, actor=actor)
    q = select(Client.id, Client.name).where(Client.deleted_at.is_(None)).order_by(Client.name)
    if ids is not None:
        q = q.where(Client.id.in_(ids))
    t = " ".join(text.split())
    if t:
        like = f"%{t}%"
        q = q.where(
            or_(
                Client.name.ilike(like),
                Client.id.in_(
                    select(Site.client_id).where(
                        or_(Site.name.ilike(like), Site.city.ilike(like), Site.address.ilike(like))
                    )
                ),
                Client.id.in_(
                    select(Contract.client_id).where(
                        Contract.deleted_at.is_(None),
                        or_(Contract.reference.ilike(like), Contract.title.ilike(like)),
                    )
                ),
            )
        )
    return dict(session.execute(q.limit(50)).all())


def todays_work(*, session: Session, actor: Actor, today: date) -> dict[int, int]:
    """Client id -> the technician's tickets there today (open, or created today), busiest
    first: the field view opens on these instead of the alphabetically first client."""
    if actor.technician_id is None:
        return {}
    start = datetime.combine(today, time.min, UTC)
    rows = session.execute(
        select(Ticket.client_id, func.count())
        .where(
            Ticket.technician_id == actor.technician_id,
            or_(Ticket.resolved_at.is_(None), Ticket.created_at >= start),
            Ticket.created_at < start + timedelta(days=1),
        )
        .group_by(Ticket.client_id)
        .order_by(func.count().desc())
    ).all()
    visible = visible_client_ids(session=session, actor=actor)
    return {int(c): int(n) for c, n in rows if c is not None and (visible is None or c in visible)}


def recent_work(*, session: Session, actor: Actor, today: date, limit: int = 5) -> list[int]:
    """The technician's clients by their latest ticket there (newest first): where the field
    view opens on a day with no tickets, instead of the alphabetically first client."""
    if actor.technician_id is None:
        return []
    tomorrow = datetime.combine(today, time.min, UTC) + timedelta(days=1)
    latest = func.max(Ticket.created_at)
    rows = session.execute(
        select(Ticket.client_id, latest)
        .where(
            Ticket.technician_id == actor.technician_id,
            Ticket.client_id.is_not(None),
            Ticket.created_at < tomorrow,
        )
        .group_by(Ticket.client_id)
        .order_by(latest.desc(), Ticket.client_id)
        .limit(limit * 4)
    ).all()
    visible = visible_client_ids(session=session, actor=actor)
    return [int(c) for c, _ in rows if visible is None or c in visible][:limit]


@dataclass
class FieldCard:
    """Everything a technician needs at the door, as plain values."""

    client_id: int
    client: str
    contract_id: int | None
    contract: str | None
    tier: str | None
    coverage: str
    sla_lines: list[str]
    included: list[tuple[str, str | None]]
    excluded: list[tuple[str, str | None]]
    instructions: list[str]
    escalation: list[dict]
    sites: list[str]
    recent_tickets: list[dict] = field(default_factory=list)


def _active_contract(session: Session, client_id: int, today: date) -> Contract | None:
    return session.scalar(
        select(Contract)
        .where(
            Contract.client_id == client_id,
            Contract.deleted_at.is_(None),
            Contract.start_date <= today,
            or_(Contract.in_force_until.is_(None), Contract.in_force_until >= today),
        )
        .order_by(
            Contract.in_force_until.is_(None).desc(),
            Contract.in_force_until.desc(),
            Contract.id.desc(),
        )
        .limit(1)
    )


def _targets(session: Session, contract: Contract, today: date) -> list[tuple]:
    """(priority, service, response, resolution, calendar): tier rows, contract rows over them."""
    merged: dict[tuple[str, str], tuple] = {
        (t.priority, t.service_type): (
            t.priority,
            t.service_type,
            t.response_minutes,
            t.resolution_minutes,
            t.calendar,
        )
        for t in TIER_DEFAULTS.get(contract.tier.lower(), ())
    }
    for where in (
        [SlaPolicy.contract_id.is_(None), SlaPolicy.tier == contract.tier],
        [SlaPolicy.contract_id == contract.id],
    ):
        policy_id = session.scalar(
            select(SlaPolicy.id)
            .where(*where, SlaPolicy.effective_from <= today)
            .order_by(SlaPolicy.effective_from.desc(), SlaPolicy.id.desc())
            .limit(1)
        )
        if policy_id is None:
            continue
        for t in session.scalars(select(SlaTarget).where(SlaTarget.policy_id == policy_id)):
            key = (t.priority, t.service_type or "*")
            merged[key] = (*key, t.response_minutes, t.resolution_minutes, t.calendar)
    return sorted(merged.values(), key=lambda r: (r[1] != "*", r[1], r[0]))


def field_card(*, session: Session, actor: Actor, client_id: int, today: date) -> FieldCard:
    """The client's card: coverage, SLA in plain words, scope, instructions, who to call."""
    client = _check_visible(session, actor, client_id)
    contract = _active_contract(session, client_id, today)
    coverage, lines = "no active contract", []
    services: list[ContractService] = []
    if contract is not None:
        calendars = load_calendars(session=session)
        cal = calendars.get(contract.calendar_id) if contract.calendar_id else None
        hours = describe_hours(cal.hours) if cal else "coverage hours not recorded"
        coverage = cal.describe(year=today.year) if cal else hours
        for prio, service, resp, res, calendar in _targets(session, contract, today):
            is_24x7 = calendar == "24x7" or hours == "24x7"
            line = sla_line(prio, resp, res, hours, is_24x7=is_24x7)
            lines.append(line if service == "*" else f"{service}: {line}")
        services = list(
            session.scalars(
                select(ContractService)
                .where(ContractService.contract_id == contract.id)
                .order_by(ContractService.id)
            )
        )
    site_rows = session.scalars(
        select(Site).where(Site.client_id == client_id).order_by(Site.id)
    ).all()
    instructions = [
        f"{s.name}: {s.access_instructions}" for s in site_rows if s.access_instructions
    ]
    if contract is not None and contract.special_instructions:
        instructions.insert(0, contract.special_instructions)
    contract_filter = Contact.contract_id.is_(None)
    if contract is not None:
        contract_filter = or_(contract_filter, Contact.contract_id == contract.id)
    contacts = session.scalars(
        select(Contact)
        .where(Contact.client_id == client_id, Contact.is_escalation, contract_filter)
        .order_by(Contact.escalation_level, Contact.id)
    ).all()
    tickets = session.execute(
        select(
            Ticket.external_id,
            Ticket.created_at,
            Ticket.priority,
            Ticket.status,
            Ticket.subject,
            Ticket.service_type,
        )
        .where(Ticket.client_id == client_id)
        .order_by(Ticket.created_at.desc())
        .limit(RECENT_TICKETS)
    ).all()
    return FieldCard(
        client_id=client.id,
        client=client.name,
        contract_id=contract.id if contract else None,
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
        sites=[", ".join(x for x in (s.name, s.address, s.city) if x) for s in site_rows],
        recent_tickets=[
            {
                "ticket": t.external_id,
                "created": t.created_at,
                "priority": t.priority,
                "status": t.status,
                "subject": t.subject or t.service_type,
            }
            for t in tickets
        ],
    )


# "Printer support (excluding consumables)": a carve-out inside an included service.
