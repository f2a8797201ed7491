"""Compliance risk report as files people can forward: CSV for spreadsheets, PDF for reading.

The PDF uses DejaVu Sans when the system has it (any character, e.g. "€" or "≥"); otherwise
the PDF core font Helvetica, which only knows Latin-1, so text is folded to safe characters
first rather than failing halfway through a report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from compliance.gaps import Gap
from compliance.risk import gaps_frame, risk_by_contract, risk_by_technician

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FOLD = {
    "\u2014": "-",
    "\u2013": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u2265": ">=",
    "\u2264": "<=",
    "\u20ac": "EUR ",
    "\u00a0": " ",
}
_GAP_HEADINGS = ("Severity", "Contract", "Technician", "Requirement", "Starts", "Reason")
_GAP_WIDTHS = (20, 22, 24, 55, 22, 134)


def _defuse(value: object) -> object:
    # Names come from contracts and users: a cell starting "=" would run as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A frame as UTF-8 CSV without the index, safe to open in Excel and LibreOffice."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(_defuse)
    return safe.to_csv(index=False).encode("utf-8")


def gaps_csv(gaps: Sequence[Gap]) -> bytes:
    """Every gap as CSV, one row each, with its alert key."""
    return frame_csv(gaps_frame(gaps))


def safe_text(text: str) -> str:
    """Text the Latin-1 core fonts can draw: typographic characters folded, others '?'."""
    folded = "".join(_FOLD.get(ch, ch) for ch in text)
    return folded.encode("latin-1", errors="replace").decode("latin-1")


class _Pdf(FPDF):
    def __init__(self, title: str, font_dir: Path | None) -> None:
        super().__init__(orientation="L", format="A4")
        self.report_title = title
        regular = font_dir / "DejaVuSans.ttf" if font_dir else None
        bold = font_dir / "DejaVuSans-Bold.ttf" if font_dir else None
        self.unicode = bool(regular and bold and regular.exists() and bold.exists())
        if self.unicode:
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
        self.family = "DejaVu" if self.unicode else "Helvetica"
        self.set_auto_page_break(auto=True, margin=15)

    def text_of(self, value: object) -> str:
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        return text if self.unicode else safe_text(text)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        label = f"{self.report_title} - page {self.page_no()}/{{nb}}"
        self.cell(0, 8, self.text_of(label), align="C")


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
        table.row([pdf.text_of(h) for h in headings])
        for row in rows:
            table.row([pdf.text_of(v) for v in row])


def risk_pdf(
    gaps: Sequence[Gap],
    *,
    on: date,
    title: str = "Compliance risk report",
    company: str = "",
    font_dir: Path | None = DEJAVU_DIR,
    max_rows: int = 500,
) -> bytes:
    """A PDF with a summary per contract and per technician, then the gaps, worst first.

    Past ``max_rows`` gaps (about 15 pages) the rest are counted, not listed: the layout
    costs ~2.5 ms a row and nobody reads page 60; the CSV export has every row.
    """
    pdf = _Pdf(title, font_dir)
    pdf.set_title(pdf.text_of(title))
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 16)
    pdf.cell(0, 10, pdf.text_of(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    real = [g for g in gaps if g.severity != "low"]
    subtitle = f"{company} - " if company else ""
    subtitle += f"as of {on.isoformat()}: {len(real)} gaps, {len(gaps) - len(real)} advisories"
    pdf.cell(0, 7, pdf.text_of(subtitle), new_x="LMARGIN", new_y="NEXT")
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
