"""Contract documents: store uploads (kept even when extraction fails), review extracted terms,
apply the accepted ones to a contract.

Flow: `expand_uploads` (PDFs and ZIPs -> files) -> `store_upload` per file (duplicate check by
SHA-256, size limit, `extraction.extract`, client match) -> `review_term` per field ->
`apply_to_contract` (through `db.contracts_repo.update_contract`: optimistic lock, audit).
Nothing reaches a contract before a reviewer applies it; terms whose confidence is at or above
the setting `review.auto_accept_confidence` start as `auto_accepted` instead of `pending`.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
from rapidfuzz import fuzz
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from contracts.schema import ContractInput, client_name_key
from db import audit
from db.base import utcnow
from db.clients_repo import create_client
from db.contracts_repo import NotFound, get_contract, set_services, update_contract
from db.models import (
    Calendar,
    Client,
    Contract,
    ContractDocument,
    ExtractedTerm,
    Setting,
    SlaPolicy,
)
from extraction import ContractTerms, EncryptedPdf, ExtractionError, Field, TooLarge, extract

MAX_MB_KEY = "upload.max_mb"
AUTO_ACCEPT_KEY = "review.auto_accept_confidence"
DEFAULT_MAX_MB = 50.0
DEFAULT_AUTO_ACCEPT = 0.95
CLIENT_MATCH_SCORE = 90
ZIP_MAX_ENTRIES = 500
ZIP_MAX_RATIO = 10  # total uncompressed size of a ZIP <= 10x the per-file limit
PAGE_BREAK = "\f"  # ContractDocument.text = page texts joined by form feeds
LIVE_STATES = ("accepted", "corrected", "auto_accepted")


# --- settings -----------------------------------------------------------------------------


def _number_setting(
    session: Session, key: str, default: float, *, low: float, high: float
) -> tuple[float, str | None]:
    row = session.get(Setting, key)
    if row is None or row.value is None:
        return default, None
    raw = row.value
    try:
        value = float(raw) if not isinstance(raw, bool) else float("nan")
    except (TypeError, ValueError):
        value = float("nan")
    if not low <= value <= high:  # also refuses NaN
        return default, (
            f"Setting {key} is malformed ({raw!r}: expected a number from {low:g} to {high:g}); "
            f"the default {default:g} is used."
        )
    return value, None


def upload_limit(*, session: Session) -> tuple[int, str | None]:
    """Per-file size limit in bytes (setting upload.max_mb, default 50) and any warning."""
    mb, warning = _number_setting(session, MAX_MB_KEY, DEFAULT_MAX_MB, low=0.001, high=10_000)
    return int(mb * 1_000_000), warning


def auto_accept_threshold(*, session: Session) -> tuple[float, str | None]:
    """Confidence at or above which a term is auto-accepted (setting, default 0.95)."""
    return _number_setting(session, AUTO_ACCEPT_KEY, DEFAULT_AUTO_ACCEPT, low=0.0, high=1.0)


# --- ZIP expansion ------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadFile:
    """One file to store (from the uploader or a ZIP), or why it could not be read."""

    name: str
    data: bytes
    source: str  # the uploaded file's name (the ZIP's for its entries)
    error: str | None = None


def expand_uploads(files: list[tuple[str, bytes]], *, max_bytes: int) -> list[UploadFile]:
    """PDFs pass through; ZIP archives become their entries (folders skipped, bombs refused)."""
    out: list[UploadFile] = []
    for name, data in files:
        if not (name.lower().endswith(".zip") and zipfile.is_zipfile(io.BytesIO(data))):
            out.append(UploadFile(name, data, name))
            continue
        out.extend(_zip_entries(name, data, max_bytes))
    return out


def _zip_entries(name: str, data: bytes, max_bytes: int) -> list[UploadFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and not i.filename.startswith("__MACOSX/")
            and not i.filename.rsplit("/", 1)[-1].startswith(".")
        ]
    except (zipfile.BadZipFile, OSError) as exc:
        return [UploadFile(name, b"", name, f"{name}: the ZIP archive is damaged ({exc}).")]
    total = sum(i.file_size for i in entries)
    if len(entries) > ZIP_MAX_ENTRIES:
        return [
            UploadFile(
                name,
                b"",
                name,
                f"{name}: the ZIP holds {len(entries)} files, more than {ZIP_MAX_ENTRIES}. "
                "Split it into smaller archives.",
            )
        ]
    if total > ZIP_MAX_RATIO * max_bytes:
        return [
            UploadFile(
                name,
                b"",
                name,
                f"{name}: the ZIP unpacks to {total / 1e6:.0f} MB, above "
                f"{ZIP_MAX_RATIO * max_bytes / 1e6:.0f} MB; it was not opened. "
                "Upload the PDFs directly or in smaller archives.",
            )
        ]
    out = []
    for info in entries:
        short = info.filename.rsplit("/", 1)[-1][:255]
        try:
            # read() checks the CRC; the sizes were bounded above, so this cannot balloon.
            out.append(UploadFile(short, archive.read(info), name))
        except (zipfile.BadZipFile, RuntimeError, OSError, NotImplementedError) as exc:
            out.append(
                UploadFile(short, b"", name, f"{short} (in {name}): cannot be unpacked ({exc}).")
            )
    return out


# --- storing an upload --------------------------------------------------------------------


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


# --- review ---------------------------------------------------------------------------------

DATE_FIELDS = ("agreement_date", "effective_date", "expiration_date")
DURATION_FIELDS = ("initial_term", "renewal_term", "notice_period", "warranty_duration")
TEXT_FIELDS = ("provider", "customer", "governing_law", "document_type")
LIST_FIELDS = ("included_services", "excluded_services", "certifications")
_UNITS = {"minute": 1, "hour": 60, "day": 1440, "week": 7 * 1440}
_DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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
    terms: pd.DataFrame  # id, field, value, normalized, confidence, page, state, corrected


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
            )
            for t in terms
        ],
        columns=["id", "field", "value", "normalized", "confidence", "page", "state", "corrected"],
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
    )


def editable_value(field_name: str, normalized: Any) -> str:
    """The normalized value as the text a reviewer edits (and `parse_correction` reads back)."""
    if normalized is None:
        return ""
    if field_name in DURATION_FIELDS and isinstance(normalized, dict) and "n" in normalized:
        return f"{normalized['n']} {normalized.get('unit', 'day')}"
    if field_name == "auto_renewal":
        return "yes" if normalized else "no"
    if field_name in LIST_FIELDS and isinstance(normalized, list):
        return "; ".join(str(v) for v in normalized)
    if field_name == "coverage_hours" and isinstance(normalized, dict):
        return coverage_spec(normalized) or json.dumps(normalized)
    if isinstance(normalized, str):
        return normalized
    return json.dumps(normalized, ensure_ascii=False)


def parse_correction(field_name: str, text: str) -> Any:
    """A reviewer's corrected text as a normalized value; ValueError says how to write it."""
    raw = text.strip()
    if not raw:
        raise ValueError("The corrected value is empty: type the right value, or reject the term.")
    if field_name in DATE_FIELDS:
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            from dateutil import parser

            try:
                return parser.parse(raw, dayfirst=False).date().isoformat()
            except (ValueError, OverflowError) as exc:
                raise ValueError(f"{raw!r} is not a date: write it as 2026-09-01.") from exc
    if field_name in DURATION_FIELDS:
        m = re.fullmatch(r"(\d+)\s*(day|week|month|year)s?", raw, re.IGNORECASE)
        if not m:
            raise ValueError(f"{raw!r} is not a duration: write it as '12 month' or '60 day'.")
        return {"n": int(m.group(1)), "unit": m.group(2).lower()}
    if field_name == "auto_renewal":
        if raw.lower() in ("yes", "true", "y", "1"):
            return True
        if raw.lower() in ("no", "false", "n", "0"):
            return False
        raise ValueError("Auto-renewal is 'yes' or 'no'.")
    if field_name in TEXT_FIELDS:
        return raw
    if field_name in LIST_FIELDS:
        return [p.strip() for p in re.split(r"[;\n]", raw) if p.strip()]
    if field_name == "coverage_hours" and not raw.startswith("{"):
        from sla.coverage_spec import parse_spec

        parse_spec(raw)  # ValueError explains the accepted forms
        return {"spec": raw}
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"The corrected {field_name.replace('_', ' ')} must keep the JSON form shown "
            f"(problem at character {exc.pos + 1}: {exc.msg})."
        ) from exc


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


# --- preview --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermPreview:
    """The page image with the term's snippet boxed, and the page text around it."""

    page: int
    image: bytes | None  # PNG; None when the page cannot be rendered (e.g. encrypted)
    boxes: int  # rectangles drawn; 0 = not located on the image
    before: str
    match: str
    after: str


def term_preview(
    *, session: Session, actor: Actor, term_id: int, scale: float = 1.4
) -> TermPreview:
    require(actor, "review_terms")
    term = session.get(ExtractedTerm, term_id)
    if term is None:
        raise NotFound(f"Extracted term {term_id} does not exist.")
    doc = _document(session, term.document_id)
    page = term.page or 1
    pages = (doc.text or "").split(PAGE_BREAK)
    text = pages[page - 1] if 0 < page <= len(pages) else ""
    start, end = _span(text, term)
    before, match, after = text[max(0, start - 300) : start], text[start:end], text[end : end + 300]
    image, boxes = None, 0
    try:
        from documents.preview import render_page

        png = render_page(doc.content, page, scale=scale)
        rects = snippet_boxes(doc.content, page, term.snippet or term.value)
        image, boxes = (_draw(png, rects, scale), len(rects)) if rects else (png, 0)
    except Exception:  # noqa: BLE001, S110 - an unrenderable page falls back to the text panel
        image, boxes = None, 0
    return TermPreview(page, image, boxes, before, match, after)


def _span(text: str, term: ExtractedTerm) -> tuple[int, int]:
    snippet = (term.snippet or "").strip()
    if snippet:
        at = text.find(snippet)
        if at >= 0:
            return at, at + len(snippet)
    s, e = term.span_start, term.span_end
    if s is not None and e is not None and 0 <= s < e <= len(text):
        return s, e
    return 0, 0


def _tokens(text: str) -> list[str]:
    return [t for t in (re.sub(r"\W+", "", w).lower() for w in text.split()) if t]


def snippet_boxes(pdf: bytes, page: int, snippet: str) -> list[tuple[float, float, float, float]]:
    """Rectangles (x0, top, x1, bottom, PDF points) of the snippet's words, one per line."""
    import pdfplumber

    wanted = _tokens(snippet)
    if not wanted:
        return []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        words = document.pages[page - 1].extract_words()
    kept = [(w, t) for w in words if (t := re.sub(r"\W+", "", w["text"]).lower())]
    have = [t for _, t in kept]
    matcher = difflib.SequenceMatcher(None, have, wanted, autojunk=False)
    best = max(matcher.get_matching_blocks(), key=lambda b: b.size)
    if best.size < min(3, len(wanted)):
        return []
    first = max(0, best.a - best.b)
    chosen = [w for w, _ in kept[first : first + len(wanted)]]
    lines: dict[int, list[float]] = {}
    for w in chosen:
        key = round(w["top"])
        box = lines.setdefault(key, [w["x0"], w["top"], w["x1"], w["bottom"]])
        box[0], box[2] = min(box[0], w["x0"]), max(box[2], w["x1"])
        box[1], box[3] = min(box[1], w["top"]), max(box[3], w["bottom"])
    return [tuple(b) for b in lines.values()]


def _draw(png: bytes, rects: list[tuple[float, float, float, float]], scale: float) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.open(io.BytesIO(png)).convert("RGB")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(overlay)
    for x0, top, x1, bottom in rects:
        box = (x0 * scale - 2, top * scale - 2, x1 * scale + 2, bottom * scale + 2)
        pen.rectangle(box, fill=(255, 221, 0, 70), outline=(214, 40, 40, 255), width=2)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- apply to contract ----------------------------------------------------------------------


@dataclass
class ApplyResult:
    contract_id: int
    applied: list[str] = field(default_factory=list)  # "field: old -> new" lines
    skipped: list[str] = field(default_factory=list)  # terms that could not be mapped, and why
    policy_id: int | None = None


def coverage_spec(normalized: dict[str, Any]) -> str | None:
    """Coverage hours as a calendar spec ('24x7', 'Mon-Fri 08:00-17:00'), None if unclear."""
    if normalized.get("spec"):
        return str(normalized["spec"])
    if normalized.get("label") == "24x7":
        return "24x7"
    days, start, end = normalized.get("days"), normalized.get("start"), normalized.get("end")
    if not days or not start or not end:
        return normalized.get("label")
    idx = sorted(_DAY_CODES.index(d) for d in days if d in _DAY_CODES)
    names = [d.capitalize() for d in _DAY_CODES]
    if idx and idx == list(range(idx[0], idx[-1] + 1)) and len(idx) > 1:
        day_text = f"{names[idx[0]]}-{names[idx[-1]]}"
    else:
        day_text = ", ".join(names[i] for i in idx)
    return f"{day_text} {start}-{end}"


def _minutes(d: Any) -> int | None:
    if isinstance(d, dict) and d.get("unit") in _UNITS and isinstance(d.get("n"), int | float):
        return int(d["n"] * _UNITS[d["unit"]])
    return None


def _months(d: Any) -> int | None:
    if isinstance(d, dict) and isinstance(d.get("n"), int):
        return {"month": d["n"], "year": 12 * d["n"]}.get(d.get("unit"))
    return None


def _days(d: Any) -> int | None:
    if isinstance(d, dict) and isinstance(d.get("n"), int):
        return {"day": 1, "week": 7, "month": 30, "year": 365}.get(d.get("unit"), 0) * d[
            "n"
        ] or None
    return None


def _money(v: Any) -> Decimal | None:
    try:
        return Decimal(str(v)) if v is not None else None
    except InvalidOperation:
        return None


def accepted_terms(*, session: Session, document_id: int) -> dict[str, Any]:
    """Normalized values of the document's live terms (accepted, corrected, auto-accepted)."""
    out: dict[str, Any] = {}
    for t in session.scalars(
        select(ExtractedTerm)
        .where(ExtractedTerm.document_id == document_id)
        .where(ExtractedTerm.review_state.in_(LIVE_STATES))
        .order_by(ExtractedTerm.id)
    ):
        out[t.field] = (
            parse_correction(t.field, t.corrected_value)
            if t.review_state == "corrected" and t.corrected_value
            else t.normalized
        )
    return out


def apply_to_contract(
    *,
    session: Session,
    actor: Actor,
    document_id: int,
    contract_id: int,
    expected_version: int,
    today: date,
) -> ApplyResult:
    """Write the document's accepted terms onto the contract (one audited, locked update).

    Dates, renewal, notice, value, fees and rates go through `update_contract`; services
    replace the contract's lists; SLA targets become a new SLA policy version from `today`;
    coverage hours select the existing calendar with the same weekly hours. Raises ValueError
    (nothing written) when the result would not be a valid contract.
    """
    require(actor, "review_terms")
    require(actor, "edit_contracts")
    from pydantic import ValidationError

    from contracts.schema import friendly_errors

    contract = get_contract(session=session, contract_id=contract_id)
    terms = accepted_terms(session=session, document_id=document_id)
    result = ApplyResult(contract_id=contract_id)
    if not terms:
        raise ValueError("No accepted terms to apply: accept or correct some terms first.")
    current = {name: getattr(contract, name) for name in ContractInput.model_fields}
    data = dict(current)
    _map_terms(session, contract, terms, data, result)
    try:
        new = ContractInput(**data)
    except ValidationError as exc:
        raise ValueError(
            "The accepted terms would make an invalid contract: " + "; ".join(friendly_errors(exc))
        ) from exc
    for name, value in new.model_dump().items():
        if current[name] != value:
            result.applied.append(f"{name.replace('_', ' ')}: {current[name]} → {value}")
    update_contract(
        session=session,
        actor=actor,
        contract_id=contract_id,
        expected_version=expected_version,
        data=new,
    )
    for kind in ("included", "excluded"):
        names = terms.get(f"{kind}_services")
        if isinstance(names, list) and names:
            set_services(
                session=session,
                actor=actor,
                contract_id=contract_id,
                kind=kind,
                names=[str(n) for n in names],
            )
            result.applied.append(f"{kind} services: {len(names)}")
    targets = terms.get("sla_targets")
    if isinstance(targets, dict) and targets:
        _apply_sla(session, actor, contract, targets, today, result)
    set_document_contract(
        session=session, actor=actor, document_id=document_id, contract_id=contract_id
    )
    audit.record(
        session=session,
        actor=actor,
        entity="contract",
        entity_id=contract_id,
        action="apply_terms",
        field=f"document {document_id}",
        new="; ".join(result.applied) or "no change",
    )
    return result


def _map_terms(
    session: Session,
    contract: Contract,
    terms: dict[str, Any],
    data: dict[str, Any],
    result: ApplyResult,
) -> None:
    if terms.get("expiration_date"):
        data["end_date"] = date.fromisoformat(str(terms["expiration_date"]))
    if (months := _months(terms.get("initial_term"))) is not None:
        data["term_months"] = months
    if isinstance(terms.get("auto_renewal"), bool):
        data["auto_renew"] = terms["auto_renewal"]
    if "renewal_term" in terms:
        months = _months(terms["renewal_term"])
        if months is None:
            result.skipped.append("renewal term: not in months or years")
        else:
            data["renewal_term_months"] = months
    if (days := _days(terms.get("notice_period"))) is not None:
        data["notice_days"] = days
    value = terms.get("contract_value")
    if isinstance(value, dict) and _money(value.get("amount")) is not None:
        data["value"] = _money(value["amount"])
        data["currency"] = value.get("currency") or data["currency"]
    fees = terms.get("recurring_fees")
    if isinstance(fees, list) and fees and isinstance(fees[0], dict):
        fee = fees[0]
        if _money(fee.get("amount")) is not None:
            data["recurring_fee"] = _money(fee["amount"])
            cycle = {"month": "monthly", "quarter": "quarterly", "year": "annual"}
            data["billing_cycle"] = cycle.get(fee.get("period"), data["billing_cycle"])
            if not isinstance(value, dict) and fee.get("currency"):
                data["currency"] = fee["currency"]
            if fee.get("included_hours") is not None:
                data["included_hours"] = _money(fee["included_hours"])
    rates = terms.get("hourly_rates")
    if isinstance(rates, list) and rates:
        _map_rates([r for r in rates if isinstance(r, dict)], data, result)
    coverage = terms.get("coverage_hours")
    if isinstance(coverage, dict):
        calendar_id, why = _matching_calendar(session, contract, coverage)
        if calendar_id is None:
            result.skipped.append(f"coverage hours: {why}")
        else:
            data["calendar_id"] = calendar_id


def _map_rates(rates: list[dict], data: dict[str, Any], result: ApplyResult) -> None:
    standard = [r for r in rates if r.get("kind") == "standard" and _money(r.get("rate"))]
    after = [r for r in rates if r.get("kind") == "after_hours" and _money(r.get("rate"))]
    base = next((r for r in standard if not r.get("role")), standard[0] if standard else None)
    if base is not None:
        data["hourly_rate"] = _money(base["rate"])
    roles = {str(r["role"]): str(_money(r["rate"])) for r in standard if r.get("role")}
    if roles:
        data["role_rates"] = roles
    if after:
        pair = next((r for r in after if base and r.get("role") == base.get("role")), after[0])
        reference = _money(base["rate"]) if base else data.get("hourly_rate")
        if reference:
            data["after_hours_multiplier"] = (_money(pair["rate"]) / reference).quantize(
                Decimal("0.0001")
            )
        else:
            result.skipped.append("after-hours rate: no standard rate to compare with")


def _matching_calendar(
    session: Session, contract: Contract, coverage: dict[str, Any]
) -> tuple[int | None, str]:
    from sla.coverage_spec import parse_spec

    spec = coverage_spec(coverage)
    try:
        wanted = parse_spec(spec or "")
    except ValueError:
        return None, f"cannot read {spec!r} as coverage hours"
    matches = []
    for cal in session.scalars(select(Calendar).order_by(Calendar.id)):
        try:
            if parse_spec(cal.spec) == wanted:
                matches.append(cal)
        except ValueError:
            continue
    if not matches:
        return None, f"no calendar has the hours {spec!r}; create one, then apply again"
    if any(c.id == contract.calendar_id for c in matches):
        return contract.calendar_id, ""
    if len(matches) == 1:
        return matches[0].id, ""
    same_zone = [c for c in matches if c.timezone == contract.timezone]
    if len(same_zone) == 1:
        return same_zone[0].id, ""
    names = ", ".join(c.name for c in matches)
    return None, f"several calendars have the hours {spec!r} ({names}); pick one on the contract"


def _apply_sla(
    session: Session,
    actor: Actor,
    contract: Contract,
    targets: dict[str, Any],
    today: date,
    result: ApplyResult,
) -> None:
    from db.sla_repo import save_policy_version

    rows = []
    for priority, pair in sorted(targets.items()):
        if not isinstance(pair, dict):
            continue
        response, resolution = _minutes(pair.get("response")), _minutes(pair.get("resolution"))
        if response is None or resolution is None:
            result.skipped.append(f"SLA {priority}: needs both a response and a resolution target")
            continue
        rows.append(
            {
                "priority": str(priority).upper(),
                "service_type": "*",
                "response_minutes": response,
                "resolution_minutes": resolution,
                "calendar": "contract",
            }
        )
    if not rows:
        return
    previous = session.scalar(
        select(SlaPolicy)
        .where(SlaPolicy.contract_id == contract.id)
        .order_by(SlaPolicy.effective_from.desc(), SlaPolicy.id.desc())
        .limit(1)
    )
    share = float(previous.warning_share) if previous is not None else 0.75
    policy = save_policy_version(
        session=session,
        actor=actor,
        contract_id=contract.id,
        effective_from=today,
        rows=rows,
        warning_share=share,
    )
    result.policy_id = policy.id
    result.applied.append(
        "SLA policy from "
        + today.isoformat()
        + ": "
        + ", ".join(
            f"{r['priority']} {r['response_minutes']}/{r['resolution_minutes']} min" for r in rows
        )
    )
