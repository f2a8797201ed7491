"""Compliance risk report as files people can forward: CSV for spreadsheets, PDF for reading.

The PDF's fonts come from :mod:`documents.pdf`: DejaVu Sans when the system has it (any
character, e.g. "€" or "≥"), otherwise Helvetica with text folded to Latin-1 rather than
failing halfway through a report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from fpdf.fonts import FontFace

from compliance.gaps import Gap
from compliance.risk import gaps_frame, risk_by_contract, risk_by_technician
from documents.pdf import ReportPDF
from safe import sheets

_GAP_HEADINGS = ("Severity", "Contract", "Technician", "Requirement", "Starts", "Reason")
_GAP_WIDTHS = (20, 22, 24, 55, 22, 134)


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A frame as UTF-8 CSV without the index, safe to open in Excel and LibreOffice."""
    return sheets.csv_bytes(frame)


def gaps_csv(gaps: Sequence[Gap]) -> bytes:
    """Every gap as CSV, one row each, with its alert key."""
    return frame_csv(gaps_frame(gaps))


class _Pdf(ReportPDF):
    def __init__(self, title: str, font_dir: Path | None) -> None:
        super().__init__(orientation="L", format="A4", font_dir=font_dir)
        self.report_title = title
        self.set_auto_page_break(auto=True, margin=15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        label = f"{self.report_title} - page {self.page_no()}/{{nb}}"
        self.cell(0, 8, self.printable(label), align="C")


def _table(
    pdf: _Pdf, headings: Sequence[str], rows: list[list[object]], widths: Sequence[int]
) -> None:
    pdf.set_font(pdf.family, "", 8)
    style = FontFace(emphasis="BOLD", fill_color=(225, 230, 240))
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        headings_style=style,
        line_height=pdf.font_size * 1.6,
        width=sum(widths),
        align="LEFT",
    ) as table:
        table.row([pdf.printable(h) for h in headings])
        for row in rows:
            table.row([pdf.printable(v) for v in row])


def risk_pdf(
    gaps: Sequence[Gap],
    *,
    on: date,
    title: str = "Compliance risk report",
    company: str = "",
    font_dir: Path | None = None,
    max_rows: int = 500,
) -> bytes:
    """A PDF with a summary per contract and per technician, then the gaps, worst first.

    Past ``max_rows`` gaps (about 15 pages) the rest are counted, not listed: the layout
    costs ~2.5 ms a row and nobody reads page 60; the CSV export has every row.
    ``font_dir`` overrides where DejaVu is looked for (default ``documents.pdf.FONT_DIR``).
    """
    pdf = _Pdf(title, font_dir)
    pdf.set_title(pdf.printable(title))
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 16)
    pdf.cell(0, 10, pdf.printable(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    real = [g for g in gaps if g.severity != "low"]
    subtitle = f"{company} - " if company else ""
    subtitle += f"as of {on.isoformat()}: {len(real)} gaps, {len(gaps) - len(real)} advisories"
    pdf.cell(0, 7, pdf.printable(subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    counts = ["critical", "high", "medium", "low", "worst", "first_gap"]
    for heading, frame, key in (
        ("By contract", risk_by_contract(gaps), "contract_id"),
        ("By technician", risk_by_technician(gaps), "technician_id"),
    ):
        if frame.empty:
            continue
        pdf.set_font(pdf.family, "B", 12)
        pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        rows = frame[[key, *counts]].values.tolist()
        names = ("Contract" if key == "contract_id" else "Technician", *counts[:4])
        _table(
            pdf,
            (*[n.capitalize() for n in names], "Worst", "First gap"),
            rows,
            (40, 20, 20, 20, 20, 25, 30),
        )
        pdf.ln(4)

    pdf.set_font(pdf.family, "B", 12)
    pdf.cell(0, 8, "Gaps", new_x="LMARGIN", new_y="NEXT")
    if not gaps:
        pdf.set_font(pdf.family, "", 10)
        pdf.cell(0, 7, "No gaps: every requirement is met for the whole horizon.")
    else:
        rows = [
            [g.severity, g.contract_id, g.technician_id or "", g.requirement, g.starts, g.reason]
            for g in gaps[:max_rows]
        ]
        _table(pdf, _GAP_HEADINGS, rows, _GAP_WIDTHS)
        if len(gaps) > max_rows:
            pdf.set_font(pdf.family, "", 10)
            pdf.ln(2)
            rest = f"... and {len(gaps) - max_rows} less urgent gaps: see the CSV export."
            pdf.cell(0, 7, rest)
    return bytes(pdf.output())
