"""What text acquisition hands the rules: page texts, tables, and where each piece came from.

A PDF's pages are real pages. A DOCX or text file has none, so its paragraphs (or lines)
are grouped into page-sized chunks for the rules, and `unit_starts` keeps where each
paragraph or line begins so a term can still say "paragraph 12" or "line 40".
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from extraction.schema import Table


@dataclass
class Content:
    pages: list[str]
    tables: list[Table] = field(default_factory=list)
    ocr_applied: bool = False
    source: str = "pdf"  # pdf | docx | text
    unit: str = "page"  # page | paragraph | line: what a location counts
    # Per page: offsets where each paragraph or line starts (empty for PDF pages).
    unit_starts: list[list[int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def locate(unit: str, unit_starts: list[list[int]], page: int, offset: int) -> str:
    """Where a page offset is, for a person: "page 3", "paragraph 12" or "line 40"."""
    if unit == "page" or not 0 < page <= len(unit_starts):
        return f"page {page}"
    before = sum(len(starts) for starts in unit_starts[: page - 1])
    return f"{unit} {before + max(1, bisect_right(unit_starts[page - 1], offset))}"


def chunk_units(
    units: list[str], *, joiner: str, max_chars: int = 3500
) -> tuple[list[str], list[list[int]]]:
    """Consecutive units (paragraphs or lines) joined into page-sized chunks for the rules
    (which read "the first page", and whose sentences never span a chunk): a chunk ends at
    a blank unit once it is `max_chars` long, or anywhere at twice that."""
    pages: list[str] = []
    starts: list[list[int]] = []
    text, offsets = "", []
    for unit in units:
        size = len(text) + len(joiner) + len(unit)
        if offsets and (size > 2 * max_chars or (size > max_chars and not unit.strip())):
            pages.append(text)
            starts.append(offsets)
            text, offsets = "", []
        if offsets:
            text += joiner
        offsets.append(len(text))
        text += unit
    if offsets:
        pages.append(text)
        starts.append(offsets)
    return pages, starts
