"""Who hears about a contract: its account manager, else its client's, else the admins.

One answer for every job that mails a person about a contract (compliance gaps, out-of-scope
approvals), so a missing or deactivated manager falls back the same way everywhere.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Client, Contract, User


def admin_emails(session: Session) -> list[str]:
    """Active admins with an email address."""
    return list(
        session.scalars(
            select(User.email).where(User.role == "admin", User.active, User.email.is_not(None))
        )
    )


def _active_emails(session: Session) -> dict[int, str]:
    return dict(
        session.execute(
            select(User.id, User.email).where(User.active, User.email.is_not(None))
        ).all()
    )


def manager_emails(session: Session, contract_ids: set[object]) -> dict[object, list[str]]:
    """Per contract id: the contract's (or client's) active account manager; admins when none."""
    admins = admin_emails(session)
    rows = session.execute(
        select(Contract.id, Contract.account_manager_id, Client.account_manager_id)
        .join(Client, Client.id == Contract.client_id)
        .where(Contract.id.in_([c for c in contract_ids if isinstance(c, int)]))
    ).all()
    emails = _active_emails(session)
    out: dict[object, list[str]] = {}
    for cid, own, client_manager in rows:
        manager = emails.get(own) or emails.get(client_manager)
        out[cid] = [manager] if manager else admins
    return out


def client_manager_emails(session: Session, client_id: int) -> list[str]:
    """The client's active account manager; admins when it has none."""
    owner = session.scalar(select(Client.account_manager_id).where(Client.id == client_id))
    manager = _active_emails(session).get(owner) if owner else None
    return [manager] if manager else admin_emails(session)
