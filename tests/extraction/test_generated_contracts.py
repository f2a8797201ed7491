"""Every field on generated contracts, with the exact values the generator wrote."""

from __future__ import annotations

import json

import pytest

from tests.extraction.conftest import CASES

# ExpectedTerms attribute -> (ContractTerms field, how to read the normalized value)
SIMPLE = {
    "document_type": "document_type",
    "agreement_date": "agreement_date",
    "effective_date": "effective_date",
    "initial_term": "initial_term",
    "expiration_date": "expiration_date",
    "auto_renewal": "auto_renewal",
    "renewal_term": "renewal_term",
    "notice_period": "notice_period",
    "governing_law": "governing_law",
    "recurring_fees": "recurring_fees",
    "hourly_rates": "hourly_rates",
    "sla_targets": "sla_targets",
    "coverage_hours": "coverage_hours",
    "included_services": "included_services",
    "excluded_services": "excluded_services",
    "insurance": "insurance",
    "liability_cap": "liability_cap",
    "certifications": "certifications",
    "warranty_duration": "warranty_duration",
}


@pytest.mark.parametrize(("template", "seed"), CASES)
@pytest.mark.parametrize("attr", sorted(SIMPLE))
def test_field_matches_generator(generated, template, seed, attr):
    expected, terms = generated[(template, seed)]
    want = getattr(expected, attr)
    got = getattr(terms, SIMPLE[attr])
    if attr == "effective_date" and got is None:
        # The generator expects the agreement date where no effective date is written; that
        # reading is a guess, so it may only come as a suggestion, never as the value.
        got = terms.suggestions.get("effective_date")
        if got is not None:
            assert terms.agreement_date is not None
            assert got.normalized == terms.agreement_date.normalized
            assert got.confidence < 0.5
    if want is None:
        assert got is None, f"{attr} invented: {got}"
    else:
        assert got is not None, f"{attr} missing"
        assert got.normalized == want


@pytest.mark.parametrize(("template", "seed"), CASES)
def test_parties_and_roles(generated, template, seed):
    expected, terms = generated[(template, seed)]
    assert terms.provider.normalized == expected.provider
    assert terms.customer.normalized == expected.customer
    assert [p["role"] for p in terms.parties.normalized] == ["provider", "customer"]


@pytest.mark.parametrize(("template", "seed"), CASES)
def test_escalation_credits_termination_tier(generated, template, seed):
    expected, terms = generated[(template, seed)]
    if expected.escalation_contacts is None:
        assert terms.escalation is None
    else:
        assert terms.escalation.normalized == {"contacts": expected.escalation_contacts}
    if expected.service_credit_percent is None:
        assert terms.service_credits is None
    else:
        assert [c["percent"] for c in terms.service_credits.normalized] == [
            expected.service_credit_percent
        ]
    if expected.termination_notice is None:
        assert terms.termination_for_convenience is None
    else:
        assert terms.termination_for_convenience.normalized == {
            "by": "Either party",
            "notice": expected.termination_notice,
        }
    if expected.service_tier is None:
        assert terms.service_tier is None
    else:
        assert terms.service_tier.normalized["tier"] == expected.service_tier


def test_inferred_tier_says_why(generated):
    _, terms = generated[("msa_sla", 1)]
    tier = terms.service_tier.normalized
    assert tier["inferred"] is True
    assert tier["reason"].startswith("coverage ")
    assert "Inferred" in terms.service_tier.snippet


def test_stated_tier_is_not_inferred(generated):
    _, terms = generated[("managed_prose", 1)]
    assert terms.service_tier.normalized["inferred"] is False


@pytest.mark.parametrize(("template", "seed"), CASES)
def test_provenance_points_into_the_page_text(generated, template, seed):
    _, terms = generated[(template, seed)]
    for name, field in terms.terms().items():
        assert 1 <= field.page <= terms.page_count, name
        page = terms.pages[field.page - 1]
        assert 0 <= field.start <= field.end <= len(page), name
        assert 0.0 <= field.confidence <= 1.0, name
        assert field.snippet, name
    law = terms.governing_law
    assert law is None or terms.pages[law.page - 1][law.start : law.end] == law.normalized


@pytest.mark.parametrize(("template", "seed"), CASES)
def test_to_dict_is_json_and_complete(generated, template, seed):
    expected, terms = generated[(template, seed)]
    data = json.loads(json.dumps(terms.to_dict()))
    assert data["page_count"] == expected.pages == len(data["pages"])
    law = terms.governing_law
    assert data["governing_law"] == (
        None if law is None else {**law.to_dict(), "location": terms.location(law)}
    )


def test_sla_table_is_read_by_pdfplumber_only_on_its_page(generated):
    _, terms = generated[("msa_sla", 1)]
    assert {t.page for t in terms.tables} == {2}
    assert terms.tables[0].rows[0] == [
        "Priority",
        "Description",
        "Response Time",
        "Resolution Time",
    ]


def test_ten_page_contract_is_still_read(tmp_path):
    from demo.contract_pdfs import DemoContractSpec, generate_contract
    from extraction import extract

    expected = generate_contract(DemoContractSpec("block_hours", 5, pages=10), tmp_path / "ten.pdf")
    terms = extract(tmp_path / "ten.pdf")
    assert expected.pages == terms.page_count == 10
    assert terms.hourly_rates.normalized == expected.hourly_rates
    assert terms.expiration_date.normalized == expected.expiration_date


def test_generator_is_deterministic(tmp_path):
    from demo.contract_pdfs import DemoContractSpec, generate_contract

    a = generate_contract(DemoContractSpec("msa_sla", 9), tmp_path / "a.pdf")
    b = generate_contract(DemoContractSpec("msa_sla", 9), tmp_path / "b.pdf")
    assert a == b
