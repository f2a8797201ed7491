"""Expiration dates by the kinds still missed on unseen contracts (issue 13, fifth round): each
kind the contract states, with a near miss that must not give that end."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.extract import terms_from_document

PREAMBLE = (
    'SERVICES AGREEMENT\n\nThis Agreement is made as of March 1, 2020 (the "Effective Date") '
    'by and between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)
# Dated, but no Effective Date stated: the agreement date is only a suggested start.
DATED_ONLY = (
    "CONTENT LICENSE AGREEMENT\n\nThis Agreement is made as of February 19, 2021 by and between "
    'Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)


def _expiration(text: str, preamble: str = PREAMBLE) -> object:
    field = terms_from_document(build_document([preamble + text + "\n"])).get("expiration_date")
    return field.normalized if field is not None else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the later of a count from the start and an event: the count is the end it states
        ("(a) Unless earlier terminated as provided below, this Agreement shall remain in effect "
         "until the later to occur of the date that is (x) three (3) years from the date hereof "
         "and (y) the date on which an affiliate of Bolt is not acting as the external manager "
         "of Acme.", "2023-03-01"),
        ("This Agreement shall be effective as of the date first set forth above and, shall "
         "expire on the later of (i) five (5) years from the date hereof, or (ii) the completion "
         "of the Services for any project identified in a contract.", "2025-03-01"),
        # the near miss: a count from some other event is no end of the agreement
        ("(1) Confidential Information shall be kept in confidence until the earlier of (i) "
         "sixty (60) months from the date of disclosure to a Receiving Party or (ii) the date "
         "such information ceases to be confidential.", None),
    ],
)  # fmt: skip
def test_the_later_of_a_count_from_the_start_and_an_event(text, expected):
    assert _expiration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7.1 This Agreement shall take effect from the Effective Date and continue in full "
         "force and effect for twenty (20) years thereafter, unless otherwise terminated in "
         "accordance with Clause 8.", "2040-03-01"),
        ("12.1 This Agreement shall come into force on the Effective Date and shall remain in "
         "force for a period of three (3) years.", "2023-03-01"),
        # the near miss: a covenant that runs on after the agreement took effect
        ("7.1 This Agreement shall take effect from the Effective Date. The confidentiality "
         "obligations shall continue in force for five (5) years thereafter.", None),
    ],
)  # fmt: skip
def test_taking_effect_and_continuing_for_a_term(text, expected):
    assert _expiration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the term of the agreement runs in parts, the longest of them in perpetuity
        ("12.1 Term. (a) Unless earlier terminated pursuant to the provisions hereof, the term of "
         "this Agreement and the licenses granted under this Agreement shall (i) with respect to "
         "the Licensed Trademarks, be for the Trademark License Term, and (ii) with respect to "
         "Copyrights, Know-How and Patents, be in perpetuity.", "perpetual"),
        # the near miss: a perpetual licence inside an agreement with a fixed term
        ("2. Licence. Acme grants Bolt a perpetual, irrevocable licence to use the Know-How. "
         "3. Term. The term of this Agreement shall be three (3) years.", "2023-03-01"),
    ],
)  # fmt: skip
def test_a_term_in_perpetuity(text, expected):
    assert _expiration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a party's duty for a period, in the Term section, is not the agreement's end
        ("4. TERM\n4.1 Commencing on the Effective Date and continuing until March 15, 2021, "
         "Acme shall deliver to Bolt the Advertising Impressions set forth in Exhibit G.", None),
        # the near miss: the same period stated for the agreement itself
        ("4. TERM\n4.1 Commencing on the Effective Date and continuing until March 15, 2021, "
         "this Agreement shall remain in full force and effect.", "2021-03-15"),
    ],
)  # fmt: skip
def test_the_period_of_a_partys_duty_is_not_the_agreements_end(text, expected):
    assert _expiration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a payment schedule's date, far past a 'Development Term' named in the same sentence
        ("(ii) Acme shall pay Bolt the amount by which the Elected Total Amount exceeds the sum of "
         "(a) the Initial Development Cost Payment, (b) the Interim Management Fee and (c) all "
         "Approved Third Party Vendor Costs expected to be paid by Acme through the end of the "
         "Development Term, which costs shall be paid pro rata in five (5) equal quarterly "
         "payments within thirty days after the end of each Calendar Quarter beginning for the "
         "Calendar Quarter ending March 31, 2022.", None),
        # the near miss: a term named right after the date it ends on
        ("(a) Bolt's obligations set out herein shall be performed from the Effective Date until "
         'December 31, 2022 (the initial "Services Term").', "2022-12-31"),
    ],
)  # fmt: skip
def test_a_term_named_near_the_date(text, expected):
    assert _expiration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # signed after its term began: the term sentence's end stands, though before the signing
        ("1. TERM: The rights granted hereunder shall be effective as of the Effective Date and "
         'shall expire on December 31, 2020 (the "Term").', "2020-12-31"),
        # the near miss: a period named in passing, not the agreement's term
        ("5. Licensee's term of exclusivity with respect to the Video Clips shall expire on "
         "October 29, 2020, and Licensee's right to distribute the Video Clips shall continue.",
         None),
    ],
)  # fmt: skip
def test_an_end_before_a_suggested_start(text, expected):
    assert _expiration(text, DATED_ONLY) == expected


def test_an_end_before_a_stated_start_is_refused():
    text = (
        "1. TERM: The rights granted hereunder shall be effective as of the Effective Date and "
        'shall expire on December 31, 2019 (the "Term").'
    )
    assert _expiration(text) != "2019-12-31"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 'All terms of this Agreement will commence on X, and expire on Y': the agreement's term
        ("All terms of this Agreement will automatically commence on November 1st, 2020, and "
         "expire on November 2nd, 2023.", "2023-11-02"),
        # the near miss: the other terms staying in force through a period end nothing
        ("All other terms of this Agreement shall remain the same through December 31, 2023, "
         "except as amended by this Amendment.", None),
    ],
)  # fmt: skip
def test_all_terms_of_the_agreement_commencing_and_expiring(text, expected):
    assert _expiration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 'for the entire four (4) year term' is the agreement's term
        ("1.2 If Bolt does not timely exercise its right to terminate this Agreement, then Bolt "
         "agrees that this Agreement shall continue for the entire four (4) year term unless "
         "earlier terminated pursuant to Section 8.", "2024-03-01"),
        # 'a three (3) year period commencing on the Effective Date' in the term sentence
        ('3. The term of this Agreement (the "Term") shall commence on the Effective Date and '
         'terminate at the end of the Exclusivity Period (i.e., a three (3) year period '
         "commencing on the Effective Date).", "2023-03-01"),
        # the near miss: an option's period from the start is not the agreement's term
        ("5. Acme grants to Bolt a non-exclusive option, exercisable during the two (2) year "
         "period beginning on the Effective Date, to develop plans for the Products.", None),
    ],
)  # fmt: skip
def test_a_term_stated_as_a_period_of_the_agreement(text, expected):
    assert _expiration(text) == expected
