"""extract(): one PDF in, ContractTerms out (text, tables, every term with provenance)."""

from __future__ import annotations

from pathlib import Path

from extraction.confidence import calibrate_fields
from extraction.content import Content
from extraction.document import Document, build_document
from extraction.learned.gate import configured_model, gate_fields
from extraction.pdf import MAX_BYTES
from extraction.rules import (
    clauses,
    dates,
    law,
    money,
    parties,
    pricing,
    renewal,
    scope,
    sla,
    term,
)
from extraction.rules.term_counts import of_the_agreement
from extraction.schema import ContractTerms, Field
from extraction.sources import read_document


def _read_input(pdf: bytes | Path | str, max_bytes: int) -> tuple[bytes, str | None]:
    if isinstance(pdf, bytes | bytearray | memoryview):
        return bytes(pdf), None
    path = Path(pdf)
    size = path.stat().st_size
    if size > max_bytes:
        from extraction.errors import TooLarge

        raise TooLarge(size, max_bytes, name=path.name)
    return path.read_bytes(), path.name


def terms_from_document(
    doc: Document, suggestions: dict[str, Field] | None = None
) -> dict[str, Field]:
    """Run every rule over an annotated document; absent terms are simply not in the dict.

    Fallbacks the contract does not state go into `suggestions` (when given), never the result.
    """
    found: dict[str, Field] = {}
    suggested: dict[str, Field] = suggestions if suggestions is not None else {}

    def put(name: str, value: Field | None) -> None:
        if value is not None:
            found[name] = value

    found.update(parties.parties(doc))
    put("document_type", scope.document_type(doc))
    agreement = dates.agreement_date(doc)
    put("agreement_date", agreement)
    effective = dates.effective_date(doc, agreement)
    put("effective_date", effective)
    if effective is None and (guess := dates.effective_suggestion(agreement)) is not None:
        suggested["effective_date"] = guess
    initial = term.initial_term(doc)
    # A duration read outside the term sentence that names nothing of the agreement as running
    # for it ('Said books and records shall be maintained for a two (2) year period') is shown
    # to the reviewer, not stored as the term.
    if initial is not None and (initial.confidence >= 0.85 or of_the_agreement(initial)):
        put("initial_term", initial)
    elif initial is not None:
        suggested["initial_term"] = initial
    start = effective or suggested.get("effective_date")  # a term runs from the agreement date
    put("expiration_date", term.expiration_date(doc, start, agreement, initial))
    found.update(renewal.renewal(doc, suggested, initial))
    put("governing_law", law.governing_law(doc))
    put("contract_value", money.contract_value(doc))
    put("recurring_fees", money.recurring_fees(doc))
    put("hourly_rates", money.hourly_rates(doc))
    targets = sla.sla_targets(doc)
    put("sla_targets", targets)
    coverage = sla.coverage_hours(doc)
    put("coverage_hours", coverage)
    found.update(scope.services(doc))
    put("escalation", scope.escalation(doc))
    put("service_credits", clauses.service_credits(doc))
    put("insurance", clauses.insurance(doc))
    put("liability_cap", clauses.liability_cap(doc))
    put("certifications", clauses.certifications(doc))
    put("termination_for_convenience", clauses.termination_for_convenience(doc))
    put("warranty_duration", clauses.warranty_duration(doc))
    put("service_tier", scope.service_tier(doc, coverage, targets))
    overage = pricing.overage_rate(doc, found.get("hourly_rates"))
    put("overage_rate", overage)
    put("rollover", pricing.rollover(doc))
    put(
        "pricing_model",
        pricing.pricing_model(doc, found.get("recurring_fees"), found.get("hourly_rates"), overage),
    )
    put("holidays", pricing.holidays(doc))
    return found


def extract(
    pdf: bytes | Path | str,
    *,
    password: str | None = None,
    max_bytes: int = MAX_BYTES,
    ocr_seconds: float | None = None,
    name: str | None = None,
    calibrate: bool = True,
) -> ContractTerms:
    """Extract a contract's terms (PDF, DOCX, text or Markdown); raises an ExtractionError
    subclass on unusable input. `ocr_seconds` bounds OCR of scanned pages; `name` names
    bytes input (Markdown is told from text by it, and messages start with it).

    Each term's confidence is its rule's measured precision (extraction/confidence.py);
    ``calibrate=False`` keeps the rules' own numbers (the calibration script measures those).
    """
    data, found_name = _read_input(pdf, max_bytes)
    name = name or found_name
    content = read_document(
        data, password=password, max_bytes=max_bytes, name=name, ocr_seconds=ocr_seconds
    )
    return terms_from_content(content, calibrate=calibrate)


def terms_from_content(content: Content, *, calibrate: bool = True) -> ContractTerms:
    """The terms of a document already read (its pages and tables): the rules alone, so the
    evaluation can re-run them over cached text without reading every PDF again."""
    doc = build_document(content.pages, content.tables)
    suggestions: dict[str, Field] = {}
    found = terms_from_document(doc, suggestions)
    # The trained sentence classifier, when the setting names one, demotes doubtful values.
    found = gate_fields(doc, found, suggestions, configured_model())
    if calibrate:
        found = calibrate_fields(found)
    return ContractTerms(
        page_count=len(content.pages),
        pages=content.pages,
        tables=content.tables,
        ocr_applied=content.ocr_applied,
        suggestions=suggestions,
        source=content.source,
        unit=content.unit,
        unit_starts=content.unit_starts,
        warnings=content.warnings,
        **found,
    )
