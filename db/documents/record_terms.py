"""Recording an extraction's terms on a kept document: term rows (auto-accepted at or above
the setting `review.auto_accept_confidence`), suggestions for absent terms, the client match,
the contract attached, and auto-accepted terms applied when the document has its contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from access.roles import Actor
from db import audit
from db.contracts_repo import ConflictError
from db.documents.apply import accepted_terms, apply_to_contract, document_kind
from db.documents.client_match import customer_name, match_client, party_names
from db.documents.common import PAGE_BREAK, _link_terms, _only_live_contract
from db.documents.settings import auto_accept_threshold
from db.documents.upload_result import UploadResult
from db.models import Client, Contract, ContractDocument, ExtractedTerm, TermSuggestion
from extraction import ContractTerms, Field


def record_terms(
    session: Session,
    actor: Actor,
    doc: ContractDocument,
    result: UploadResult,
    terms: ContractTerms,
) -> None:
    """Store `terms` on `doc` (extraction ok) and fill `result` with what came of them."""
    doc.extraction_status = "ok"
    doc.extraction_error = None
    doc.extraction_warnings = list(terms.warnings) or None
    result.warnings.extend(f"{doc.filename}: {w}" for w in terms.warnings)
    doc.page_count = terms.page_count
    doc.text = PAGE_BREAK.join(terms.pages)
    if terms.document_type is not None:
        doc.doc_type = str(terms.document_type.normalized)[:40]
    threshold, warning = auto_accept_threshold(session=session)
    if warning:
        result.warnings.append(warning)
    found = terms.terms()
    rows = [_term_row(doc.id, f, threshold, terms.location(f)) for f in found.values()]
    session.add_all(rows)
    for name, f in terms.suggestions.items():
        if name not in found:  # a suggestion only stands in for a term that is absent
            session.add(_suggestion_row(doc.id, f, terms.location(f)))
    session.flush()
    for row in rows:
        if row.review_state == "auto_accepted":  # live without review: the audit says why
            audit.record(
                session=session,
                actor=actor,
                entity="extracted_term",
                entity_id=row.id,
                action="auto_accept",
                field=row.field,
                old="pending",
                new=f"auto_accepted: measured confidence {row.confidence:.3f} >= threshold "
                f"{threshold:g} (extraction/patterns/confidence.json)",
            )
    result.terms = terms
    result.customer_name = customer_name(terms)
    if doc.client_id is None and result.customer_name:
        match = match_client(session=session, names=party_names(terms))
        if match is not None:
            doc.client_id, result.client_score = match[0], match[2]
    attach_contract(session, doc, result)
    auto = sum(1 for f in found.values() if f.confidence >= threshold)
    if auto:
        _auto_apply(session, actor, doc, result)
    result.status = "ok"
    result.message = (
        f"{doc.filename}: {terms.extent()}, {len(found)} terms found"
        + (f" ({auto} auto-accepted)" if auto else "")
        + (
            f", {len(terms.suggestions)} suggestion{'s' if len(terms.suggestions) > 1 else ''} "
            "to review"
            if terms.suggestions
            else ""
        )
        + (" after OCR" if terms.ocr_applied else "")
        + "."
        + (
            f" Applied to contract {doc.contract_id}: {'; '.join(result.applied)}."
            if result.applied
            else ""
        )
    )
    audit.record(
        session=session,
        actor=actor,
        entity="document",
        entity_id=doc.id,
        action="extract",
        field="terms",
        new=len(found),
    )


def _auto_apply(
    session: Session, actor: Actor, doc: ContractDocument, result: UploadResult
) -> None:
    """Auto-accepted terms go live without review when the document has its contract.

    Applied like a reviewer's "Apply" (audited, optimistic lock, new SLA policy version), in
    a savepoint, but only the reviewed term rows (not what Apply reads from the pages) and,
    for an amendment, only once its effective date is confirmed:
    terms that would make an invalid contract, or an uploader who may not edit
    contracts, leave everything as it was, and the terms wait on the review page.
    """
    if doc.contract_id is None:
        return
    if not (actor.can("edit_contracts") and actor.can("review_terms")):
        result.warnings.append(
            f"{doc.filename}: auto-accepted terms wait for someone who may edit contracts."
        )
        return
    if document_kind(session=session, document_id=doc.id) == "amendment" and not (
        accepted_terms(session=session, document_id=doc.id).get("effective_date")
    ):
        result.warnings.append(
            f"{doc.filename}: an amendment's terms start on its effective date, which is not "
            "confirmed yet: its auto-accepted terms wait for review."
        )
        return
    contract = session.get(Contract, doc.contract_id)
    try:
        with session.begin_nested():
            applied = apply_to_contract(
                session=session,
                actor=actor,
                document_id=doc.id,
                contract_id=contract.id,
                expected_version=contract.version,
                today=datetime.now(UTC).date(),
                page_terms=False,  # read from the pages, never reviewed: Apply shows them
            )
    except (ValueError, ConflictError) as exc:
        result.warnings.append(
            f"{doc.filename}: auto-accepted terms were not applied ({exc}); review them."
        )
        return
    result.applied = applied.applied or ["no change"]


def attach_contract(session: Session, doc: ContractDocument, result: UploadResult) -> None:
    """Attach to the client's contract when it has exactly one live one; else leave it open."""
    if doc.client_id is not None:
        result.client_id = doc.client_id
        result.client_name = session.get(Client, doc.client_id).name
        if doc.contract_id is None:
            doc.contract_id = _only_live_contract(session, doc.client_id)
    result.contract_id = doc.contract_id
    session.flush()
    if doc.contract_id is not None:
        _link_terms(session, doc.id, doc.contract_id)


def _json_ready(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _field_columns(document_id: int, f: Field, location: str) -> dict[str, Any]:
    """What a stored term and a stored suggestion both keep of an extracted field."""
    return {"document_id": document_id, "field": f.name, "value": f.value,
            "normalized": _json_ready(f.normalized), "confidence": float(f.confidence),
            "page": f.page, "span_start": f.start, "span_end": f.end, "snippet": f.snippet,
            "location": location}  # fmt: skip


def _suggestion_row(document_id: int, f: Field, location: str) -> TermSuggestion:
    return TermSuggestion(**_field_columns(document_id, f, location))


def _term_row(document_id: int, f: Field, threshold: float, location: str) -> ExtractedTerm:
    state = "auto_accepted" if f.confidence >= threshold else "pending"
    return ExtractedTerm(**_field_columns(document_id, f, location), review_state=state)
