"""Clients: create (duplicates refused), list with contract counts, overview of one client."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from contracts.schema import client_name_key
from db import audit
from db.models import Client, Contact, Contract, Site


class DuplicateClient(ValueError):
    pass


def create_client(
    *, session: Session, actor: Actor, name: str, industry: str | None = None
) -> Client:
    require(actor, "edit_contracts")
    clean = " ".join(name.split())
    if not clean:
        raise ValueError("Client name is required.")
    existing = session.scalar(select(Client).where(Client.name_key == client_name_key(clean)))
    if existing is not None:
        raise DuplicateClient(
            f"A client named {existing.name!r} already exists (id {existing.id}); "
            "open it instead of creating a second one."
        )
    client = Client(name=clean, name_key=client_name_key(clean), industry=industry)
    session.add(client)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="client",
        entity_id=client.id,
        action="create",
        field="name",
        new=clean,
    )
    return client


def list_clients(*, session: Session, actor: Actor, text: str = "") -> pd.DataFrame:
    require(actor, "view_contracts")
    counts = (
        select(
            Contract.client_id,
            func.count().label("contracts"),
            func.sum(Contract.value).label("value"),
        )
        .where(Contract.deleted_at.is_(None))
        .group_by(Contract.client_id)
        .subquery()
    )
    q = (
        select(
            Client.id,
            Client.name,
            Client.industry,
            func.coalesce(counts.c.contracts, 0),
            counts.c.value,
        )
        .outerjoin(counts, counts.c.client_id == Client.id)
        .where(Client.deleted_at.is_(None))
        .order_by(Client.name)
    )
    if text.strip():
        q = q.where(Client.name_key.like(f"%{client_name_key(text)}%"))
    return pd.DataFrame(
        session.execute(q).all(), columns=["id", "name", "industry", "contracts", "value"]
    )


def client_overview(*, session: Session, actor: Actor, client_id: int) -> dict:
    require(actor, "view_contracts")
    client = session.get(Client, client_id)
    if client is None or client.deleted_at is not None:
        raise LookupError(f"Client {client_id} does not exist.")
    sites = pd.DataFrame(
        session.execute(
            select(Site.name, Site.address, Site.city, Site.access_instructions).where(
                Site.client_id == client_id
            )
        ).all(),
        columns=["site", "address", "city", "access"],
    )
    contacts = pd.DataFrame(
        session.execute(
            select(
                Contact.name, Contact.title, Contact.email, Contact.phone, Contact.is_escalation
            ).where(Contact.client_id == client_id)
        ).all(),
        columns=["name", "title", "email", "phone", "escalation"],
    )
    return {"client": client, "sites": sites, "contacts": contacts}
