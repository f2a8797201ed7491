"""A company's first day: which setup steps are done, from what the store already holds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db.models import Calendar, Contract, ContractDocument, Ticket, User


@dataclass(frozen=True)
class Step:
    title: str
    done: bool
    detail: str  # what is there, or what to do
    page: str  # where to do it, as the menu names it


def _count(session: Session, model, *where) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def first_day_steps(*, session: Session, actor: Actor) -> list[Step]:
    """The getting-started checklist, in the order a new company works through it."""
    require(actor, "manage_users")
    calendars = _count(session, Calendar)
    others = _count(session, User, User.active, User.role != "admin")
    contracts = _count(session, Contract, Contract.deleted_at.is_(None))
    documents = _count(session, ContractDocument, ContractDocument.deleted_at.is_(None))
    tickets = _count(session, Ticket)
    return [
        Step(
            "Coverage calendars and SLA defaults",
            calendars > 0,
            f"{calendars} calendar(s)"
            if calendars
            else "Set your office hours, time zone and holidays, and the SLA targets per tier.",
            "Service › SLA policies",
        ),
        Step(
            "Users",
            others > 0,
            f"{others} user(s) besides admins"
            if others
            else "Add your account managers, executives and technicians.",
            "Admin › Users",
        ),
        Step(
            "Import your contract list",
            contracts > 0,
            f"{contracts} contract(s)"
            if contracts
            else "Bring in the spreadsheet or the PSA "
            "export (ConnectWise, Autotask, HaloPSA) you have today.",
            "Contracts › Import contracts",
        ),
        Step(
            "Upload the contract PDFs",
            documents > 0,
            f"{documents} document(s)"
            if documents
            else "Drop the signed contracts: their terms "
            "are extracted for review and each attaches to its client's contract.",
            "Contracts › Upload contracts",
        ),
        Step(
            "Connect your tickets",
            tickets > 0,
            f"{tickets:,} ticket(s)"
            if tickets
            else "Import a help-desk export (or connect "
            "the ticketing system) so SLA, entitlement and billing run on real work.",
            "Service › Import tickets",
        ),
    ]


def setup_incomplete(*, session: Session) -> bool:
    """True while the store has no contracts or no tickets: the checklist opens first."""
    return _count(session, Contract) == 0 or _count(session, Ticket) == 0
