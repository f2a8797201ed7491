"""DOCX bytes -> paragraphs and tables in reading order, tracked changes read as accepted.

python-docx's `paragraph.text` skips runs inside `<w:ins>` (an insertion not yet accepted)
and so reads neither the old nor the new wording; the XML is walked here instead: inserted
and moved-to text is kept, deleted and moved-from text dropped (what "Accept all" shows),
and the document gets a warning saying its changes were not accepted yet.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document as open_docx
from docx.oxml.ns import qn

from extraction.content import Content, chunk_units
from extraction.errors import UnreadableText
from extraction.quality import undouble
from extraction.schema import Table

_DROPPED = {qn("w:del"), qn("w:moveFrom")}
_TEXT, _TAB, _BREAKS = qn("w:t"), qn("w:tab"), {qn("w:br"), qn("w:cr")}
_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_CHANGES = {qn("w:ins"): "insertion", qn("w:del"): "deletion"}
_CHANGES |= {qn("w:moveFrom"): "move", qn("w:moveTo"): "move"}


def is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _accepted(paragraph) -> str:
    """The paragraph's text with its tracked changes accepted."""
    out: list[str] = []
    for node in paragraph.iter(_TEXT, _TAB, *_BREAKS):
        parent, dropped = node.getparent(), False
        while parent is not None and parent is not paragraph:
            if parent.tag in _DROPPED:
                dropped = True
                break
            parent = parent.getparent()
        if dropped:
            continue
        if node.tag == _TEXT:
            out.append(node.text or "")
        else:
            out.append("\t" if node.tag == _TAB else "\n")
    return undouble("".join(out))


def _blocks(parent):
    """Body-level paragraphs and tables in order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)


def _rows(table) -> list[list[str]]:
    rows = []
    for tr in table.iterchildren(_TR):
        cells = []
        for tc in tr.iterchildren(_TC):
            text = " ".join(_accepted(p) for p in tc.iter(_P))
            cells.append(" ".join(text.split()))
        if any(cells):
            rows.append(cells)
    return rows


def read_docx(data: bytes, *, name: str | None = None) -> Content:
    """Paragraphs (unit "paragraph") and tables of a DOCX; tracked changes accepted + warned."""
    try:
        body = open_docx(io.BytesIO(data)).element.body
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds for bad files
        raise UnreadableText(
            f"the Word file is damaged: {type(error).__name__}", name=name
        ) from None
    units: list[str] = []
    table_rows: list[tuple[int, list[list[str]]]] = []  # (first unit index, rows)
    for block in _blocks(body):
        if block.tag == _P:
            units.append(_accepted(block))
            continue
        rows = _rows(block)
        if rows:
            table_rows.append((len(units), rows))
            units.extend("  ".join(cell for cell in row if cell) for row in rows)
    pages, starts = chunk_units(units, joiner="\n\n")
    if not "".join(pages).strip():
        raise UnreadableText("the Word file holds no text", name=name)
    counts: dict[str, int] = {}
    for node in body.iter(*_CHANGES):
        counts[_CHANGES[node.tag]] = counts.get(_CHANGES[node.tag], 0) + 1
    warnings = []
    if counts:
        listed = ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in counts.items())
        warnings.append(
            f"The Word file has tracked changes not yet accepted ({listed}): the text was read "
            "as if every change were accepted. Check the terms against the signed version."
        )
    first_unit = [sum(len(s) for s in starts[:i]) for i in range(len(starts))]
    tables = []
    for unit_index, rows in table_rows:
        page = max(i for i, first in enumerate(first_unit) if first <= unit_index) + 1
        tables.append(Table(page=page, rows=rows))
    return Content(
        pages=pages,
        tables=tables,
        source="docx",
        unit="paragraph",
        unit_starts=starts,
        warnings=warnings,
    )
