"""Storing uploaded files: kept even when extraction fails, terms extracted, client matched.

Extraction and storage are separate steps so a batch can extract in worker processes and
store in this one (`db.documents.batch.store_many`): `store_extracted` stores a file whose
extraction already ran, `store_upload` = extract in-process + the same storage.

Duplicates are refused by SHA-256 before any extraction work; terms whose confidence is at
or above the setting `review.auto_accept_confidence` start as `auto_accepted`, not `pending`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.contracts_repo import ConflictError, NotFound
from db.documents.apply import accepted_terms, apply_to_contract, document_kind
from db.documents.client_match import customer_name, match_client, party_names
from db.documents.common import (
    PAGE_BREAK,
    _document,
    _link_terms,
    _live_client,
    _only_live_contract,
)
from db.documents.settings import (
    auto_accept_threshold,
    extraction_limits,
    page_limit,
    upload_limit,
)
from db.models import Client, Contract, ContractDocument, ExtractedTerm, TermSuggestion
from extraction import (
    ContractTerms,
    EncryptedPdf,
    ExtractionError,
    Field,
    TooLarge,
    TooManyPages,
)
from extraction.pdf import page_count
from extraction.worker import Limits, extract_isolated

UNEXPECTED_HINT = "The file is kept; report it to an admin."

Outcome = ContractTerms | ExtractionError


@dataclass
class UploadResult:
    """What came of one file. status: ok | failed | duplicate."""

    document_id: int | None
    duplicate_of: int | None
    status: str
    message: str
    terms: ContractTerms | None = None
    filename: str = ""
    error_code: str | None = None  # ExtractionError.code when extraction failed
    customer_name: str | None = None
    client_id: int | None = None  # the client the document is attached to
    client_name: str | None = None
    client_score: float | None = None  # rapidfuzz score of the match, None when given
    contract_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)  # auto-accepted terms put live

    @property
    def needs_password(self) -> bool:
        return self.error_code == EncryptedPdf.code


def find_duplicate(*, session: Session, data: bytes) -> int | None:
    """Id of the stored document with these exact bytes, if any."""
    return _stored_with(session, _sha(data))


def store_upload(
    *,
    session: Session,
    actor: Actor,
    filename: str,
    data: bytes,
    client_id: int | None = None,
    password: str | None = None,
) -> UploadResult:
    """Keep the file, extract its terms, match its client; never raises for bad content.

    Extraction runs in a worker process that the time limits can kill, and only for a file
    that is neither a duplicate nor over the size or page limit; everything after it is
    `store_extracted`'s.
    """
    name = _clean_name(filename)
    return _store(
        session,
        actor,
        filename,
        data,
        client_id,
        lambda limits: _extract(data, password=password, limits=limits, name=name),
    )


def store_extracted(
    *,
    session: Session,
    actor: Actor,
    filename: str,
    data: bytes,
    outcome: ContractTerms | ExtractionError,
    client_id: int | None = None,
    password: str | None = None,  # noqa: ARG001 - store_upload's arguments pass through
) -> UploadResult:
    """Store a file whose extraction already ran (`outcome`: its terms or its error).

    Same checks and rows as `store_upload`: a duplicate is reported and not stored, a file
    over the store's size limit is kept as failed whatever `outcome` says, a failure is kept
    with its message, terms get rows (auto-accepted at the threshold), the client is matched
    and its only live contract attached. The password is never stored.
    """
    return _store(session, actor, filename, data, client_id, lambda _limits: outcome)


def retry_extraction(
    *, session: Session, actor: Actor, document_id: int, password: str | None = None
) -> UploadResult:
    """Extract a stored document again (e.g. with the password of an encrypted PDF)."""
    require(actor, "upload_documents")
    doc = _document(session, document_id)
    if doc.extraction_status == "ok":
        raise ValueError(f"{doc.filename}: its terms were already extracted.")
    max_bytes, warning = upload_limit(session=session)
    result = UploadResult(
        document_id=doc.id,
        duplicate_of=None,
        status="failed",
        message="",
        filename=doc.filename,
        client_id=doc.client_id,
        warnings=[warning] if warning else [],
    )
    max_pages, page_warning = page_limit(session=session)
    if page_warning:
        result.warnings.append(page_warning)
    limits, limit_warnings = extraction_limits(session=session, max_bytes=max_bytes)
    result.warnings.extend(limit_warnings)
    outcome = (
        _too_large(doc.content, max_bytes)
        or _too_many_pages(doc.content, max_pages, password)
        or _extract(doc.content, password=password, limits=limits, name=doc.filename)
    )
    _apply_outcome(session, actor, doc, result, outcome)
    return result


def _store(
    session: Session,
    actor: Actor,
    filename: str,
    data: bytes,
    client_id: int | None,
    outcome_for: Callable[[Limits], Outcome],
) -> UploadResult:
    """The one storing path: duplicate check, size limit, keep the file, apply the outcome.

    `outcome_for(limits)` is called only for a new file within the limits (so a
    duplicate or an oversized file costs no extraction).
    """
    require(actor, "upload_documents")
    filename = _clean_name(filename)
    sha = _sha(data)
    duplicate = _stored_with(session, sha)
    if duplicate is not None:
        existing = session.get(ContractDocument, duplicate)
        return UploadResult(
            document_id=None,
            duplicate_of=duplicate,
            status="duplicate",
            message=(
                f"{filename}: already uploaded as {existing.filename!r} (document {duplicate}); "
                "not stored twice."
            ),
            filename=filename,
            client_id=existing.client_id,
            contract_id=existing.contract_id,
        )
    if client_id is not None and _live_client(session, client_id) is None:
        raise NotFound(f"Client {client_id} does not exist.")
    max_bytes, warning = upload_limit(session=session)
    max_pages, page_warning = page_limit(session=session)
    limits, limit_warnings = extraction_limits(session=session, max_bytes=max_bytes)
    outcome = _too_large(data, max_bytes) or _too_many_pages(data, max_pages) or outcome_for(limits)
    doc = ContractDocument(
        filename=filename,
        sha256=sha,
        size_bytes=len(data),
        content=data,
        uploaded_by_id=actor.user_id,
        client_id=client_id,
    )
    session.add(doc)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="document",
        entity_id=doc.id,
        action="upload",
        field="filename",
        new=filename,
    )
    result = UploadResult(
        document_id=doc.id,
        duplicate_of=None,
        status="failed",
        message="",
        filename=filename,
        client_id=client_id,
        warnings=[w for w in (warning, page_warning, *limit_warnings) if w],
    )
    _apply_outcome(session, actor, doc, result, outcome)
    return result


def _clean_name(filename: str | None) -> str:
    return (filename or "upload.pdf").rsplit("/", 1)[-1][:255]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stored_with(session: Session, sha: str) -> int | None:
    return session.scalar(select(ContractDocument.id).where(ContractDocument.sha256 == sha))


def _too_large(data: bytes, max_bytes: int) -> TooLarge | None:
    """The store's own limit (a setting), checked before any extraction."""
    return TooLarge(len(data), max_bytes) if len(data) > max_bytes else None


def _too_many_pages(
    data: bytes, max_pages: int, password: str | None = None
) -> TooManyPages | None:
    """The store's page cap (setting upload.max_pages), checked before any text or OCR work."""
    pages = page_count(data, password=password or None)
    return TooManyPages(pages, max_pages) if pages is not None and pages > max_pages else None


def _extract(data: bytes, *, password: str | None, limits: Limits, name: str) -> Outcome:
    """Extraction in a killable worker process; every failure, a kill included, comes back
    as an ExtractionError, never raised."""
    try:
        return extract_isolated(data, password=password or None, name=name, limits=limits)
    except Exception as error:  # noqa: BLE001 - one odd file must not stop a batch
        return ExtractionError(f"extraction failed unexpectedly ({type(error).__name__}).")


def _apply_outcome(
    session: Session,
    actor: Actor,
    doc: ContractDocument,
    result: UploadResult,
    outcome: Outcome,
) -> None:
    """Record an extraction outcome on a kept document: its failure, or its terms."""
    if not isinstance(outcome, ContractTerms):
        if not isinstance(outcome, ExtractionError):  # defensive: a caller passed a crash
            outcome = ExtractionError(f"extraction failed unexpectedly ({type(outcome).__name__}).")
        error = _named(outcome, doc.filename)
        message = str(error)
        if error.code == ExtractionError.code and UNEXPECTED_HINT not in message:
            message = f"{message.rstrip('.')}. {UNEXPECTED_HINT}"
        doc.extraction_status = "failed"
        doc.extraction_error = message
        result.status, result.message, result.error_code = "failed", message, error.code
        _attach_contract(session, doc, result)
        return
    terms = outcome
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
    _attach_contract(session, doc, result)
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


def _attach_contract(session: Session, doc: ContractDocument, result: UploadResult) -> None:
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


def _named(error: ExtractionError, name: str) -> ExtractionError:
    """The error with its message about `name` (extract_many says "document 3" for bytes)."""
    if error.name == name:
        return error
    text = str(error.args[0]) if error.args else ""
    if error.name and text.startswith(f"{error.name}: "):
        text = text[len(error.name) + 2 :]
    error.name = name
    error.args = (f"{name}: {text}",) if text else (name,)
    return error


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
