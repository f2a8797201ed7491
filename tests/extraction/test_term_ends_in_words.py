"""Expiration dates a term states in words or in a list (issue 13, third round): each kind
with a near miss that must give no such end."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.extract import terms_from_document

PREAMBLE = (
    'SERVICES AGREEMENT\n\nThis Agreement is made as of March 1, 2020 (the "Effective Date") '
    'by and between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)


def _expiration(text: str) -> object:
    field = terms_from_document(build_document([PREAMBLE + text + "\n"])).get("expiration_date")
    return field.normalized if field is not None else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5. Term. This agreement will be in effect until the end of 2026 and will be evaluated "
         "at that time.", "2026-12-31"),
        ("5. Term. This Agreement shall remain in effect through the end of calendar year 2027.",
         "2027-12-31"),
        ("5. Term. This Agreement shall remain in effect until the end of the current calendar "
         "year and shall be automatically renewed for successive one (1) year periods.",
         "2020-12-31"),
        ("5. Term. This Agreement shall commence on the Effective Date and shall continue for "
         "ten (10) Contract Years, unless terminated earlier.", "2030-03-01"),
        ("5. Term. The term of this Agreement will commence on the Effective Date and will end "
         "automatically upon the end of Year 3.", "2023-03-01"),
    ],
)  # fmt: skip
def test_an_end_stated_in_words(text, expected):
    assert _expiration(text) == expected


def test_a_price_list_through_the_end_of_a_year_ends_nothing():
    text = "7. Prices. The prices in Schedule A apply through the end of calendar year 2027."
    assert _expiration(text) is None


def test_contract_years_from_a_later_commencement_date_give_no_end():
    text = (
        '1. "Contract Year" shall mean a period commencing on the Commencement Date and ending '
        "on the same day of the following calendar year.\n\n5. Term. This Agreement shall "
        "commence on the Effective Date and continue until the end of the fifteenth (15th) "
        "Contract Year."
    )
    assert _expiration(text) is None


def test_the_anniversary_in_a_list_of_events_is_the_end_not_perpetual():
    text = (
        "6.2 Unless otherwise agreed between the Parties, this Agreement shall remain in effect "
        "until the earlier of the below events occur:\n(a) The fifth (5th) anniversary of this "
        "Agreement; and\n(b) Acme ceasing to own more than 1,000 shares of Bolt."
    )
    assert _expiration(text) == "2025-03-01"


def test_a_list_of_events_without_a_date_still_runs_until_one_occurs():
    text = (
        "6.2 This Agreement shall remain in effect until the earlier of the below events occur:\n"
        "(a) Acme ceasing to own shares of Bolt; and\n(b) the dissolution of Bolt."
    )
    assert _expiration(text) == "perpetual"


def test_a_term_counted_thereafter_from_the_start_it_names():
    text = (
        "5. Term. Unless terminated sooner, the term of this Agreement shall begin on the "
        'Effective Date and continue for three (3) years thereafter (the "Initial Term").'
    )
    assert _expiration(text) == "2023-03-01"
    covenant = (
        "9. During the Term of this Agreement and for a period of three (3) years thereafter, "
        "neither party shall solicit the other's employees."
    )
    assert _expiration(covenant) is None


def test_effective_through_and_including_a_date():
    text = "5. Term. This Agreement shall be effective through and including March 31, 2024."
    assert _expiration(text) == "2024-03-31"
