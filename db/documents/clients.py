"""Confirming which client an uploaded document belongs to, or creating that client."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.clients_repo import create_client
from db.contracts_repo import NotFound
from db.documents.common import _document, _link_terms, _live_client, _only_live_contract
from db.documents.upload import UploadResult
from db.models import Client


def assign_client(
    *,
    session: Session,
    actor: Actor,
    document_id: int,
    client_id: int | None = None,
    new_client_name: str | None = None,
) -> UploadResult:
    """Confirm the document's client, or create the client from the party name (audited)."""
    require(actor, "upload_documents")
    doc = _document(session, document_id)
    if new_client_name:
        client = create_client(session=session, actor=actor, name=new_client_name)
    elif client_id is not None:
        client = _live_client(session, client_id)
        if client is None:
            raise NotFound(f"Client {client_id} does not exist.")
    else:
        raise ValueError("Choose a client or give the name of a new one.")
    old = doc.client_id
    doc.client_id = client.id
    if old != client.id:
        doc.contract_id = _only_live_contract(session, client.id)
        session.flush()
        _link_terms(session, doc.id, doc.contract_id)
        audit.record(
            session=session,
            actor=actor,
            entity="document",
            entity_id=doc.id,
            action="update",
            field="client_id",
            old=old,
            new=client.id,
        )
    return UploadResult(
        document_id=doc.id,
        duplicate_of=None,
        status=doc.extraction_status,
        message=f"{doc.filename}: attached to {client.name}.",
        filename=doc.filename,
        client_id=client.id,
        client_name=client.name,
        contract_id=doc.contract_id,
    )


def client_options(*, session: Session, actor: Actor) -> dict[int, str]:
    """Live clients by id, for the client select of each uploaded file."""
    require(actor, "upload_documents")
    return dict(
        session.execute(
            select(Client.id, Client.name).where(Client.deleted_at.is_(None)).order_by(Client.name)
        ).all()
    )
