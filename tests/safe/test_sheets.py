"""Issue 18: a client name that is a formula must never run when an export is opened."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from billing import export
from compliance.report import frame_csv
from safe import sheets
from ui.tables import to_csv, to_xlsx

EVIL = ["=cmd|' /C calc'!A0", "@SUM(1)", "+1+2", "-2+3", "\tTAB", "\rCR"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"client": EVIL + ["Acme Co"], "amount": [Decimal("-5.00")] * 6 + [Decimal("1")]}
    )


@pytest.mark.parametrize(
    "write", [to_csv, frame_csv, sheets.csv_bytes, export.to_csv_bytes], ids=lambda f: f.__module__
)
def test_csv_cells_never_start_with_a_formula_trigger(write):
    text = write(_frame()).decode("utf-8")
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    csv_evil = ["'" + v.replace("\r", "\n") for v in EVIL]  # a bare CR would end the row
    assert list(back["client"]) == csv_evil + ["Acme Co"]
    assert set(back["amount"][:6]) == {"-5.00"}  # a negative amount is a number, not text


@pytest.mark.parametrize("write", [to_xlsx, sheets.xlsx_bytes, export.to_xlsx_bytes])
def test_xlsx_cells_are_text_not_formulas(write):
    sheet = load_workbook(io.BytesIO(write(_frame()))).active
    cells = [sheet.cell(row, 1) for row in range(2, 2 + len(EVIL))]
    assert [c.data_type for c in cells] == ["s"] * len(EVIL)
    assert [c.value for c in cells] == EVIL  # exact text, shown as typed (quote prefix)
    assert all(c.quotePrefix for c in cells)
    assert sheet.cell(2, 2).value == -5
    assert sheet.cell(2 + len(EVIL), 1).value == "Acme Co"


def test_a_carriage_return_inside_a_name_cannot_start_a_new_row():
    text = sheets.csv_bytes(pd.DataFrame({"client": ["Acme\r=cmd|' /C calc'!A0"]})).decode()
    assert text == "client\n\"Acme\n=cmd|' /C calc'!A0\"\n"  # quoted: one cell, not a row


def test_formula_check_is_exact():
    assert [sheets.risky(v) for v in ("=A1", "a=b", "", None, -3, "Co-op")] == [
        True,
        False,
        False,
        False,
        False,
        False,
    ]
