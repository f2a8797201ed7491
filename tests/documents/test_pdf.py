"""documents.pdf: one font set-up for every report PDF, read back with pdfplumber.

Each of the five report builders draws SAMPLE where a user-supplied name goes; with DejaVu
it must come back exactly, without DejaVu (FONT_DIR pointed at an empty folder) folded.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import pdfplumber
import pytest

import documents.pdf
from analytics.kpis import Kpi
from analytics.weekly_report import report_pdf
from billing.backup import backup_pdf
from billing.model import Invoice
from compliance.report import risk_pdf
from db.analytics_repo import ExecutiveView
from documents.pdf import FONT_DIR, ReportPDF, fold_latin1
from renewals.healthcheck import health_check, terms_for
from renewals.proposal import Proposal, proposal_pdf
from renewals.recommend import Recommendation, Rule
from sla.report import client_report_pdf

SAMPLE = "€ – ≥ “quotes”"
FOLDED = 'EUR  - >= "quotes"'
READ_BACK = 'EUR - >= "quotes"'  # pdfplumber reads two spaces in a row as one
ON = date(2026, 3, 2)
_UTC = "datetime64[us, UTC]"


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


def renewal_proposal(name: str) -> bytes:
    current, previous = terms_for(date(2025, 6, 30), 12)
    check = health_check(
        tickets=pd.DataFrame(
            {c: pd.Series(dtype=_UTC) for c in ("created_at", "first_response_at", "resolved_at")}
        ),
        time_entries=pd.DataFrame(
            {"started_at": pd.Series(dtype=_UTC), "minutes": pd.Series(dtype=int)}
        ),
        invoices=pd.DataFrame(columns=["issue_date", "due_date", "total", "paid_on", "status"]),
        current=current,
        previous=previous,
        hours_per_month=20,
        today=date(2025, 4, 1),
        tz="UTC",
    )
    keep = Recommendation(
        Rule.OVER_USE, "Keep the plan.", Decimal(900), Decimal(900), None, Decimal(20)
    )
    proposal = Proposal(
        client=name,
        contract_reference="CD-1",
        currency="EUR",
        term=current,
        new_term_months=12,
        prepared_on=date(2025, 4, 1),
        prepared_by="Ann Manager",
        check=check,
        recommendations=[keep],
    )
    return proposal_pdf(proposal)


def compliance_report(name: str) -> bytes:
    return risk_pdf([], on=ON, company=name)


def billing_backup(name: str) -> bytes:
    invoice = Invoice("INV-1", "K1", "C1", "EUR", ON, date(2026, 4, 1), lines=())
    return backup_pdf(invoice, client_name=name)


def weekly_report(name: str) -> bytes:
    empty = pd.DataFrame()
    view = ExecutiveView(
        currency="EUR",
        currencies=["EUR"],
        tiles=[Kpi("Renewal rate", 0.5, 0.25, "share")],
        pipeline=pd.DataFrame(columns=["stage", "value"]),
        margin_tier=empty,
        revenue=empty,
        utilisation=empty,
        sla_trend=empty,
        underperforming=pd.DataFrame(columns=["reference", "client", "tier", "why"]),
        missing=[name],
    )
    return report_pdf(view, week_start=date(2026, 2, 23), week_end=date(2026, 3, 1))


def sla_client_report(name: str) -> bytes:
    due = pd.Timestamp("2026-02-02 10:00", tz="UTC")
    tickets = pd.DataFrame(
        {
            "ticket_id": [1, 1],
            "external_id": ["T-1", "T-1"],
            "client": [name, name],
            "created_at": [due - pd.Timedelta(hours=2)] * 2,
            "priority": ["P2", "P2"],
            "service_type": ["incident", "incident"],
            "metric": ["response", "resolution"],
            "state": ["met", "breached"],
            "due_at": [due, due],
            "target_min": [30.0, 120.0],
            "elapsed_min": [12.0, 180.0],
        }
    )
    now = datetime(2026, 3, 2, 8, tzinfo=UTC)
    return client_report_pdf(tickets, client=name, start=None, end=None, now=now)


BUILDERS: dict[str, Callable[[str], bytes]] = {
    "renewal_proposal": renewal_proposal,
    "compliance_report": compliance_report,
    "billing_backup": billing_backup,
    "weekly_report": weekly_report,
    "sla_client_report": sla_client_report,
}


def test_dejavu_is_installed_here() -> None:
    assert (FONT_DIR / documents.pdf.REGULAR).is_file(), "fonts-dejavu-core is expected"
    assert ReportPDF().unicode


def test_unicode_text_round_trips_with_dejavu() -> None:
    pdf = ReportPDF()
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 12)
    pdf.cell(0, 8, pdf.printable(SAMPLE))
    assert pdf_text(bytes(pdf.output())) == SAMPLE


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_every_report_keeps_unicode_with_dejavu(build) -> None:
    assert SAMPLE in pdf_text(build(SAMPLE))


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_every_report_folds_without_dejavu(build, monkeypatch, tmp_path) -> None:
    # The weekly report used to pass "€" straight to Helvetica and fail.
    monkeypatch.setattr(documents.pdf, "FONT_DIR", tmp_path)  # an empty font folder
    text = pdf_text(build(SAMPLE))
    assert READ_BACK in text
    assert SAMPLE not in text


def test_font_dir_argument_overrides_the_module_folder(tmp_path) -> None:
    assert ReportPDF(font_dir=None).family == "DejaVu"
    core = ReportPDF(font_dir=tmp_path)
    assert (core.family, core.unicode, core.printable(SAMPLE)) == ("Helvetica", False, FOLDED)


def test_printable_blanks_missing_values() -> None:
    pdf = ReportPDF()
    assert pdf.printable(None) == pdf.printable(float("nan")) == ""
    assert pdf.printable(12.5) == "12.5"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        (SAMPLE, FOLDED),
        ("Łódź – “ok” € ✓", '?ódz - "ok" EUR  ?'),  # Ł has no plain letter, ź drops its accent
        ("‘a’ … b\u00a0c × 2 ≤ 3 — d", "'a' ... b c x 2 <= 3 - d"),
        ("Zoë Ørsted, Müller GmbH", "Zoë Ørsted, Müller GmbH"),  # Latin-1 stays as it is
        ("ﬁle ™", "file TM"),  # compatibility forms spelt out
    ],
)
def test_fold_latin1(text: str, folded: str) -> None:
    assert fold_latin1(text) == folded
    assert folded.encode("latin-1")
