"""Backup documents: every entry behind an invoice, summing exactly to its lines.

One row per entry charge (date, ticket, technician, minutes, rate, rule, amount) and
one row per line that has no entries (a recurring fee, a unit count). Because line
amounts are split over their entries by largest remainder, the rows add up to the
invoice to the cent; `backup_frame` refuses to build a document that would not.
Output as CSV, XLSX (openpyxl) and PDF (fpdf2 via :mod:`documents.pdf`).
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from billing.model import Invoice
from billing.money import format_money
from documents.pdf import ReportPDF
from safe import sheets

BACKUP_COLUMNS = [
    "invoice_no",
    "line",
    "kind",
    "date",
    "ticket",
    "technician",
    "role",
    "minutes",
    "rate",
    "rule",
    "amount",
]


def backup_frame(invoice: Invoice) -> pd.DataFrame:
    """The backup rows of an invoice (Decimal amounts); raises if they would not sum."""
    rows = []
    for number, line in enumerate(invoice.lines, start=1):
        base = {"invoice_no": invoice.invoice_no, "line": number, "kind": line.kind}
        if not line.charges:
            rows.append(
                base
                | {
                    "date": line.period_start,
                    "ticket": None,
                    "technician": None,
                    "role": line.role,
                    "minutes": None,
                    "rate": line.unit_price,
                    "rule": line.description,
                    "amount": line.amount,
                }
            )
            continue
        charged = sum((c.amount for c in line.charges), Decimal(0))
        if charged != line.amount:
            raise ValueError(
                f"invoice {invoice.invoice_no} line {number}: entries sum to {charged}, "
                f"line says {line.amount}"
            )
        for c in line.charges:
            rows.append(
                base
                | {
                    "date": c.work_date,
                    "ticket": c.ticket_id,
                    "technician": c.technician_id,
                    "role": c.role,
                    "minutes": c.minutes,
                    "rate": c.rate,
                    "rule": c.rule,
                    "amount": c.amount,
                }
            )
    frame = pd.DataFrame(rows, columns=BACKUP_COLUMNS)
    if sum(frame["amount"], Decimal(0)) != invoice.total:
        raise ValueError(f"backup of {invoice.invoice_no} does not sum to the invoice total")
    return frame


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else str(value)
    return str(value)


def _minutes(value: object) -> str:
    if isinstance(value, Decimal):
        return _text(value.quantize(Decimal("0.01")) if value != value.to_integral() else value)
    return _text(value)


def backup_csv(invoice: Invoice) -> bytes:
    """UTF-8 CSV of the backup rows (amounts as exact decimal text, formula-safe text)."""
    frame = backup_frame(invoice)
    frame["minutes"] = frame["minutes"].map(_minutes)
    frame["rate"] = frame["rate"].map(_text)
    frame["amount"] = frame["amount"].map(str)  # rounded already: always minor-unit digits
    for col in ("ticket", "technician", "role", "rule"):
        frame[col] = frame[col].map(lambda v: sheets.defuse_csv(_text(v)))
    return frame.to_csv(index=False).encode("utf-8")


def backup_xlsx(invoice: Invoice) -> bytes:
    """Workbook with the backup rows and a total row (values, not formulas)."""
    frame = backup_frame(invoice)
    book = Workbook()
    sheet = book.active
    sheet.title = "Backup"
    sheet.append(BACKUP_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        values = [None if v is None or (isinstance(v, float) and pd.isna(v)) else v for v in row]
        sheets.append_row(sheet, values)
        sheet.cell(sheet.max_row, len(BACKUP_COLUMNS)).number_format = "#,##0.00"
    sheet.append([None] * (len(BACKUP_COLUMNS) - 2) + [f"Total {invoice.currency}", invoice.total])
    total = sheet.cell(sheet.max_row, len(BACKUP_COLUMNS))
    total.number_format = "#,##0.00"
    total.font = Font(bold=True)
    return sheets.save(book)


def backup_pdf(invoice: Invoice, *, client_name: str | None = None) -> bytes:
    """A4 landscape PDF: header, one table row per backup row, the invoice total."""
    frame = backup_frame(invoice)
    pdf = ReportPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 13)
    who = client_name or str(invoice.client_id)
    pdf.cell(
        0,
        8,
        pdf.printable(f"Backup for invoice {invoice.invoice_no} - {who}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(pdf.family, "", 9)
    span = ""
    if invoice.period_start and invoice.period_end:
        span = f"Period {invoice.period_start} to {invoice.period_end}. "
    pdf.cell(
        0,
        6,
        pdf.printable(
            f"{span}Issued {invoice.issue_date}, due {invoice.due_date}. "
            f"Amounts in {invoice.currency}."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    headers = ("Line", "Date", "Ticket", "Technician", "Role", "Minutes", "Rate", "Rule", "Amount")
    widths = (12, 24, 22, 28, 26, 18, 20, 97, 26)
    pdf.set_font(pdf.family, "", 8)
    with pdf.table(
        col_widths=widths, text_align=("LEFT",) * 8 + ("RIGHT",), first_row_as_headings=True
    ) as table:
        table.row(headers)
        for r in frame.itertuples(index=False):
            rate = "" if r.rate is None else format_money(r.rate, invoice.currency)
            cells = (
                str(r.line),
                _text(r.date),
                _text(r.ticket),
                _text(r.technician),
                _text(r.role),
                _minutes(r.minutes),
                rate,
                r.rule,
                format_money(r.amount, invoice.currency),
            )
            table.row([pdf.printable(c) for c in cells])
    pdf.ln(3)
    pdf.set_font(pdf.family, "B", 11)
    total = format_money(invoice.total, invoice.currency)
    pdf.cell(0, 8, pdf.printable(f"Total {invoice.currency} {total}"), align="R")
    return bytes(pdf.output())
