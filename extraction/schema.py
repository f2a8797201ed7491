"""Plain dataclasses that carry extracted contract terms out of the package, with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

# Names of every term field on ContractTerms, in display order (the UI and CLI iterate this).
TERM_FIELDS: tuple[str, ...] = (
    "parties",
    "provider",
    "customer",
    "document_type",
    "agreement_date",
    "effective_date",
    "initial_term",
    "expiration_date",
    "auto_renewal",
    "renewal_term",
    "notice_period",
    "governing_law",
    "contract_value",
    "recurring_fees",
    "hourly_rates",
    "sla_targets",
    "coverage_hours",
    "included_services",
    "excluded_services",
    "escalation",
    "service_credits",
    "insurance",
    "liability_cap",
    "certifications",
    "termination_for_convenience",
    "warranty_duration",
    "service_tier",
    "pricing_model",
    "overage_rate",
    "rollover",
    "holidays",
)


@dataclass(frozen=True)
class Field:
    """One extracted term: raw text, typed value and where in the PDF it came from.

    `page` is 1-based; `start`/`end` index that page's text (`ContractTerms.pages[page-1]`);
    `snippet` is the sentence (or table row) the value was read from, for review.
    """

    name: str
    value: str
    normalized: Any
    confidence: float
    page: int
    start: int
    end: int
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Table:
    """A table read by pdfplumber from one page: rows of cell strings (None cells become "")."""

    page: int
    rows: list[list[str]]

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "rows": self.rows}


@dataclass
class ContractTerms:
    """Everything extracted from one contract PDF. Missing terms are None (never guessed)."""

    page_count: int
    pages: list[str]
    tables: list[Table] = field(default_factory=list)
    ocr_applied: bool = False
    parties: Field | None = None
    provider: Field | None = None
    customer: Field | None = None
    document_type: Field | None = None
    agreement_date: Field | None = None
    effective_date: Field | None = None
    initial_term: Field | None = None
    expiration_date: Field | None = None
    auto_renewal: Field | None = None
    renewal_term: Field | None = None
    notice_period: Field | None = None
    governing_law: Field | None = None
    contract_value: Field | None = None
    recurring_fees: Field | None = None
    hourly_rates: Field | None = None
    sla_targets: Field | None = None
    coverage_hours: Field | None = None
    included_services: Field | None = None
    excluded_services: Field | None = None
    escalation: Field | None = None
    service_credits: Field | None = None
    insurance: Field | None = None
    liability_cap: Field | None = None
    certifications: Field | None = None
    termination_for_convenience: Field | None = None
    warranty_duration: Field | None = None
    service_tier: Field | None = None
    pricing_model: Field | None = None
    overage_rate: Field | None = None
    rollover: Field | None = None
    holidays: Field | None = None
    # Low-confidence fallbacks the contract does not state (e.g. an effective date read as the
    # agreement date when none is stated): shown to a reviewer as suggestions, never values.
    suggestions: dict[str, Field] = field(default_factory=dict)
    source: str = "pdf"  # pdf | docx | text
    unit: str = "page"  # what a location counts: page | paragraph | line
    # DOCX and text: offsets where each paragraph or line starts on each page (chunk).
    unit_starts: list[list[int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # text quality, tracked changes, ...

    def location(self, f: Field) -> str:
        """Where the field was read, for a person: "page 3", "paragraph 12" or "line 40"."""
        from extraction.content import locate

        return locate(self.unit, self.unit_starts, f.page, f.start)

    def extent(self) -> str:
        """How much was read, in the file's own units: "3 pages", "42 paragraphs"."""
        if self.unit == "page":
            return f"{self.page_count} pages"
        count = sum(len(starts) for starts in self.unit_starts)
        return f"{count} {self.unit}{'s' if count != 1 else ''}"

    def terms(self) -> dict[str, Field]:
        """The fields that were found, by name, in display order."""
        found = {name: getattr(self, name) for name in TERM_FIELDS}
        return {name: value for name, value in found.items() if value is not None}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: every term (None when absent), the page texts and the tables."""
        out: dict[str, Any] = {
            "page_count": self.page_count,
            "ocr_applied": self.ocr_applied,
            "source": self.source,
            "warnings": list(self.warnings),
            "pages": list(self.pages),
            "tables": [t.to_dict() for t in self.tables],
        }
        for name in TERM_FIELDS:
            value = getattr(self, name)
            out[name] = self._field_dict(value) if value is not None else None
        out["suggestions"] = {name: self._field_dict(f) for name, f in self.suggestions.items()}
        return out

    def _field_dict(self, f: Field) -> dict[str, Any]:
        return {**f.to_dict(), "location": self.location(f)}
