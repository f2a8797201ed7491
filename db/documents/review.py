"""Reviewing extracted terms: the queue, a document's terms, accept/correct/reject, its contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.base import utcnow
from db.contracts_repo import NotFound, get_contract
from db.documents.common import _document, _link_terms
from db.documents.term_values import correction_text, current_value
from db.documents.values import editable_value, parse_correction
from db.models import Client, Contract, ContractDocument, ExtractedTerm, TermSuggestion

SOURCE_KINDS = {"pdf": "PDF", "docx": "Word (DOCX) document", "text": "text document"}


def source_kind(content: bytes) -> str:
    """pdf | docx | text: what kind of file a stored document is, from its bytes."""
    if b"%PDF-" in content[:1024]:
        return "pdf"
    return "docx" if content.startswith(b"PK\x03\x04") else "text"


def review_queue(*, session: Session, actor: Actor) -> pd.DataFrame:
    """Documents to review, those with pending terms first, newest first within each group."""
    require(actor, "review_terms")
    pending = func.sum(case((ExtractedTerm.review_state == "pending", 1), else_=0))
    counts = (
        select(
            ExtractedTerm.document_id,
            func.count().label("terms"),
            pending.label("pending"),
        )
        .group_by(ExtractedTerm.document_id)
        .subquery()
    )
    rows = session.execute(
        select(
            ContractDocument.id,
            ContractDocument.filename,
            Client.name,
            Contract.reference,
            ContractDocument.extraction_status,
            func.coalesce(counts.c.pending, 0),
            func.coalesce(counts.c.terms, 0),
            ContractDocument.uploaded_at,
        )
        .outerjoin(counts, counts.c.document_id == ContractDocument.id)
        .outerjoin(Client, Client.id == ContractDocument.client_id)
        .outerjoin(Contract, Contract.id == ContractDocument.contract_id)
        .where(ContractDocument.deleted_at.is_(None))
        .order_by(
            (func.coalesce(counts.c.pending, 0) > 0).desc(),
            ContractDocument.uploaded_at.desc(),
            ContractDocument.id.desc(),
        )
    ).all()
    return pd.DataFrame(
        rows,
        columns=["id", "file", "client", "contract", "extraction", "pending", "terms", "uploaded"],
    )


@dataclass
class DocumentReview:
    """One document as the review page shows it."""

    document_id: int
    filename: str
    status: str
    error: str | None
    page_count: int | None
    client_id: int | None
    client_name: str | None
    contract_id: int | None
    contract_version: int | None
    contracts: dict[int, str]  # contracts the terms may be applied to
    terms: pd.DataFrame  # id, field, value, normalized, confidence, page, state, corrected,
    # location, current (the value in force: the correction, else the extraction's)
    source: str = "pdf"  # pdf | docx | text (a DOCX or text file has no page image)
    warnings: list[str] | None = None  # about the text: scanned pages, tracked changes, ...
    suggestions: pd.DataFrame | None = None  # id, field, value, confidence, location, snippet


def document_review(*, session: Session, actor: Actor, document_id: int) -> DocumentReview:
    require(actor, "review_terms")
    from extraction import TERM_FIELDS

    doc = _document(session, document_id)
    order = {name: i for i, name in enumerate(TERM_FIELDS)}
    terms = sorted(
        session.scalars(select(ExtractedTerm).where(ExtractedTerm.document_id == doc.id)),
        key=lambda t: (order.get(t.field, len(order)), t.id),
    )
    frame = pd.DataFrame(
        [
            (
                t.id,
                t.field,
                t.value,
                editable_value(t.field, t.normalized),
                round(t.confidence, 2),
                t.page,
                t.review_state,
                t.corrected_value or "",
                t.location or (f"page {t.page}" if t.page else ""),
                current_value(t.field, t.normalized, t.corrected_value),
            )
            for t in terms
        ],
        columns=[
            "id",
            "field",
            "value",
            "normalized",
            "confidence",
            "page",
            "state",
            "corrected",
            "location",
            "current",
        ],
    )
    suggestions = pd.DataFrame(
        [
            (s.id, s.field, s.value, round(s.confidence, 2), s.location or "", s.snippet or "")
            for s in session.scalars(
                select(TermSuggestion)
                .where(
                    TermSuggestion.document_id == doc.id, TermSuggestion.picked_term_id.is_(None)
                )
                .order_by(TermSuggestion.id)
            )
        ],
        columns=["id", "field", "value", "confidence", "location", "snippet"],
    )
    q = (
        select(Contract.id, Contract.reference, Client.name, Contract.status)
        .join(Client, Client.id == Contract.client_id)
        .where(Contract.deleted_at.is_(None))
        .order_by(Contract.reference)
    )
    if doc.client_id is not None:
        q = q.where(Contract.client_id == doc.client_id)
    contracts = {r[0]: f"{r[1]} · {r[2]} ({r[3]})" for r in session.execute(q).all()}
    contract = session.get(Contract, doc.contract_id) if doc.contract_id else None
    client = session.get(Client, doc.client_id) if doc.client_id else None
    return DocumentReview(
        document_id=doc.id,
        filename=doc.filename,
        status=doc.extraction_status,
        error=doc.extraction_error,
        page_count=doc.page_count,
        client_id=doc.client_id,
        client_name=client.name if client else None,
        contract_id=doc.contract_id,
        contract_version=contract.version if contract else None,
        contracts=contracts,
        terms=frame,
        source=source_kind(doc.content),
        warnings=list(doc.extraction_warnings or []),
        suggestions=suggestions,
    )


def review_term(
    *,
    session: Session,
    actor: Actor,
    term_id: int,
    action: str,
    corrected_value: str | None = None,
) -> ExtractedTerm:
    """Accept, correct (with a new value) or reject one extracted term; audited."""
    require(actor, "review_terms")
    term = session.get(ExtractedTerm, term_id)
    if term is None:
        raise NotFound(f"Extracted term {term_id} does not exist.")
    states = {"accept": "accepted", "correct": "corrected", "reject": "rejected"}
    if action not in states:
        raise ValueError("action must be accept, correct or reject")
    old_state, old_value = term.review_state, term.corrected_value
    if action == "correct":
        parse_correction(term.field, corrected_value or "")
        term.corrected_value = (corrected_value or "").strip()
    term.review_state = states[action]
    term.reviewed_by_id = actor.user_id
    term.reviewed_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="extracted_term",
        entity_id=term.id,
        action=action,
        field=term.field,
        old=old_value if action == "correct" and old_value else old_state,
        new=term.corrected_value if action == "correct" else term.review_state,
    )
    return term


def correct_term(*, session: Session, actor: Actor, term_id: int, value: Any) -> ExtractedTerm:
    """Store a typed editor's checked value (db/documents/term_values.py) as the term's
    correction, or accept the term when the value is the one already in force; audited."""
    require(actor, "review_terms")
    term = session.get(ExtractedTerm, term_id)
    if term is None:
        raise NotFound(f"Extracted term {term_id} does not exist.")
    if value == current_value(term.field, term.normalized, term.corrected_value):
        action = "correct" if term.review_state == "corrected" else "accept"
        text = term.corrected_value if action == "correct" else None
    else:
        action, text = "correct", correction_text(term.field, value)
    return review_term(
        session=session, actor=actor, term_id=term_id, action=action, corrected_value=text
    )


def accept_pending(
    *, session: Session, actor: Actor, document_id: int, min_confidence: float | None = None
) -> int:
    """Accept every pending term of the document ("accept all"), or only those whose
    confidence is at least ``min_confidence`` ("accept all above N%"); each one audited as
    an accept by ``actor``. Returns how many were accepted."""
    require(actor, "review_terms")
    q = select(ExtractedTerm.id).where(
        ExtractedTerm.document_id == document_id, ExtractedTerm.review_state == "pending"
    )
    if min_confidence is not None:
        q = q.where(ExtractedTerm.confidence >= min_confidence)
    ids = list(session.scalars(q.order_by(ExtractedTerm.id)))
    for term_id in ids:
        review_term(session=session, actor=actor, term_id=term_id, action="accept")
    return len(ids)


def set_document_contract(
    *, session: Session, actor: Actor, document_id: int, contract_id: int | None
) -> None:
    """Link the document (and its terms) to a contract the reviewer picked; audited."""
    require(actor, "review_terms")
    doc = _document(session, document_id)
    if contract_id is not None:
        contract = get_contract(session=session, contract_id=contract_id)
        if doc.client_id is not None and contract.client_id != doc.client_id:
            raise ValueError(f"{contract.reference} belongs to another client than this document.")
        if doc.client_id is None:
            doc.client_id = contract.client_id
    if doc.contract_id == contract_id:
        return
    old, doc.contract_id = doc.contract_id, contract_id
    session.flush()
    _link_terms(session, doc.id, contract_id)
    audit.record(
        session=session,
        actor=actor,
        entity="document",
        entity_id=doc.id,
        action="update",
        field="contract_id",
        old=old,
        new=contract_id,
    )


def pick_suggestion(*, session: Session, actor: Actor, suggestion_id: int) -> ExtractedTerm:
    """The reviewer takes a suggestion as the term's value: it becomes an accepted
    ExtractedTerm (audited), the only way a suggestion ever reaches a contract."""
    require(actor, "review_terms")
    suggestion = session.get(TermSuggestion, suggestion_id)
    if suggestion is None:
        raise NotFound(f"Suggestion {suggestion_id} does not exist.")
    doc = _document(session, suggestion.document_id)
    if suggestion.picked_term_id is not None:
        raise ValueError("This suggestion was already taken as the value.")
    taken = session.scalar(
        select(ExtractedTerm.id).where(
            ExtractedTerm.document_id == doc.id, ExtractedTerm.field == suggestion.field
        )
    )
    if taken is not None:
        raise ValueError(
            f"The document already has a {suggestion.field.replace('_', ' ')} value; "
            "correct that value instead."
        )
    term = ExtractedTerm(
        document_id=doc.id,
        contract_id=doc.contract_id,
        field=suggestion.field,
        value=suggestion.value,
        normalized=suggestion.normalized,
        confidence=suggestion.confidence,
        page=suggestion.page,
        span_start=suggestion.span_start,
        span_end=suggestion.span_end,
        snippet=suggestion.snippet,
        location=suggestion.location,
        review_state="accepted",
        reviewed_by_id=actor.user_id,
        reviewed_at=utcnow(),
    )
    session.add(term)
    session.flush()
    suggestion.picked_term_id = term.id
    audit.record(
        session=session,
        actor=actor,
        entity="extracted_term",
        entity_id=term.id,
        action="pick_suggestion",
        field=term.field,
        old=None,
        new=term.value,
    )
    return term
