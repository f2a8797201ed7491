"""Finding tickets by external id."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db.models import Client, Ticket


def find_tickets(*, session: Session, actor: Actor, text: str, limit: int = 50) -> pd.DataFrame:
    """Tickets whose external id contains `text` (case-insensitive), newest first."""
    require(actor, "work_sla")
    needle = text.strip()
    if not needle:
        return pd.DataFrame(columns=["id", "external_id", "source", "client", "priority", "status"])
    rows = session.execute(
        select(
            Ticket.id, Ticket.external_id, Ticket.source, Client.name, Ticket.priority,
            Ticket.status, Ticket.created_at,
        )
        .outerjoin(Client, Client.id == Ticket.client_id)
        .where(Ticket.external_id.ilike(f"%{needle}%"))
        .order_by(Ticket.created_at.desc())
        .limit(limit)
    ).all()  # fmt: skip
    return pd.DataFrame(
        rows, columns=["id", "external_id", "source", "client", "priority", "status", "created_at"]
    )
