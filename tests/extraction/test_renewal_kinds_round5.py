"""Renewal-term kinds read from cuad-other's misses (issue 13, round 5).

Each kind has a case the rules read and a near miss they must leave alone.
"""

from __future__ import annotations

from bench import eval_labels as lab
from extraction.document import build_document
from extraction.extract import terms_from_document
from extraction.normalize import parse_duration

PREAMBLE = (
    'SUPPLY AGREEMENT\n\nThis Agreement is made as of March 1, 2020 (the "Effective Date") '
    'by and between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)
YEAR = {"n": 1, "unit": "year"}


def _renewal(*pages: str):
    doc = build_document([PREAMBLE + pages[0], *pages[1:]])
    field = terms_from_document(doc).get("renewal_term")
    return field.normalized if field is not None else None


def test_a_renewal_for_an_unlimited_period_after_the_initial_term_is_perpetual() -> None:
    assert (
        _renewal(
            "15.1 Term. This Agreement shall commence on the Effective Date and shall remain in "
            "full force for ten (10) years after the First Commercial Sale, and shall thereafter "
            "automatically renew for an unlimited period of time unless otherwise terminated."
        )
        == "perpetual"
    )
    # evergreen from the start: no initial term, so no renewal
    assert (
        _renewal(
            "5.1 Term. This Agreement begins on the Effective Date and shall continue "
            "indefinitely unless sooner terminated as provided in this Article 5."
        )
        is None
    )


def test_an_extension_that_may_follow_the_parties_mutual_agreement_is_no_renewal() -> None:
    assert (
        _renewal(
            "The initial term of this Agreement is the Effective Date through March 15, 2022. The "
            "Agreement may be extended for one (1) year upon the parties' mutual agreement in "
            "writing."
        )
        is None
    )
    # an automatic renewal whose goals the parties agree on is still a renewal
    assert _renewal(
        "This Agreement shall have an initial term of three (3) years. This agreement shall "
        "automatically renew for a period of three (3) years and upon the parties mutual "
        "agreement on new minimum performance goals for the renewal period."
    ) == {"n": 3, "unit": "year"}


def test_a_worn_text_layer_hyphen_and_half_a_year() -> None:
    assert _renewal(
        "After the Initial Term, this Agreement will be automatically renewed for successive "
        "additional 3~year periods, unless terminated by either party."
    ) == {"n": 3, "unit": "year"}
    assert _renewal(
        "The Initial Term shall automatically be extended for an additional period of half a "
        "year unless either party gives notice at least 60 days prior to the end of such period."
    ) == {"n": 6, "unit": "month"}
    assert parse_duration("a half-year") == {"n": 6, "unit": "month"}
    # a range between two figures is no unit; the half of 'one and a half years' is not 6 months
    assert parse_duration("Sections 3~5") is None
    assert parse_duration("one and a half years") != {"n": 6, "unit": "month"}
    assert parse_duration("yearly basis") == YEAR  # the periodic entity's text


def test_the_scorer_compares_half_a_year_with_six_months() -> None:
    assert lab.label_durations("0.5 year") == [(6.0, "month")]
    assert lab.label_durations("1.5 years") == [(18.0, "month")]
    assert lab.label_durations("successive 1 year") == [(1.0, "year")]
    assert (6.0, "month") not in lab.label_durations("1.5 years")


def test_an_extension_at_a_partys_option_up_to_a_maximum() -> None:
    assert (
        _renewal(
            "Acme may, by written notice to Bolt, given at least thirty (30) days prior to the end "
            "of the then-current term of the Agreement, extend the term of the Agreement for the "
            "period set forth in such notice, up to a maximum of one (1) year beyond the "
            "then-current expiration date."
        )
        == YEAR
    )
    # a term of up to three years that nothing extends is no renewal
    assert (
        _renewal("The term of this Agreement shall be up to a maximum of three (3) years.") is None
    )


def test_a_successor_franchise_for_a_term_after_the_initial_term() -> None:
    assert _renewal(
        "Upon the expiration of the initial term of this Agreement, Franchisee shall have the one "
        'time right to obtain a successor franchise (a "Successor Franchise") for a single term '
        "of five (5) years immediately following the expiration of the initial term upon giving "
        "six (6) months notice prior to the expiration of the then current term."
    ) == {"n": 5, "unit": "year"}
    # a covenant that runs after the agreement ends is no renewal
    assert (
        _renewal(
            "Franchisee shall not operate a competing business for two (2) years following the "
            "expiration of this Agreement or of any successor franchise."
        )
        is None
    )


LENGTHEN = (
    "Bolt shall notify Acme whether Bolt elects to extend the Initial Term of the Agreement by an "
    "additional twenty four (24) months. "
)


def test_the_sentence_that_names_the_renewal_term_is_the_renewal() -> None:
    named = (
        "After the Initial Term, the Agreement may be extended on a yearly basis at Bolt's sole "
        'discretion (the "Renewal Term").'
    )
    assert _renewal(LENGTHEN + named) == YEAR
    # a definition naming the Renewal Term states no length: the first renewal stands
    defined = '"Renewal Term" has the meaning set forth in Section 8.1, renewed as stated there.'
    assert _renewal(LENGTHEN + defined) == {"n": 24, "unit": "month"}


def test_a_make_good_that_lengthens_a_year_of_the_term_is_no_renewal() -> None:
    assert (
        _renewal(
            "In the event that Acme has not delivered the guaranteed impressions by the end of "
            "twelve (12) months after the Launch Date, the first year of the term of the "
            "Agreement will be extended without additional fees for up to an additional four "
            "(4) months."
        )
        is None
    )
    assert _renewal(
        "The term of this Agreement will be automatically extended for additional four (4) month "
        "periods unless either party gives notice of non-renewal."
    ) == {"n": 4, "unit": "month"}


def test_a_renewal_clause_cut_by_a_page_break_is_read_whole() -> None:
    first = (
        "9.1 This Contract shall come into force on the Effective Date, remain effective "
        "throughout the Initial Term, and be further extended automatically for a period of 12"
    )
    rest = (
        "months, each such extension commencing at the end of the Initial Term, unless either "
        "Party serves written notice of termination at least 65 days prior to its end."
    )
    assert _renewal(first, rest) == {"n": 12, "unit": "month"}
    # a sentence that ends on its page is not joined to the next page's first words
    ended = "9.1 This Contract shall be renewed automatically for successive periods."
    assert _renewal(ended, "twelve (12) months after delivery, Bolt shall pay the fee.") is None
