"""Term, renewal and notice wording from unseen contracts (issue 13), one test per kind."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.extract import terms_from_document

PREAMBLE = (
    'SERVICES AGREEMENT\n\nThis Agreement is made as of March 1, 2020 (the "Effective Date") '
    'by and between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)


def _terms(text: str, preamble: str = PREAMBLE) -> dict:
    return terms_from_document(build_document([preamble + text]))


def _normalized(text: str, name: str):
    field = _terms(text).get(name)
    return field.normalized if field is not None else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a covenant that runs after the term is not the term
        ("During the Term of this Agreement and for a period of three (3) years thereafter, "
         "neither party shall solicit the other's employees.\n\nThe term of this Agreement "
         "shall be for two (2) years.", "2022-03-01"),
        # the term stated as a distance from the start
        ("Unless sooner terminated, this Agreement will continue in full force beginning on the "
         "Effective Date and ending two (2) years thereafter (\"Term\").", "2022-03-01"),
        ("Unless terminated earlier as provided herein, this Agreement shall terminate on the "
         "date three (3) years from the Effective Date.", "2023-03-01"),
        ("The initial term of this Agreement shall, unless sooner terminated, expires in five (5) "
         "years from the date of Effective Date.", "2025-03-01"),
        ("The initial term of this Agreement shall commence on the Effective Date, and shall "
         "continue thereafter for a period of twelve (12) months (the \"Initial Term\").",
         "2021-03-01"),
        ("This Agreement shall be in full force and effect commencing on the date of execution "
         "and shall extend for an initial term of two (2) years.", "2022-03-01"),
        # the end date a term sentence states
        ("The term of this Agreement shall begin on the Effective Date and shall remain in "
         "effect until the later of (a) July 31, 2021 or (b) the date the Parties enter into "
         "a commercial supply agreement.", "2021-07-31"),
        ("TERM: March 1, 2020 to October 31, 2023", "2023-10-31"),
        ("\"Term\" shall mean the Effective Date through June 15, 2023 and any Renewal Term.\n\n"
         "Support for the software shall be provided for a term of one (1) year.", "2023-06-15"),
        # anniversaries
        ("The term of this Agreement will begin on the Effective Date and will end on the "
         "second (2nd) anniversary of the Effective Date.", "2022-03-01"),
        ("This Agreement shall expire upon the earlier of (i) the first anniversary of the "
         "Effective Date and (ii) the date that all Shares have been sold (the \"Term\").",
         "2021-03-01"),
        # indefinite terms
        ("The term of this Agreement commences on the Effective Date and continues in "
         "perpetuity, unless termination occurs pursuant to Section 4.", "perpetual"),
        ("Period of services: this Agreement is valid for an indefinite term.", "perpetual"),
        ("This Agreement shall expire if the Investment Adviser or one of its affiliates ceases "
         "to serve as investment adviser to the Licensee.", "perpetual"),
    ],
)  # fmt: skip
def test_expiration_wording(text, expected):
    assert _normalized(text, "expiration_date") == expected


@pytest.mark.parametrize(
    "text",
    [
        # the start is an event: no calendar end can be computed
        "This Agreement shall come into effect on the Effective Date and shall continue in full "
        'force for ten (10) years from the Launch (the "Initial Term").',
        # another term's definition: its dates and durations are not the agreement's
        '1.23 "Calendar Quarter" means the respective periods of three (3) consecutive '
        "calendar months ending on March 31, June 30, September 30 and December 31, 2020; the "
        "first Calendar Quarter of the Term shall begin on the Effective Date.",
    ],
)
def test_no_expiration_from_an_event_or_another_definition(text):
    assert _normalized(text, "expiration_date") is None


def test_a_day_of_a_month_is_no_duration():
    preamble = "SERVICES AGREEMENT\n\n"
    text = (
        'This Agreement (this "Agreement"), effective as of this 30 day of June 2016 (the '
        '"Effective Date"), is made by Acme Widgets, Inc. and Bolt Stores LLC.'
    )
    assert _terms(text, preamble).get("initial_term") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In the event that either party does not give such notice, the term of this Agreement "
         "shall be automatically renewed for another one (1) year.", {"n": 1, "unit": "year"}),
        ("This Agreement shall be automatically renewed for additional extended terms each of "
         "two (2) years duration unless either party notifies the other in writing.",
         {"n": 2, "unit": "year"}),
        ("This Agreement will automatically renew at the end of the Initial Term on a year to "
         "year basis (each, a \"Renewal Term\"), unless either party notifies the other at "
         "least 30 days prior to the end of the then current Renewal Term.",
         {"n": 1, "unit": "year"}),
    ],
)  # fmt: skip
def test_renewal_wording(text, expected):
    assert _normalized(text, "renewal_term") == expected


@pytest.mark.parametrize(
    "text",
    [
        '"Calendar Year" means each successive period of twelve (12) months commencing on '
        "January 1 during the Term of this Agreement.",
        "If applicable law requires longer notice prior to the expiration of the term, this "
        "Agreement will remain in effect on a month-to-month basis until the requisite notice "
        "has been given.",
        "Supplier may increase the prices at the end of the first calendar year of this "
        "Agreement and from year to year thereafter, by providing 90 days prior written notice.",
    ],
)
def test_no_renewal_term_from_other_periods(text):
    assert _normalized(text, "renewal_term") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This Agreement will automatically renew at the end of the Initial Term on a year to "
         "year basis, unless either party notifies the other at least 30 days prior to the end "
         "of the Initial Term of its intention not to renew.", {"n": 30, "unit": "day"}),
        ("The Agreement shall automatically renew for successive one year additional terms "
         "unless terminated by either party at least six months prior to the expiration of the "
         "then-current term.", {"n": 6, "unit": "month"}),
        ("After the Initial Term, this Agreement will be automatically renewed for successive "
         "periods, unless terminated by either party by giving notice to the other party not "
         "less than sixty (60) days prior to the end of a Term.", {"n": 60, "unit": "day"}),
    ],
)  # fmt: skip
def test_notice_to_stop_renewal_wording(text, expected):
    assert _normalized(text, "notice_period") == expected


def test_notice_to_take_up_an_option_to_renew_is_not_the_non_renewal_notice():
    text = (
        "Distributor shall have the option to extend the Term for an additional period of two "
        "(2) years. To exercise this option, Distributor must notify Acme in writing of its "
        "election no later than 90 days prior to the expiration of the initial Term."
    )
    assert _normalized(text, "notice_period") is None


def test_the_notice_that_stops_a_renewal_is_read_before_other_notices_against_the_end():
    text = (
        "Acme shall give Bolt written notice at least thirty (30) days before the end of the "
        "term of any required refurbishing of the premises.\n\nThis Agreement renews for "
        "successive one (1) year terms. Acme shall notify Bolt of the nonrenewal not less than "
        "six (6) months prior to the expiration of the term of this Agreement."
    )
    assert _normalized(text, "notice_period") == {"n": 6, "unit": "month"}


@pytest.mark.parametrize(
    "text",
    [
        "After the Initial Term, the term of the Agreement may be extended by a further period of "
        "five (5) years by mutual written agreement by the parties.",
        "By mutual agreement of the Parties, the Initial Term may be extended by successive "
        "periods of three (3) years.",
    ],
)
def test_a_renewal_both_parties_must_agree_to_has_no_renewal_term(text):
    assert _normalized(text, "renewal_term") is None


def test_the_term_extending_for_a_period_is_the_initial_term_not_a_renewal():
    found = _terms("The Contract Term shall extend for a period of fifty (50) years.")
    assert found.get("renewal_term") is None
    assert found["initial_term"].normalized == {"n": 50, "unit": "year"}


def test_notice_to_terminate_whether_or_not_extended_is_not_the_non_renewal_notice():
    text = (
        "This Agreement may be terminated by either party for any reason or no reason, whether "
        "or not extended beyond the initial term, by giving the other party written notice "
        "ninety (90) days in advance."
    )
    assert _normalized(text, "notice_period") is None


def test_notice_before_the_end_of_the_term_about_something_else_is_not_the_renewal_notice():
    text = (
        "If we inspect your premises and give you notice at least six months before the end of "
        "the term of any required maintenance, you must complete it before the term ends."
    )
    assert _normalized(text, "notice_period") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ends on an event, not a date: 'perpetual' (what the lawyers record for it)
        ("The term of this Agreement shall commence on the Effective Date and shall end on the "
         "60th day following a written notice from one party to the other of its decision to "
         "terminate this Agreement.", "perpetual"),
        ("This Agreement shall become effective as of the day and year first above written and "
         "shall govern the relations between the parties hereto thereafter, unless terminated "
         "as set forth in this Section 6.", "perpetual"),
        ("The term of this Agreement shall continue in effect until Acme ceases development "
         "and commercialization of the Product (\"Term\").", "perpetual"),
        ("The term of cooperation under this Agreement shall commence from the execution date "
         "hereof and end on the expiration date of the operation term of Bolt.", "perpetual"),
        # the end as a distance 'therefrom', a validity period, an OCR-split ordinal
        ("The Term of this Agreement shall begin on the Effective Date and shall end fifteen "
         "months therefrom.", "2021-06-01"),
        ("This Agreement shall come into force on the Effective Date and remain valid for 1 "
         "year.", "2021-03-01"),
        ("The initial term of this Agreement shall continue until the fifth (5t h) anniversary "
         "of the Effective Date (the \"Term\").", "2025-03-01"),
        # the agreement's own end date defined
        ("1.20 \u201cExpiration Date\u201d means March 31, 2022.", "2022-03-31"),
    ],
)  # fmt: skip
def test_expiration_kinds_round4(text, expected):
    assert _normalized(text, "expiration_date") == expected


def test_another_periods_definition_gives_no_end_date():
    text = (
        "1.34 \u201cDetailing Period\u201d means each of the following periods: (a) the period "
        "beginning on the Start Date and ending on September 30, 2019; (b) October 1, 2019 "
        "through December 31, 2019."
    )
    assert _normalized(text, "expiration_date") is None


def test_an_agreement_that_remains_indefinitely_with_someone_is_no_perpetual_term():
    text = (
        "EFS may assign this Agreement to an acquirer only if key EFS management will remain "
        "indefinitely with EFS, no less experienced than those in place as of the Effective Date."
    )
    assert _normalized(text, "expiration_date") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the same two-year term as 'two years from the Effective Date', so the same end
        ("INITIAL TERM shall mean the Effective Date through the day prior to the second "
         "anniversary of the Effective Date, unless earlier terminated pursuant to Section 11.",
         "2022-03-01"),
        ("This Agreement shall continue in effect until either Party informs the other Party "
         "with thirty (30) day prior written notice of termination of this Agreement.",
         "perpetual"),
        ("The Term of the Agreement is hereby extended to January 20, 2022 unless sooner "
         "terminated as provided for in the Agreement.", "2022-01-20"),
        ("The term of this Agreement shall end on the third anniversary of this Agreement.",
         "2023-03-01"),
    ],
)  # fmt: skip
def test_expiration_kinds_round4b(text, expected):
    assert _normalized(text, "expiration_date") == expected


def test_a_sentence_after_the_initial_term_does_not_state_it():
    text = (
        "This Agreement shall remain effective for two (2) years from and after the Effective "
        'Date (the "Initial Term").\n\nFollowing the Initial Term, Acme may increase the '
        "Payment Schedule no more than once in any period of twelve (12) consecutive months."
    )
    assert _normalized(text, "initial_term") == {"n": 2, "unit": "year"}
    assert _normalized(text, "expiration_date") == "2022-03-01"
