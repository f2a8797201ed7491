"""Renewal proposal as Markdown and as PDF, from a health check and recommendations.

Both formats are rendered from the same :func:`proposal_content`, so they cannot
disagree. The PDF is drawn with fpdf2 only (the usage chart is rectangles and lines, no
image libraries). Fonts come from :mod:`documents.pdf`: DejaVu Sans when installed, so any
client name prints, else Helvetica with text folded to Latin-1 ("Łódź" prints as "?ódz").
The PDF's creation date is ``prepared_on``, so output is repeatable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd

from documents.pdf import ReportPDF
from renewals.healthcheck import HealthCheck, Term
from renewals.recommend import Recommendation, Rule
from safe.text import md_doc as md

CHART_MONTHS = 12


@dataclass(frozen=True)
class Proposal:
    client: str
    contract_reference: str
    currency: str
    term: Term  # the term coming to an end
    new_term_months: int
    prepared_on: date
    prepared_by: str
    check: HealthCheck
    recommendations: Sequence[Recommendation]
    health_score: float | None = None


@dataclass(frozen=True)
class ProposalContent:
    title: str
    subtitle: str
    performance: list[tuple[str, str, str]]  # (measure, previous term, this term)
    usage: pd.DataFrame  # period, hours_used, hours_contracted (chart and table)
    recommendation: str
    actions: list[str]  # further recommendations
    evidence: list[str]
    prices: list[tuple[str, str, str]]  # (label, per month, per term)


def money(currency: str, value: Decimal) -> str:
    """``EUR 1,234.50``: the code, not a symbol, so every font can print it."""
    return f"{currency} {value:,.2f}"


def _num(value: float | None, fmt: str = "{:,.1f}", suffix: str = "") -> str:
    return "n/a" if value is None else fmt.format(value) + suffix


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def proposal_content(p: Proposal) -> ProposalContent:
    """The facts and words of the proposal, independent of the output format."""
    if not p.recommendations:
        raise ValueError("a proposal needs at least one recommendation")
    cur, prev = p.check.current, p.check.previous
    rows = [
        ("Tickets opened", str(prev.tickets_opened), str(cur.tickets_opened)),
        ("Tickets resolved", str(prev.tickets_resolved), str(cur.tickets_resolved)),
        ("SLA compliance", _pct(prev.sla_compliance_overall), _pct(cur.sla_compliance_overall)),
    ]
    for metric in sorted(set(cur.sla_compliance) | set(prev.sla_compliance)):
        label = f"  {metric.capitalize()} SLA"
        rows.append(
            (label, _pct(prev.sla_compliance.get(metric)), _pct(cur.sla_compliance.get(metric)))
        )
    rows += [
        (
            "Median first response",
            _num(prev.median_response_minutes, suffix=" min"),
            _num(cur.median_response_minutes, suffix=" min"),
        ),
        (
            "Median resolution",
            _num(prev.median_resolution_minutes, suffix=" min"),
            _num(cur.median_resolution_minutes, suffix=" min"),
        ),
        ("Hours used", _num(prev.hours_used), _num(cur.hours_used)),
        ("Hours contracted", _num(prev.hours_contracted), _num(cur.hours_contracted)),
        ("Utilisation", _pct(prev.utilisation), _pct(cur.utilisation)),
        ("Overage hours", _num(prev.overage_hours), _num(cur.overage_hours)),
        ("Satisfaction (1-5)", _num(prev.csat_avg, "{:.2f}"), _num(cur.csat_avg, "{:.2f}")),
    ]  # payment punctuality and the health score are internal: not in a client document
    first = p.recommendations[0]
    months = Decimal(p.new_term_months)
    prices = [
        ("Current price", first.current_price, first.current_price * months),
        ("Proposed price", first.proposed_price, first.proposed_price * months),
        ("Difference", first.price_difference, first.price_difference * months),
    ]
    return ProposalContent(
        title=f"Renewal proposal: {p.client}",
        subtitle=(
            f"Contract {p.contract_reference} - term {p.term.start} to {p.term.end} - "
            f"prepared {p.prepared_on} by {p.prepared_by}"
        ),
        performance=rows,
        usage=p.check.usage.tail(CHART_MONTHS)[["period", "hours_used", "hours_contracted"]],
        recommendation=(
            "Renew at the current price, billed in advance."
            if first.rule == Rule.PAYMENT_RISK
            else first.summary
        ),
        actions=[r.summary for r in p.recommendations[1:]],
        evidence=[]
        if first.rule == Rule.PAYMENT_RISK  # the client knows what it owes; no internal scoring
        else [f"{k.replace('_', ' ')}: {_evidence(v)}" for k, v in first.data.items()],
        prices=[(label, money(p.currency, m), money(p.currency, t)) for label, m, t in prices],
    )


def _evidence(value: object) -> str:
    if isinstance(value, list):
        return ", ".join("n/a" if v is None else str(v) for v in value)
    return str(value)


def _md_cell(text: str) -> str:
    # Client names and references are supplied text: literal, never HTML, links or images.
    return md(text).replace("|", "\\|")


def proposal_markdown(p: Proposal) -> str:
    """The proposal as GitHub-flavoured Markdown."""
    c = proposal_content(p)
    lines = [f"# {md(c.title)}", "", md(c.subtitle), "", "## Performance", ""]
    lines += ["| Measure | Previous term | This term |", "|---|---:|---:|"]
    lines += [f"| {_md_cell(a)} | {b} | {d} |" for a, b, d in c.performance]
    lines += ["", "## Hours used per month", "", "| Month | Used | Contracted |", "|---|---:|---:|"]
    for row in c.usage.itertuples(index=False):
        lines.append(
            f"| {row.period} | {row.hours_used:.1f} | {_num(_float(row.hours_contracted))} |"
        )
    lines += ["", "## Recommendation", "", f"**{_md_cell(c.recommendation)}**", ""]
    lines += [f"- {md(e)}" for e in c.evidence]
    if c.actions:
        lines += ["", "Also:", ""] + [f"- {md(a)}" for a in c.actions]
    lines += ["", "## Proposed price", "", f"| | Per month | Per {p.new_term_months}-month term |"]
    lines += ["|---|---:|---:|"] + [f"| {md(a)} | {md(b)} | {md(d)} |" for a, b, d in c.prices]
    return "\n".join(lines) + "\n"


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


class _Writer:
    """Headings, paragraphs and tables over a :class:`documents.pdf.ReportPDF`."""

    def __init__(self, created: date) -> None:
        self.pdf = ReportPDF(format="A4")
        self.pdf.set_creation_date(datetime(created.year, created.month, created.day, tzinfo=UTC))
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()

    def text(self, value: str) -> str:
        return self.pdf.printable(value)

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(self.pdf.family, "B" if bold else "", size)

    def heading(self, value: str) -> None:
        self.pdf.ln(3)
        self.font(13, bold=True)
        self.pdf.cell(0, 8, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.font(10)

    def para(self, value: str, bold: bool = False) -> None:
        self.font(10, bold)
        self.pdf.multi_cell(0, 5, self.text(value), new_x="LMARGIN", new_y="NEXT")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]):
        self.font(9)
        with self.pdf.table(col_widths=widths, text_align=("LEFT", "RIGHT", "RIGHT")) as table:
            for row in [header, *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(self.text(value))


def _chart(w: _Writer, usage: pd.DataFrame) -> None:
    """Bars of hours used per month; a dark tick marks the contracted hours."""
    pdf = w.pdf
    if usage.empty:
        return
    left, top, width, height = pdf.l_margin + 10, pdf.get_y() + 4, 170.0, 45.0
    peak = max([*usage["hours_used"], *usage["hours_contracted"].fillna(0), 1.0])
    slot = width / len(usage)
    pdf.set_draw_color(120, 120, 120)
    pdf.line(left, top + height, left + width, top + height)
    w.font(7)
    pdf.set_xy(pdf.l_margin, top - 2)
    pdf.cell(10, 4, f"{peak:.0f} h")
    for i, row in enumerate(usage.itertuples(index=False)):
        x = left + i * slot + slot * 0.15
        bar = height * row.hours_used / peak
        over = _float(row.hours_contracted) is not None and row.hours_used > row.hours_contracted
        pdf.set_fill_color(*((204, 85, 0) if over else (52, 101, 164)))
        pdf.rect(x, top + height - bar, slot * 0.7, bar, style="F")
        if (contracted := _float(row.hours_contracted)) is not None:
            y = top + height - height * contracted / peak
            pdf.set_draw_color(30, 30, 30)
            pdf.set_line_width(0.6)
            pdf.line(x - 1, y, x + slot * 0.7 + 1, y)
            pdf.set_line_width(0.2)
        pdf.set_xy(left + i * slot, top + height + 1)
        pdf.cell(slot, 4, str(row.period)[2:], align="C")
    pdf.set_y(top + height + 7)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(0, 0, 0)
    w.font(10)


def proposal_pdf(p: Proposal) -> bytes:
    """The proposal as a one- or two-page A4 PDF."""
    c = proposal_content(p)
    w = _Writer(p.prepared_on)
    w.pdf.set_title(w.text(c.title))
    w.font(16, bold=True)
    w.pdf.multi_cell(0, 8, w.text(c.title), new_x="LMARGIN", new_y="NEXT")
    w.font(9)
    w.pdf.multi_cell(0, 5, w.text(c.subtitle), new_x="LMARGIN", new_y="NEXT")
    w.heading("Performance")
    w.table(["Measure", "Previous term", "This term"], c.performance, (80, 45, 45))
    w.heading("Hours used per month (bar) against contracted hours (line)")
    _chart(w, c.usage)
    w.heading("Recommendation")
    w.para(c.recommendation, bold=True)
    for line in c.evidence:
        w.para(f"- {line}")
    for action in c.actions:
        w.para(f"Also: {action}")
    w.heading("Proposed price")
    w.table(["", "Per month", f"Per {p.new_term_months}-month term"], c.prices, (60, 55, 55))
    return bytes(w.pdf.output())
