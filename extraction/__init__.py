"""Contract term extraction: PDF -> text and tables -> spaCy rules -> ContractTerms.

Public API: `extract`, `extract_many`, the `ContractTerms`/`Field`/`Table` dataclasses and the
`ExtractionError` family. No spaCy object leaves this package.
"""

from extraction.batch import BatchItem, extract_many
from extraction.errors import (
    CorruptPdf,
    EmptyFile,
    EncryptedPdf,
    ExtractionError,
    NotAPdf,
    NoTextLayer,
    TooLarge,
    TooManyPages,
)
from extraction.extract import extract
from extraction.schema import TERM_FIELDS, ContractTerms, Field, Table

__all__ = [
    "TERM_FIELDS",
    "BatchItem",
    "ContractTerms",
    "CorruptPdf",
    "EmptyFile",
    "EncryptedPdf",
    "ExtractionError",
    "Field",
    "NoTextLayer",
    "NotAPdf",
    "Table",
    "TooLarge",
    "TooManyPages",
    "extract",
    "extract_many",
]
