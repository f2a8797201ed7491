"""SLA credit report as files: CSV for spreadsheets, PDF to send the client.

Two tables: the credits (one row per rule set off, with its measure and cap) and the
evidence (every decided target the rules looked at: ticket, priority, metric, target,
met or breached). Built from frames by db/billing/credit_report.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from fpdf.fonts import FontFace

from documents.pdf import ReportPDF
from safe import sheets

CREDIT_COLUMNS = [
    "invoice",
    "contract",
    "period_start",
    "period_end",
    "rule",
    "trigger",
    "measure",
    "credit",
    "currency",
    "capped",
    "evidence",
]
EVIDENCE_COLUMNS = ["contract", "rule", "ticket", "priority", "metric", "target_minutes", "result"]


def report_csv(credits: pd.DataFrame, evidence: pd.DataFrame) -> bytes:
    """Credits then evidence, one CSV (a blank line and a header between them)."""
    return sheets.csv_bytes(credits) + b"\r\n" + sheets.csv_bytes(evidence)


def _table(pdf: ReportPDF, frame: pd.DataFrame, widths: list[int]) -> None:
    pdf.set_font(pdf.family, "", 8)
    style = FontFace(emphasis="BOLD", fill_color=(225, 230, 240))
    with pdf.table(
        col_widths=widths, text_align="LEFT", headings_style=style,
        line_height=pdf.font_size * 1.6, width=sum(widths), align="LEFT",
    ) as table:  # fmt: skip
        table.row([pdf.printable(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            table.row([pdf.printable(v) for v in row])


def report_pdf(
    credits: pd.DataFrame,
    evidence: pd.DataFrame,
    *,
    client: str,
    period: str,
    font_dir: Path | None = None,
) -> bytes:
    """A landscape PDF: totals, the credits with their evidence text, then every target."""
    pdf = ReportPDF(orientation="L", font_dir=font_dir)
    title = f"SLA credit report - {client} - {period}"
    pdf.set_title(pdf.printable(title))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 15)
    pdf.cell(0, 10, pdf.printable(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    if credits.empty:
        pdf.cell(0, 7, "No service credit is due for this period.", new_x="LMARGIN", new_y="NEXT")
    else:
        totals = credits.groupby("currency")["credit"].sum()
        text = ", ".join(f"{v:,.2f} {k}" for k, v in totals.items())
        pdf.cell(0, 7, pdf.printable(f"Credits given: {text}"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        shown = credits[["invoice", "contract", "rule", "measure", "credit", "capped", "evidence"]]
        _table(pdf, shown, [30, 25, 35, 18, 20, 14, 135])
    pdf.ln(4)
    pdf.set_font(pdf.family, "B", 12)
    pdf.cell(0, 8, "Evidence: targets the rules measured", new_x="LMARGIN", new_y="NEXT")
    if evidence.empty:
        pdf.set_font(pdf.family, "", 10)
        pdf.cell(0, 7, "No decided SLA target in the period.")
    else:
        _table(pdf, evidence[EVIDENCE_COLUMNS], [30, 45, 40, 20, 30, 30, 30])
    return bytes(pdf.output())
