"""The per-client SLA report PDF for client reviews: compliance per metric, priority and
service type, then the breaches.

Pure: the dashboard frame's rows for one client and period in, PDF bytes out (fonts from
:mod:`documents.pdf`). `db.sla.reports.client_report_pdf` loads and filters, then calls this.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd

from documents.pdf import ReportPDF
from sla.clock import compliance

MAX_BREACHES = 200


def _table(pdf: ReportPDF, df: pd.DataFrame, widths: Sequence[int]) -> None:
    pdf.set_font(pdf.family, "B", 9)
    for col, w in zip(df.columns, widths, strict=True):
        pdf.cell(w, 6, pdf.printable(col), border="B")
    pdf.ln()
    pdf.set_font(pdf.family, "", 9)
    for rec in df.itertuples(index=False):
        for value, w in zip(rec, widths, strict=True):
            pdf.cell(w, 5.5, pdf.printable(value)[:48])
        pdf.ln()
    pdf.ln(3)


def _rates(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["rate"] = out["rate"].map(lambda r: "n/a" if pd.isna(r) else f"{r:.1%}")
    return out


def _heading(pdf: ReportPDF, text: str) -> None:
    pdf.set_font(pdf.family, "B", 12)
    pdf.cell(0, 8, pdf.printable(text), new_x="LMARGIN", new_y="NEXT")


def client_report_pdf(
    tickets: pd.DataFrame, *, client: str, start: date | None, end: date | None, now: datetime
) -> bytes:
    """A client-review SLA report from `tickets` (one row per ticket and metric, already
    narrowed to `client` and the period `start`..`end`, which only label the report)."""
    pdf = ReportPDF(orientation="P", format="A4")
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 16)
    pdf.cell(0, 10, pdf.printable(f"SLA report: {client}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    span = (
        f"{start or tickets['created_at'].min():%Y-%m-%d} to {end or now:%Y-%m-%d}"
        if len(tickets)
        else "-"
    )
    pdf.cell(
        0,
        6,
        pdf.printable(f"Tickets created {span}; generated {now:%Y-%m-%d %H:%M} UTC"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.cell(
        0,
        6,
        pdf.printable(f"{tickets['ticket_id'].nunique()} tickets; targets in covered minutes."),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    _heading(pdf, "Compliance")
    _table(pdf, _rates(compliance(tickets, by=["metric"])), [40, 30, 30, 30, 30])
    _heading(pdf, "By priority")
    _table(pdf, _rates(compliance(tickets, by=["priority", "metric"])), [25, 35, 28, 28, 28, 28])
    _heading(pdf, "By service type")
    _table(
        pdf, _rates(compliance(tickets, by=["service_type", "metric"])), [50, 30, 25, 25, 25, 25]
    )
    breached = tickets[tickets["state"] == "breached"].sort_values("due_at")
    _heading(pdf, f"Breaches ({len(breached)})")
    rows = pd.DataFrame(
        {
            "ticket": breached["external_id"],
            "priority": breached["priority"].astype(str),
            "metric": breached["metric"].astype(str),
            "due (UTC)": breached["due_at"].dt.strftime("%Y-%m-%d %H:%M"),
            "target min": breached["target_min"].round(0).astype("Int64"),
            "used min": breached["elapsed_min"].round(0).astype("Int64"),
        }
    ).head(MAX_BREACHES)
    _table(pdf, rows, [32, 20, 25, 40, 28, 28])
    if len(breached) > MAX_BREACHES:
        more = len(breached) - MAX_BREACHES
        pdf.cell(0, 6, pdf.printable(f"... and {more} more (see the CSV export)."))
    return bytes(pdf.output())
