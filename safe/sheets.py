"""Spreadsheet-safe exports: every CSV and XLSX the product writes goes through here.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return runs as a formula
in Excel and LibreOffice (`=cmd|' /C calc'!A0`, `@SUM(1)`). Text cells like that are written
with a leading apostrophe in CSV and as quote-prefixed text (never a formula) in XLSX.
Numbers, dates and Decimals are left as they are: a negative amount stays a number.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # openpyxl is imported when a workbook is built: pages that only offer a
    # download button would otherwise pay its import (~0.2 CPU-s) on every cold start
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Amounts already formatted as text ("-20.83" in accounting layouts) are numbers, not formulas.
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def risky(value: object) -> bool:
    """True for text a spreadsheet would read as a formula (a plain signed number is not)."""
    return isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value)


def defuse(value: object) -> object:
    """The value to write in a CSV cell: risky text gets a leading apostrophe."""
    return "'" + value if risky(value) else value  # type: ignore[operator]


def defuse_csv(value: object) -> object:
    """`defuse` for CSV; a bare CR inside text also becomes LF, which the writer quotes
    (an unquoted CR ends the row in Excel, so `x\r=cmd..` would start a formula cell)."""
    value = defuse(value)
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def defuse_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every risky text cell defused (for CSV)."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(defuse_csv)  # numbers and dates stay as they are
    safe.columns = [defuse_csv(c) for c in safe.columns]
    return safe


def csv_bytes(frame: pd.DataFrame, *, blanks: bool = False) -> bytes:
    """UTF-8 CSV without the index, formula-safe; `blanks` writes missing values as ''."""
    safe = defuse_frame(frame)
    if blanks:
        safe = safe.astype(object).where(safe.notna(), "")
    return safe.to_csv(index=False).encode("utf-8")


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if getattr(value, "tzinfo", None) is not None:
        value = value.replace(tzinfo=None)  # type: ignore[union-attr]  # XLSX has no zones
    return value


def set_cell(cell: Cell, value: object) -> None:
    """Write one XLSX cell; risky text becomes quote-prefixed text, never a formula."""
    value = _plain(value)
    if risky(value):
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True
    else:
        cell.value = value


def append_row(sheet, values: Iterable[object]) -> None:
    """`sheet.append` that never writes a formula from data."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for col, value in enumerate(values, start=1):
        set_cell(sheet.cell(row, col), value)


def xlsx_bytes(
    frame: pd.DataFrame, *, sheet_name: str = "Sheet1", bold_header: bool = False
) -> bytes:
    """One-sheet workbook of `frame` (header row, then values), formula-safe."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name[:31]
    write_frame(sheet, frame, bold_header=bold_header)
    return save(book)


def write_frame(sheet, frame: pd.DataFrame, *, bold_header: bool = False) -> None:
    """Write `frame` into an empty sheet."""
    append_row(sheet, [str(c) for c in frame.columns])
    if bold_header:
        for cell in sheet[1]:
            cell.font = _bold()
    for row in frame.itertuples(index=False):
        append_row(sheet, row)


def _bold():  # an openpyxl Font, imported on first use
    from openpyxl.styles import Font

    return Font(bold=True)


def save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
