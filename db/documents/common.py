"""Lookups the document modules share: a live document, client or contract, term links."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.contracts_repo import NotFound
from db.models import Client, Contract, ContractDocument, ExtractedTerm

PAGE_BREAK = "\f"  # ContractDocument.text = page texts joined by form feeds


def _live_client(session: Session, client_id: int) -> Client | None:
    client = session.get(Client, client_id)
    return client if client is not None and client.deleted_at is None else None


def _only_live_contract(session: Session, client_id: int) -> int | None:
    ids = session.scalars(
        select(Contract.id).where(
            Contract.client_id == client_id,
            Contract.deleted_at.is_(None),
            Contract.status == "active",
        )
    ).all()
    return ids[0] if len(ids) == 1 else None


def _link_terms(session: Session, document_id: int, contract_id: int | None) -> None:
    for term in session.scalars(
        select(ExtractedTerm).where(ExtractedTerm.document_id == document_id)
    ):
        term.contract_id = contract_id


def _document(session: Session, document_id: int) -> ContractDocument:
    doc = session.get(ContractDocument, document_id)
    if doc is None or doc.deleted_at is not None:
        raise NotFound(f"Document {document_id} does not exist.")
    return doc
