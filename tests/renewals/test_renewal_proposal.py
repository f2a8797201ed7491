"""Proposal rendering: Markdown text and a real PDF read back with pdfplumber."""

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest

import documents.pdf
from renewals.healthcheck import Term
from renewals.proposal import Proposal, proposal_markdown, proposal_pdf
from renewals.recommend import CurrentPlan, Tier, recommend

CLIENT = "Łódź Café – Ops | GmbH"


@pytest.fixture
def proposal(check):
    plan = CurrentPlan("silver", Decimal("20"), Decimal("1000.00"))
    usage = check.usage[check.usage["period"] <= "2025-03"]
    recs = recommend(plan=plan, usage=usage, tiers=[Tier("gold", Decimal("30"), Decimal("1400"))])
    return Proposal(
        client=CLIENT,
        contract_reference="CD-2024-017",
        currency="EUR",
        term=Term(date(2024, 7, 1), date(2025, 6, 30)),
        new_term_months=12,
        prepared_on=date(2025, 4, 1),
        prepared_by="Ann Manager",
        check=check,
        recommendations=recs,
        health_score=58.4,
    )


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


def test_markdown_has_summary_recommendation_and_price(proposal):
    text = proposal_markdown(proposal)
    assert text.startswith(f"# Renewal proposal: {CLIENT}\n")
    assert (
        "Contract CD-2024-017 - term 2024-07-01 to 2025-06-30 - prepared 2025-04-01 by Ann Manager"
    ) in text
    # Internal figures stay out of the client's document.
    assert "health score" not in text.lower() and "paid on time" not in text.lower()
    assert "| SLA compliance | 50.0% | 75.0% |" in text
    assert "| Hours used | 40.0 | 105.0 |" in text
    assert "| 2025-03 | 23.0 | 20.0 |" in text
    assert "**Used more than 10% over contracted hours in 3 of the last 4 periods" in text
    assert "- average demand hours: 24.0" in text
    assert "| Proposed price | EUR 1,400.00 | EUR 16,800.00 |" in text
    assert "| Difference | EUR 400.00 | EUR 4,800.00 |" in text


def test_pdf_text_with_unicode_font(proposal):
    assert documents.pdf.FONT_DIR.is_dir(), "fonts-dejavu-core is expected on build machines"
    data = proposal_pdf(proposal)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert f"Renewal proposal: {CLIENT}" in text
    assert "SLA compliance 50.0% 75.0%" in text
    assert "Utilisation 16.7% 58.1%" in text
    assert "move to tier gold." in text
    assert "Proposed price EUR 1,400.00 EUR 16,800.00" in text
    assert "24-12 25-01 25-02 25-03" in text  # chart month labels


def test_pdf_falls_back_to_core_fonts(proposal, monkeypatch, tmp_path):
    monkeypatch.setattr(documents.pdf, "FONT_DIR", tmp_path)  # an empty font folder
    text = pdf_text(proposal_pdf(proposal))
    assert "Renewal proposal: ?ódz Café - Ops | GmbH" in text  # folded as every report does
    assert "Proposed price EUR 1,400.00 EUR 16,800.00" in text


def test_pdf_is_repeatable(proposal):
    assert proposal_pdf(proposal) == proposal_pdf(proposal)


def test_proposal_needs_a_recommendation(proposal):
    with pytest.raises(ValueError, match="recommendation"):
        proposal_markdown(replace(proposal, recommendations=[]))


def test_issue_18_client_name_markup_stays_text_in_the_markdown(proposal):
    evil = "<img src=https://evil.example/p.png> [Pay here](https://evil.example) Co"
    text = proposal_markdown(replace(proposal, client=evil))
    first = text.splitlines()[0]
    assert first == (
        "# Renewal proposal: \\<img src=https\\://evil.example/p.png\\> "
        "\\[Pay here\\]\\(https\\://evil.example\\) Co"
    )


def test_issue_18_client_name_markup_stays_text_in_the_pdf(proposal):
    evil = "<b>Bold</b> [Pay here](https://evil.example) **Co**"
    data = proposal_pdf(replace(proposal, client=evil))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert all(not page.hyperlinks and not page.annots for page in pdf.pages)
    assert evil in " ".join(pdf_text(data).split())  # drawn literally, wrapped
