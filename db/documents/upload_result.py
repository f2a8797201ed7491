"""What came of one uploaded file, as the upload page, a batch and the CLI report it."""

from __future__ import annotations

from dataclasses import dataclass, field

from extraction import ContractTerms, EncryptedPdf, ExtractionError

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
