"""Plain text and Markdown bytes -> lines (the provenance unit) in page-sized chunks.

Markdown markup that no contract wording carries (heading hashes, emphasis, table pipes) is
dropped line by line, so line numbers still match the file the reviewer opens.
"""

from __future__ import annotations

import re

from extraction.content import Content, chunk_units
from extraction.quality import undouble
from extraction.schema import Table

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")


def decode(data: bytes) -> str | None:
    """The text of `data` when it is UTF-8 or UTF-16 (with its byte-order mark), else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\r\t\f")
    return None if controls > 0 else text


def _markdown_line(line: str) -> str:
    line = _QUOTE.sub("", _HEADING.sub("", line))
    line = _EMPHASIS.sub(r"\2", line)
    return _ESCAPE.sub(r"\1", line)


def _cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1):
        return None
    return [" ".join(cell.split()) for cell in stripped[1:-1].split("|")]


def read_text(text: str, *, markdown: bool) -> Content:
    """Lines (unit "line") of a text or Markdown contract; Markdown tables become Tables."""
    lines = undouble(text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")).split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # the newline that ends the last line starts no line of its own
    units: list[str] = []
    tables: list[tuple[int, list[list[str]]]] = []
    current: list[list[str]] | None = None
    for line in lines:
        cells = _cells(line) if markdown else None
        if markdown and _RULE.match(line) and current is not None:
            units.append("")  # the header separator: keep the line count
            continue
        if cells is not None:
            if current is None:
                current = []
                tables.append((len(units), current))
            current.append(cells)
            units.append("  ".join(cell for cell in cells if cell))
            continue
        current = None
        units.append(_markdown_line(line) if markdown else line)
    pages, starts = chunk_units(units, joiner="\n")
    first_unit = [sum(len(s) for s in starts[:i]) for i in range(len(starts))]
    found = []
    for unit_index, rows in tables:
        if len(rows) >= 2:
            page = max(i for i, first in enumerate(first_unit) if first <= unit_index) + 1
            found.append(Table(page=page, rows=rows))
    return Content(pages=pages, tables=found, source="text", unit="line", unit_starts=starts)
