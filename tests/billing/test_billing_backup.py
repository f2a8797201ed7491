import csv
import io
from datetime import date
from decimal import Decimal as D

import pdfplumber
import pytest
from openpyxl import load_workbook

import documents.pdf
from billing.backup import BACKUP_COLUMNS, backup_csv, backup_frame, backup_pdf, backup_xlsx
from billing.blockhours import BlockHoursState
from billing.model import Invoice, Usage
from billing.periods import iter_periods
from billing.pricing import BlockHours, TimeAndMaterials, invoice_lines
from tests.billing.billing_factories import at, contract, entry


def make_invoice() -> Invoice:
    """Block hours with rollover in, overage split across an entry, 20-minute thirds."""
    model = BlockHours(D(10), D("500"), D("150"), rollover=True)
    c = contract(pricing=model, rates=TimeAndMaterials({"engineer": D(100)}, D("1.5")))
    period = next(p for p in iter_periods(c, until=date(2025, 1, 1)) if p.start.month == 3)
    entries = [
        entry(minutes=600, started_at=at(4), technician_id="Zoë Ørsted"),
        entry(minutes=100, started_at=at(6)),  # 40 min within block (2/3 h rolled in), 60 over
        *[
            entry(
                minutes=20, started_at=at(7, h), entitlement_outcome="out_of_scope", approved=True
            )
            for h in (9, 10, 11)
        ],
        entry(minutes=45, started_at=at(8, 22), entitlement_outcome="covered_after_hours"),
    ]
    state = BlockHoursState(D(2) / D(3), D(0))
    lines = invoice_lines(c, period, Usage(entries, block_state=state))
    return Invoice(
        "INV-7",
        "C1",
        "K1",
        "EUR",
        date(2024, 4, 1),
        date(2024, 5, 1),
        tuple(lines),
        status="issued",
        period_start=period.start,
        period_end=period.last_day,
    )


INVOICE = make_invoice()
# fee 500.00; overage 60 min at 150 = 150.00; out of scope 3 x 20 min at 100 = 100.00;
# after hours 45 min at 150/h = 112.50; total 862.50
TOTAL = D("862.50")


def test_the_worked_invoice_totals():
    assert [ln.amount for ln in INVOICE.lines] == [
        D("500.00"),
        D("0.00"),
        D("150.00"),
        D("112.50"),
        D("100.00"),
    ]
    assert INVOICE.total == TOTAL


def test_backup_frame_lists_every_entry_and_sums_to_each_line():
    frame = backup_frame(INVOICE)
    assert list(frame.columns) == BACKUP_COLUMNS
    # 1 fee row + 3 included charges (600, 40 of 100, nothing else) + 1 overage + 1 after hours
    # + 3 out of scope
    assert list(frame["kind"]) == [
        "recurring",
        "included",
        "included",
        "overage",
        "after_hours",
        "out_of_scope",
        "out_of_scope",
        "out_of_scope",
    ]
    assert sum(frame["amount"]) == TOTAL
    for number, line in enumerate(INVOICE.lines, start=1):
        assert sum(frame.loc[frame["line"] == number, "amount"], D(0)) == line.amount
    oos = frame[frame["kind"] == "out_of_scope"]
    assert list(oos["amount"]) == [D("33.34"), D("33.33"), D("33.33")]
    assert list(frame["minutes"])[1:4] == [D(600), D(40), D(60)]


def test_backup_refuses_lines_whose_entries_do_not_sum():
    line = INVOICE.lines[2]
    broken = Invoice(
        "INV-8",
        "C1",
        "K1",
        "EUR",
        date(2024, 4, 1),
        date(2024, 5, 1),
        (line.__class__(**{**line.__dict__, "amount": D("150.01")}),),
    )
    with pytest.raises(ValueError, match="entries sum to 150.00, line says 150.01"):
        backup_frame(broken)


def test_csv_rows_sum_to_the_invoice():
    rows = list(csv.DictReader(io.StringIO(backup_csv(INVOICE).decode("utf-8"))))
    assert list(rows[0]) == BACKUP_COLUMNS
    assert sum(D(r["amount"]) for r in rows) == TOTAL
    assert rows[1]["technician"] == "Zoë Ørsted"
    assert rows[0]["ticket"] == "" and rows[0]["minutes"] == ""


def test_csv_quotes_text_that_a_spreadsheet_would_run():
    c = contract(pricing=TimeAndMaterials({"=HYPERLINK(1)": D(100)}))
    period = next(iter_periods(c, until=date(2024, 2, 1)))
    lines = invoice_lines(
        c, period, Usage([entry(role="=HYPERLINK(1)", started_at=at(5, month=1))])
    )
    bad = Invoice("INV-9", "C1", "K1", "EUR", date(2024, 2, 1), date(2024, 3, 2), tuple(lines))
    rows = list(csv.DictReader(io.StringIO(backup_csv(bad).decode("utf-8"))))
    assert rows[0]["role"] == "'=HYPERLINK(1)"
    assert rows[0]["amount"] == "100.00"


def test_xlsx_rows_sum_to_the_invoice_and_total_row_matches():
    book = load_workbook(io.BytesIO(backup_xlsx(INVOICE)))
    sheet = book["Backup"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == BACKUP_COLUMNS
    body, total_row = values[1:-1], values[-1]
    assert sum(D(str(r[-1])) for r in body) == TOTAL
    assert total_row[-2:] == ("Total EUR", 862.5)


def _pdf_text_and_amounts(data: bytes) -> tuple[str, list[D]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        amounts = []
        for page in pdf.pages:
            for table in page.extract_tables():
                for row in table:
                    if row[-1] and row[-1] != "Amount":
                        amounts.append(D(row[-1].replace(",", "")))
    return text, amounts


def test_pdf_total_and_rows_match_the_invoice():
    text, amounts = _pdf_text_and_amounts(backup_pdf(INVOICE, client_name="Müller GmbH"))
    assert "Total EUR 862.50" in text
    assert "Backup for invoice INV-7 - Müller GmbH" in text
    assert "Zoë Ørsted" in text
    assert len(amounts) == 8
    assert sum(amounts) == TOTAL


def test_pdf_with_core_fonts_replaces_what_latin1_cannot_draw(monkeypatch, tmp_path):
    monkeypatch.setattr(documents.pdf, "FONT_DIR", tmp_path)  # no DejaVu there
    text, amounts = _pdf_text_and_amounts(backup_pdf(INVOICE, client_name="Łódź Sp. z o.o."))
    assert "Total EUR 862.50" in text
    assert "?ódz Sp. z o.o." in text  # ó is Latin-1, ź loses its accent, Ł has no plain form
    assert sum(amounts) == TOTAL
