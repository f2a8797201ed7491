"""Renewal term and notice-to-stop-renewal kinds missed on unseen contracts (issue 13).

Each kind has a case that the rule reads and a near miss it must leave alone.
"""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.extract import terms_from_document
from extraction.nlp import get_nlp
from extraction.normalize import parse_duration

PREAMBLE = (
    'SUPPLY AGREEMENT\n\nThis Agreement is made as of March 1, 2020 (the "Effective Date") '
    'by and between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)
YEAR = {"n": 1, "unit": "year"}


def _value(text: str, name: str):
    field = terms_from_document(build_document([PREAMBLE + text])).get(name)
    return field.normalized if field is not None else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the figure of a number in words on the next line: one sentence, one duration
        (
            "The term shall automatically renew for additional one (1) year terms unless either "
            "party gives the other Notice of its intention to terminate this Agreement ninety\n"
            "(90) days before the end of the Initial Term or Renewal Term.",
            {"n": 90, "unit": "day"},
        ),
        # 'a thirty-day notice' is thirty days
        (
            "The term of this Agreement shall be for one (1) year and automatically renewing "
            "annually thereafter, unless either party provides a thirty-day notice of written "
            "termination to the other.",
            {"n": 30, "unit": "day"},
        ),
        # 'unless terminated by a Party upon ... notice'
        (
            "This Agreement shall be for a term of thirty (30) years from the Effective Date, "
            "which shall automatically renew from year-to-year thereafter unless terminated by a "
            "Party upon sixty (60) days' written notice.",
            {"n": 60, "unit": "day"},
        ),
        # notice of a wish that the agreement end on its expiration date
        (
            "If Bolt fails to notify Acme of its desire that this Agreement terminate on its "
            "expiration date, at least six (6) months before the expiration date, this Agreement "
            "will automatically renew for an additional four (4) year period.",
            {"n": 6, "unit": "month"},
        ),
        # a term running on month to month until ended on the notice a list gives
        (
            "Thereafter, this Agreement shall be effective month to month, until terminated by "
            "either party upon the following written notice to the other specifying a termination "
            "date: sixty (60) days for interruptible service.",
            {"n": 60, "unit": "day"},
        ),
        # 'determination' is not a termination: the notice of non-renewal is the one
        (
            "Acme may extend the term of this Agreement so as to give ninety (90) days notice "
            "prior to the expiration of the term of its determination of the new prices.\n\n"
            "Acme shall notify Bolt of the nonrenewal not less than six (6) months prior to the "
            "expiration of the term of this Agreement.",
            {"n": 6, "unit": "month"},
        ),
        # the five-year renewal is not the notice
        (
            "Thereafter, this Agreement shall be renewed automatically on a five (5) year basis, "
            "unless one party notifies the other of its desire to terminate this Agreement at "
            "least 90 days prior to the expiration of the then current term.",
            {"n": 90, "unit": "day"},
        ),
    ],
)
def test_notice_to_stop_renewal(text: str, expected: dict) -> None:
    assert _value(text, "notice_period") == expected


@pytest.mark.parametrize(
    "text",
    [
        # notice a party gives to renew (an opt-in renewal) does not stop one
        (
            "In the event that there is no written notice issued by either party to show the "
            "intention to renew this Agreement thirty (30) days before the expiry of the current "
            "Term of the Agreement, the Agreement shall terminate at the end of the Term."
        ),
        # a party's notice exercising an extension
        (
            "Acme may, by written notice to Bolt given at least thirty (30) days prior to the end "
            "of the then-current term of the Agreement, extend the term of the Agreement for one "
            "(1) year."
        ),
    ],
)
def test_notice_that_renews_is_not_notice_to_stop_renewal(text: str) -> None:
    assert _value(text, "notice_period") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Thereafter, this Agreement shall be renewed automatically on a five (5) year basis, "
            "unless one party notifies the other.",
            {"n": 5, "unit": "year"},
        ),
        (
            "The Term will be 3 years from Effective Date with an automatic 2 year term "
            "extensions unless otherwise advised by one of the Parties.",
            {"n": 2, "unit": "year"},
        ),
        (
            "Unless terminated in accordance with Section 18, this Agreement shall automatically "
            "renew for each subsequent one-year term.",
            YEAR,
        ),
        # the agreement named far ahead of the renewal in a long sentence
        (
            "This agreement shall begin upon the date of its execution by Acme and acceptance in "
            "writing by Bolt and shall remain in effect until the end of the current calendar year "
            "and shall be automatically renewed for successive one (1) year periods unless "
            "otherwise terminated according to the provisions of paragraph 18.",
            YEAR,
        ),
    ],
)
def test_renewal_term_wording(text: str, expected: dict) -> None:
    assert _value(text, "renewal_term") == expected


@pytest.mark.parametrize(
    "text",
    [
        # an extension both parties must sign later is no renewal term
        (
            "This Agreement shall commence on the Effective Date and continue thereafter for a "
            "period of two (2) years, unless extended by written agreement of both parties or "
            "sooner terminated as set forth below."
        ),
        # a period 'basis' with no renewal is not a renewal term
        (
            "The term of this Agreement is three (3) years. Prices shall be reviewed on a one (1) "
            "year basis."
        ),
    ],
)
def test_no_renewal_term(text: str) -> None:
    assert _value(text, "renewal_term") is None


def test_a_figure_line_after_number_words_continues_the_sentence_but_list_items_split() -> None:
    nlp = get_nlp()
    assert len(list(nlp("notice of thirty\n(30) days before the end.").sents)) == 1
    assert [s.text.strip() for s in nlp("The Buyer shall:\n(1) pay\n(2) collect").sents] == [
        "The Buyer shall:",
        "(1) pay",
        "(2) collect",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a thirty-day", 30), ("an eighty-day", 80), ("a year", 1), ("a hundred days", 100)],
)
def test_a_before_number_words_is_not_one_more(text: str, expected: int) -> None:
    assert parse_duration(text)["n"] == expected


def test_notice_to_end_the_agreement_as_it_runs_on_after_the_initial_term() -> None:
    term = "The Initial Term of this Agreement is two (2) years from the Effective Date.\n\n"
    after = (
        "Following the Initial Term, either Party may terminate this Agreement without cause "
        "upon written notice to the other Party of at least 3 months."
    )
    assert _value(term + after, "notice_period") == {"n": 3, "unit": "month"}
    during = after.replace("Following", "During")
    assert _value(term + during, "notice_period") is None


def test_the_right_to_renew_the_franchise_for_terms_equal_to_a_length() -> None:
    text = (
        "You have the right to renew the franchise for two (2) successive terms equal to five "
        "(5) years each, providing you meet all of the following conditions."
    )
    assert _value(text, "renewal_term") == {"n": 5, "unit": "year"}
    assert (
        _value("The franchise shall be for a term equal to five (5) years.", "renewal_term") is None
    )
