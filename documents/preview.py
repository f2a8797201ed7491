"""Render one PDF page to a PNG with PDFium (fast, no external tools)."""

from __future__ import annotations

import io

import pypdfium2 as pdfium


def page_count(pdf: bytes) -> int:
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def render_page(pdf: bytes, page: int, *, scale: float = 1.4) -> bytes:
    """PNG bytes of 1-based `page`; raises ValueError for a page outside the document."""
    doc = pdfium.PdfDocument(pdf)
    try:
        if not 1 <= page <= len(doc):
            raise ValueError(f"page {page} is outside 1..{len(doc)}")
        bitmap = doc[page - 1].render(scale=scale)
        buf = io.BytesIO()
        bitmap.to_pil().save(buf, format="PNG")
        return buf.getvalue()
    finally:
        doc.close()
