"""The weekly executive report: the executive page's figures as a PDF and an email context."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from documents.pdf import ReportPDF


def _fmt(k, currency: str) -> str:
    if k.value is None:
        return "n/a (no data)"
    if k.unit == "money":
        return f"{float(k.value):,.0f} {currency}"
    if k.unit == "share":
        return f"{float(k.value):.1%}"
    if k.unit == "score":
        return f"{float(k.value):.2f}"
    return f"{int(k.value):,}"


def _change(k) -> str:
    if k.change is None:
        return ""
    if k.unit == "share":
        return f"{k.change:+.1%}"
    return f"{k.change:+,.0f}" if k.unit in ("count", "money") else f"{k.change:+,.2f}"


def pipeline_summary(pipeline: pd.DataFrame) -> list[dict]:
    if pipeline.empty:
        return []
    out = []
    for stage, grp in pipeline.groupby("stage"):
        total = sum((Decimal(str(v)) for v in grp["value"].dropna()), Decimal(0))
        out.append({"stage": stage, "contracts": len(grp), "value": total})
    return out


def email_context(view, *, week_start: date, week_end: date, link: str | None = None) -> dict:
    """Context for the weekly_executive_report template."""
    rate = next((k.value for k in view.tiles if k.name == "Renewal rate"), None)
    at_risk = [
        {"client": r.client, "contract": r.reference, "score": None, "why": [r.why]}
        for r in view.underperforming.head(10).itertuples()
    ]
    return {
        "week_start": week_start,
        "week_end": week_end,
        "currency": view.currency,
        "kpis": [
            {"label": k.name, "value": _fmt(k, view.currency), "change": _change(k)}
            for k in view.tiles
        ],
        "pipeline": pipeline_summary(view.pipeline),
        "at_risk": at_risk,
        "renewal_rate": rate,
        "link": link,
    }


def report_pdf(view, *, week_start: date, week_end: date) -> bytes:
    """A short PDF of the KPI tiles, the pipeline and the underperforming contracts."""
    pdf = ReportPDF()
    font, text = pdf.family, pdf.printable
    pdf.add_page()
    pdf.set_font(font, "B", 16)
    pdf.cell(0, 10, "Contract Desk weekly report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 10)
    pdf.cell(
        0,
        6,
        text(f"{week_start:%d %b %Y} to {week_end:%d %b %Y} · {view.currency}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font(font, "B", 12)
    pdf.cell(0, 8, "Key figures", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 10)
    for k in view.tiles:
        pdf.cell(80, 6, text(k.name))
        pdf.cell(60, 6, text(_fmt(k, view.currency)))
        pdf.cell(0, 6, text(_change(k)), new_x="LMARGIN", new_y="NEXT")
    for note in view.missing:
        pdf.multi_cell(0, 6, text(f"Note: {note}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(font, "B", 12)
    pdf.cell(0, 8, "Renewal pipeline", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 10)
    rows = pipeline_summary(view.pipeline)
    for r in rows:
        pdf.cell(80, 6, text(str(r["stage"]).replace("_", " ")))
        pdf.cell(
            0,
            6,
            text(f"{r['contracts']} contracts, {float(r['value']):,.0f} {view.currency}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if not rows:
        pdf.cell(0, 6, "No contract inside its renewal window.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(font, "B", 12)
    pdf.cell(0, 8, "Underperforming contracts", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "", 9)
    for r in view.underperforming.head(25).itertuples():
        pdf.multi_cell(
            0,
            5,
            text(f"{r.reference} {r.client} ({r.tier}): {r.why}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if view.underperforming.empty:
        pdf.cell(0, 6, "None.", new_x="LMARGIN", new_y="NEXT")
    _section(pdf, "Contracts at risk, and why")
    for r in view.at_risk.head(25).itertuples():
        line = f"{r.reference} {r.client}: {r.why}"
        pdf.multi_cell(0, 5, text(line), new_x="LMARGIN", new_y="NEXT")
    if view.at_risk.empty:
        pdf.cell(0, 6, "None.", new_x="LMARGIN", new_y="NEXT")
    _section(pdf, "Revenue recovered by billing validation")
    for r in view.recovered.itertuples():
        line = f"{r.source}: {r.lines} lines, {float(r.amount):,.2f} {view.currency}"
        pdf.cell(0, 6, text(line), new_x="LMARGIN", new_y="NEXT")
    if view.recovered.empty:
        pdf.cell(0, 6, "None in this period.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _section(pdf: ReportPDF, title: str) -> None:
    pdf.ln(3)
    pdf.set_font(pdf.family, "B", 12)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)
