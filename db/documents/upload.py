"""Storing uploaded files: kept even when extraction fails, terms extracted, client matched.

Extraction and storage are separate steps so a batch can extract in worker processes and
store in this one (`db.documents.batch.store_many`): `store_extracted` stores a file whose
extraction already ran, `store_upload` = extract in-process + the same storage.

Duplicates are refused by SHA-256 before any extraction work; terms whose confidence is at
or above the setting `review.auto_accept_confidence` start as `auto_accepted`, not `pending`
(db/documents/record_terms.py stores the terms; upload_result.py is what a caller gets back).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.contracts_repo import NotFound
from db.documents.common import (
    _document,
    _live_client,
)
from db.documents.record_terms import attach_contract, record_terms
from db.documents.settings import (
    extraction_limits,
    page_limit,
    upload_limit,
)
from db.documents.upload_result import UNEXPECTED_HINT, Outcome, UploadResult
from db.models import ContractDocument
from extraction import (
    ContractTerms,
    ExtractionError,
    TooLarge,
    TooManyPages,
)
from extraction.pdf import page_count
from extraction.worker import Limits, extract_isolated


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
        attach_contract(session, doc, result)
        return
    record_terms(session, actor, doc, result, outcome)


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
