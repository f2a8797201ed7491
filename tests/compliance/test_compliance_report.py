"""Risk report export: CSV read back with pandas, PDF text read back with pdfplumber."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pdfplumber
import pytest

from compliance.gaps import gaps
from compliance.report import gaps_csv, risk_pdf
from compliance.requirements import (
    Assignment,
    CompanyCertification,
    ContractRequirements,
    HeldCredential,
    Holdings,
    InsurancePolicy,
    InsuranceRequirement,
    ProviderCertification,
    TechnicianCredential,
)
from documents.pdf import FONT_DIR, fold_latin1

ON = date(2026, 3, 2)


def sample() -> list:
    contract = ContractRequirements(
        "C-42",
        date(2025, 1, 1),
        insurance=(InsuranceRequirement("cyber", Decimal("1000000"), "EUR"),),
        certifications=(ProviderCertification("ISO 27001"),),
        credentials=(TechnicianCredential("DBS check"),),
    )
    holdings = Holdings(
        policies=(InsurancePolicy("cyber", Decimal("1000000"), date(2026, 4, 1), "EUR"),),
        certifications=(CompanyCertification("ISO 27001", None, date(2024, 6, 1)),),
        credentials=(HeldCredential("T-9", "DBS check", date(2023, 1, 1), date(2026, 3, 1)),),
    )
    return gaps([contract], holdings, [Assignment("T-9", "C-42", date(2025, 1, 1))], ON)


def pdf_text(data: bytes) -> tuple[int, str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages), "\n".join(page.extract_text() for page in pdf.pages)


def test_csv_round_trips_every_gap() -> None:
    frame = pd.read_csv(io.BytesIO(gaps_csv(sample())))
    assert frame[["contract_id", "requirement", "severity", "days_until"]].values.tolist() == [
        ["C-42", "credential: DBS check", "critical", -1],
        ["C-42", "insurance: cyber", "high", 30],
        ["C-42", "certification: ISO 27001", "low", -639],
    ]
    assert frame["key"].tolist()[0] == "C-42|credential: DBS check|technician:T-9|2026-03-01"


def test_csv_defuses_spreadsheet_formulas() -> None:
    contract = ContractRequirements(
        '=HYPERLINK("http://x")',
        date(2025, 1, 1),
        certifications=(ProviderCertification("ISO 9001"),),
    )
    text = gaps_csv(gaps([contract], Holdings(), [], ON)).decode("utf-8")
    assert text.splitlines()[1].startswith('"\'=HYPERLINK(""http://x"")",')


@pytest.mark.skipif(not FONT_DIR.exists(), reason="DejaVu fonts not installed on this machine")
def test_pdf_reads_back_with_unicode_font() -> None:
    pages, text = pdf_text(risk_pdf(sample(), on=ON, company="Northfield IT — Zürich"))
    lines = text.splitlines()
    assert pages == 1
    assert lines[0] == "Compliance risk report"
    assert lines[1] == "Northfield IT — Zürich - as of 2026-03-02: 2 gaps, 1 advisories"
    assert "C-42 1 1 0 1 critical 2026-03-01" in lines
    assert "T-9 1 0 0 0 critical 2026-03-01" in lines
    assert (
        "critical C-42 T-9 credential: DBS check 2026-03-01 DBS check for technician T-9 expired "
        "on 2026-03-01; no renewal recorded"
    ) in lines
    assert "EUR 1,000,000.00" in text
    assert lines[-1] == "Compliance risk report - page 1/1"


def test_pdf_without_unicode_font_folds_to_safe_characters(tmp_path) -> None:
    pages, text = pdf_text(
        risk_pdf(sample(), on=ON, company="Northfield IT — €uro ≥ 1 ✓", font_dir=tmp_path)
    )
    assert pages == 1
    assert text.splitlines()[1] == (
        "Northfield IT - EUR uro >= 1 ? - as of 2026-03-02: 2 gaps, 1 advisories"
    )
    assert fold_latin1("“quoted” … café") == '"quoted" ... café'


def test_pdf_of_no_gaps_says_so() -> None:
    _, text = pdf_text(risk_pdf([], on=ON))
    assert "as of 2026-03-02: 0 gaps, 0 advisories" in text
    assert "No gaps: every requirement is met for the whole horizon." in text


def test_long_report_spans_pages_with_numbered_footer() -> None:
    contracts = [
        ContractRequirements(
            f"C-{n:03}", date(2025, 1, 1), certifications=(ProviderCertification("ISO 9001"),)
        )
        for n in range(120)
    ]
    found = gaps(contracts, Holdings(), [], ON)
    assert len(found) == 120
    pages, text = pdf_text(risk_pdf(found, on=ON))
    assert pages > 3
    assert f"Compliance risk report - page {pages}/{pages}" in text
    assert text.count("certification: ISO 9001 2025-01-01") == 120


def test_pdf_contains_upcoming_gap_start_dates() -> None:
    found = sample()
    starts = {g.starts for g in found}
    assert starts == {date(2026, 3, 1), ON + timedelta(days=30), date(2024, 6, 1)}
    _, text = pdf_text(risk_pdf(found, on=ON))
    assert "high C-42 insurance: cyber 2026-04-01" in text


def test_very_long_report_lists_the_most_urgent_and_counts_the_rest() -> None:
    contracts = [
        ContractRequirements(
            f"C-{n:03}", date(2025, 1, 1), certifications=(ProviderCertification("ISO 9001"),)
        )
        for n in range(80)
    ]
    found = gaps(contracts, Holdings(), [], ON)
    _, text = pdf_text(risk_pdf(found, on=ON, max_rows=50))
    assert text.count("certification: ISO 9001 2025-01-01") == 50
    assert "... and 30 less urgent gaps: see the CSV export." in text
