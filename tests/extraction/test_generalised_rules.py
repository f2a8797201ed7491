"""Kinds of wording the rules missed on unseen contracts (issue 13), one test per kind."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.extract import terms_from_document

PREAMBLE = (
    "SUPPLY AGREEMENT\n\nThis Agreement is made as of March 1, 2020 (the \"Effective Date\") by "
    "and between Acme Widgets, Inc. (\"Acme\") and Bolt Stores LLC (\"Bolt\").\n\n"
)


def _terms(text: str, preamble: str = PREAMBLE) -> dict:
    return terms_from_document(build_document([preamble + text]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This Agreement shall continue until the four (4) year anniversary of the Effective "
         "Date (the \"Term\").", "2024-03-01"),
        ("The term of this Agreement shall end on the fifth anniversary of the Effective Date.",
         "2025-03-01"),
        ("The Term shall commence on the date of this Agreement and shall end as of December 31, "
         "2030.", "2030-12-31"),
        ("This Agreement shall continue in effect thereafter until terminated pursuant to "
         "Section 4.", "perpetual"),
    ],
)  # fmt: skip
def test_expiration_wording(text, expected):
    field = _terms(text).get("expiration_date")
    assert field is not None and field.normalized == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Initial Term shall be extended automatically for a period of twelve (12) months "
         "unless either party objects.", {"n": 12, "unit": "month"}),
        ("The term of this Agreement shall be one (1) year, automatically renewing annually "
         "thereafter.", {"n": 1, "unit": "year"}),
        ("This Agreement shall commence on the Effective Date and continue for five (5) years "
         "(the \"Initial Term\"). Upon the expiry of the Initial Term this Agreement shall "
         "automatically renew for successive terms of the same duration.",
         {"n": 5, "unit": "year"}),
    ],
)  # fmt: skip
def test_renewal_wording(text, expected):
    field = _terms(text).get("renewal_term")
    assert field is not None and field.normalized == expected


def test_notice_against_the_end_of_the_term_is_the_non_renewal_notice():
    found = _terms(
        "This Agreement may be terminated by either party upon written notice of termination no "
        "later than ninety (90) calendar days prior to the expiration of the then-current Term."
    )
    assert found["notice_period"].normalized == {"n": 90, "unit": "day"}


def test_termination_for_breach_notice_is_not_the_renewal_notice():
    found = _terms(
        "Either party may terminate this Agreement upon thirty (30) days written notice if the "
        "other party is in material breach."
    )
    assert "notice_period" not in found


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("This Agreement is dated as of November ___, 2006 by the parties.",
         {"blank": True, "year": 2006, "month": 11}),
        ("This Agreement is made this ____ day of March, 2018 by the parties.",
         {"blank": True, "year": 2018, "month": 3}),
        ("This Agreement is entered into on the 1s t day of June, 2004 by the parties.",
         "2004-06-01"),
    ],
)  # fmt: skip
def test_agreement_date_forms(line, expected):
    field = terms_from_document(build_document([f"LICENSE AGREEMENT\n\n{line}\n"])).get(
        "agreement_date"
    )
    assert field is not None and field.normalized == expected


def test_effective_as_of_the_date_first_written_takes_the_agreement_date():
    found = _terms(
        "This Agreement shall become effective as of the date first above written.",
        preamble="LICENSE AGREEMENT\n\nThis License Agreement is dated June 5, 2019 by and "
        'between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n',
    )
    assert found["effective_date"].normalized == "2019-06-05"


def test_an_appointment_effective_on_the_date_hereof_is_not_the_agreements_start():
    found = _terms(
        "Bolt agrees to act as an independent contractor effective upon the date hereof.",
        preamble="SERVICING AGREEMENT\n\nThis Servicing Agreement is dated June 5, 2019 by and "
        'between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n',
    )
    assert "effective_date" not in found


def test_parties_from_a_definitions_clause_without_a_preamble():
    doc = build_document(
        [
            "FLEET MAINTENANCE AGREEMENT\n\n1. Definitions\n"
            '"SEV" means SEV Group Limited, a company registered in England.\n'
            '"DCL" means Dairy Crest Limited, a company registered in England.\n'
            '"Vehicles" means the vehicles listed in Schedule 1.\n'
        ]
    )
    names = [p["name"] for p in terms_from_document(doc)["parties"].normalized]
    assert names == ["SEV Group Limited", "Dairy Crest Limited"]


def test_party_names_lose_addresses_and_affiliates():
    doc = build_document(
        [
            "DISTRIBUTION AGREEMENT\n\nThis Agreement is made by and between ArTara, Inc. "
            'located at 1 Little West 12th Street, New York ("ArTara") and Capsugel US, LLC and '
            'its Affiliates ("Capsugel"), and ASHWORTH, INC. (The "Company" or "Ashworth").\n'
        ]
    )
    names = [p["name"] for p in terms_from_document(doc)["parties"].normalized]
    assert names == ["ArTara, Inc.", "Capsugel US, LLC", "ASHWORTH, INC."]
