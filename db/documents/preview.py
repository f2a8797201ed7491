"""A term where it was found: the page image with the snippet boxed, and the text around it."""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from access.roles import Actor, require
from db.contracts_repo import NotFound
from db.documents.common import PAGE_BREAK, _document
from db.models import ExtractedTerm
from extraction.quality import undouble


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
    # a doubled text layer ("UUUUnnnniiii") was repaired in the stored text: match it so
    kept = [(w, t) for w in words if (t := re.sub(r"\W+", "", undouble(w["text"])).lower())]
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
