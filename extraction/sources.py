"""Any contract file -> Content: PDF, DOCX, plain text or Markdown, told apart by its bytes.

The file name only decides Markdown versus plain text and names a mismatch in a warning (a
text file renamed .pdf is read as text and says so); what a file is comes from its bytes.
"""

from __future__ import annotations

from extraction.content import Content
from extraction.errors import EmptyFile, NotAPdf, TooLarge, UnreadableText
from extraction.pdf import MAX_BYTES, check_bytes, read_pdf
from extraction.plaintext import decode, read_text
from extraction.word import is_docx, read_docx

MARKDOWN = (".md", ".markdown")
_KIND = {"pdf": "a PDF", "docx": "a Word (DOCX) file", "text": "plain text"}
_EXPECTED = {".pdf": "pdf", ".docx": "docx", ".txt": "text", ".md": "text", ".markdown": "text"}


def read_document(
    data: bytes,
    *,
    password: str | None = None,
    max_bytes: int = MAX_BYTES,
    name: str | None = None,
    ocr_seconds: float | None = None,
) -> Content:
    """The text, tables and provenance unit of a contract file; raises ExtractionError."""
    if not data:
        raise EmptyFile(name=name)
    if len(data) > max_bytes:
        raise TooLarge(len(data), max_bytes, name=name)
    lower = (name or "").lower()
    if b"%PDF-" in data[:1024]:
        content = read_pdf(
            data, password=password, max_bytes=max_bytes, name=name, ocr_seconds=ocr_seconds
        )
    elif is_docx(data):
        content = read_docx(data, name=name)
    elif data.startswith(b"PK\x03\x04") or (text := decode(data)) is None:
        check_bytes(data, max_bytes=max_bytes, name=name)  # names the kind: image, ZIP, ...
        raise NotAPdf("binary data of an unknown kind", name=name)  # pragma: no cover
    elif "<html" in text[:2048].lower():
        raise NotAPdf("an HTML page", name=name)
    else:
        if not text.strip():
            raise UnreadableText("the text file holds only blank space", name=name)
        content = read_text(text, markdown=lower.endswith(MARKDOWN))
    expected = next((kind for ext, kind in _EXPECTED.items() if lower.endswith(ext)), None)
    if expected is not None and expected != content.source:
        content.warnings.insert(
            0,
            f"The file is named {name} but is {_KIND[content.source]}, not "
            f"{_KIND[expected]}; it was read as {_KIND[content.source]}.",
        )
    return content
