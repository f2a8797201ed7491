"""Storing one uploaded file: kept even when extraction fails, terms extracted, client matched.

Duplicates are refused by SHA-256; terms whose confidence is at or above the setting
`review.auto_accept_confidence` start as `auto_accepted` instead of `pending`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from contracts.schema import client_name_key
from db import audit
from db.contracts_repo import NotFound
from db.documents.common import (
    PAGE_BREAK,
    _document,
    _link_terms,
    _live_client,
    _only_live_contract,
)
from db.documents.settings import auto_accept_threshold, upload_limit
from db.models import Client, ContractDocument, ExtractedTerm
from extraction import ContractTerms, EncryptedPdf, ExtractionError, Field, TooLarge, extract

CLIENT_MATCH_SCORE = 90


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

    @property
    def needs_password(self) -> bool:
        return self.error_code == EncryptedPdf.code


def find_duplicate(*, session: Session, data: bytes) -> int | None:
    """Id of the stored document with these exact bytes, if any."""
    sha = hashlib.sha256(data).hexdigest()
    return session.scalar(select(ContractDocument.id).where(ContractDocument.sha256 == sha))


def store_upload(
    *,
    session: Session,
    actor: Actor,
    filename: str,
    data: bytes,
    client_id: int | None = None,
    password: str | None = None,
) -> UploadResult:
    """Keep the file, extract its terms, match its client; never raises for bad content."""
    require(actor, "upload_documents")
    filename = (filename or "upload.pdf").rsplit("/", 1)[-1][:255]
    duplicate = find_duplicate(session=session, data=data)
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
    warnings = [warning] if warning else []
    doc = ContractDocument(
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
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
        warnings=warnings,
    )
    _extract_into(session, actor, doc, result, password=password, max_bytes=max_bytes)
    return result


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
    _extract_into(session, actor, doc, result, password=password, max_bytes=max_bytes)
    return result


def _extract_into(
    session: Session,
    actor: Actor,
    doc: ContractDocument,
    result: UploadResult,
    *,
    password: str | None,
    max_bytes: int,
) -> None:
    try:
        if len(doc.content) > max_bytes:  # checked here so the limit is the store's setting
            raise TooLarge(len(doc.content), max_bytes, name=doc.filename)
        terms = extract(doc.content, password=password or None, max_bytes=max_bytes)
    except ExtractionError as error:
        if error.name is None:
            error = _named(error, doc.filename)
        doc.extraction_status = "failed"
        doc.extraction_error = str(error)
        result.status, result.message, result.error_code = "failed", str(error), error.code
        _attach_contract(session, doc, result)
        return
    except Exception as error:  # noqa: BLE001 - one odd file must not stop a batch
        doc.extraction_status = "failed"
        doc.extraction_error = (
            f"{doc.filename}: extraction failed unexpectedly ({type(error).__name__}). "
            "The file is kept; report it to an admin."
        )
        result.status, result.message = "failed", doc.extraction_error
        result.error_code = "extraction_error"
        _attach_contract(session, doc, result)
        return
    doc.extraction_status = "ok"
    doc.extraction_error = None
    doc.page_count = terms.page_count
    doc.text = PAGE_BREAK.join(terms.pages)
    if terms.document_type is not None:
        doc.doc_type = str(terms.document_type.normalized)[:40]
    threshold, warning = auto_accept_threshold(session=session)
    if warning:
        result.warnings.append(warning)
    found = terms.terms()
    for f in found.values():
        session.add(_term_row(doc.id, f, threshold))
    result.terms = terms
    result.customer_name = _customer_name(terms)
    if doc.client_id is None and result.customer_name:
        match = match_client(session=session, names=_party_names(terms))
        if match is not None:
            doc.client_id, result.client_score = match[0], match[2]
    _attach_contract(session, doc, result)
    auto = sum(1 for f in found.values() if f.confidence >= threshold)
    result.status = "ok"
    result.message = (
        f"{doc.filename}: {terms.page_count} pages, {len(found)} terms found"
        + (f" ({auto} auto-accepted)" if auto else "")
        + (" after OCR" if terms.ocr_applied else "")
        + "."
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
    error.name = name
    error.args = (f"{name}: {error.args[0]}",) if error.args else (name,)
    return error


def _json_ready(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _term_row(document_id: int, f: Field, threshold: float) -> ExtractedTerm:
    return ExtractedTerm(
        document_id=document_id,
        field=f.name,
        value=f.value,
        normalized=_json_ready(f.normalized),
        confidence=float(f.confidence),
        page=f.page,
        span_start=f.start,
        span_end=f.end,
        snippet=f.snippet,
        review_state="auto_accepted" if f.confidence >= threshold else "pending",
    )


def _customer_name(terms: ContractTerms) -> str | None:
    if terms.customer is not None:
        return str(terms.customer.normalized or terms.customer.value)
    names = _party_names(terms)
    return names[0] if names else None


def _party_names(terms: ContractTerms) -> list[str]:
    """Names to match against clients: the customer first, then other non-provider parties."""
    names = []
    if terms.customer is not None:
        names.append(str(terms.customer.normalized or terms.customer.value))
    provider = str(terms.provider.normalized) if terms.provider is not None else None
    parties = terms.parties.normalized if terms.parties is not None else None
    for p in parties or []:
        if (
            isinstance(p, dict)
            and p.get("name")
            and p.get("name") not in (provider, *names)
            and p.get("role") != "provider"
        ):
            names.append(str(p["name"]))
    return names


def match_client(*, session: Session, names: list[str]) -> tuple[int, str, float] | None:
    """Best client (id, name, score) whose name scores >= 90 (token_set_ratio), or None."""
    clients = session.execute(
        select(Client.id, Client.name).where(Client.deleted_at.is_(None))
    ).all()
    best: tuple[int, str, float] | None = None
    for wanted in names:
        key = client_name_key(wanted)
        for cid, cname in clients:
            score = fuzz.token_set_ratio(key, client_name_key(cname))
            if score >= CLIENT_MATCH_SCORE and (best is None or score > best[2]):
                best = (cid, cname, float(score))
        if best is not None:
            return best
    return None
