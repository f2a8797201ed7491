"""Renewal kinds read from cuad-other's misses (issue 13, round 6): a renewal 'under these same
terms' is the initial term again; a period the agreement defines, or time to perform after
force majeure, being extended is no renewal of the agreement.

Each kind has a case the rules read and a near miss they must leave alone.
"""

from __future__ import annotations

from extraction.document import build_document
from extraction.extract import terms_from_document

PREAMBLE = (
    'SERVICES AGREEMENT\n\nThis Agreement is made as of March 1, 2020 (the "Effective Date") '
    'by and between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)


def _terms(text: str) -> dict:
    terms = terms_from_document(build_document([PREAMBLE + text]))
    return {name: field.normalized for name, field in terms.items()}


def test_a_renewal_under_the_same_terms_renews_for_the_initial_term() -> None:
    terms = _terms(
        "This Agreement shall be for the term of one year; thereafter, the Agreement shall renew "
        "automatically under these same terms and agreements unless superseded by future "
        "agreements."
    )
    assert terms.get("renewal_term") == {"n": 1, "unit": "year"}
    assert terms.get("auto_renewal") is True
    assert _terms(
        "The initial term of this Agreement is two (2) years, and it shall thereafter renew for "
        "successive like terms unless either party gives notice of non-renewal."
    ).get("renewal_term") == {"n": 2, "unit": "year"}
    # a renewal on the same terms that states its own length keeps that length
    assert _terms(
        "The initial term of this Agreement is three (3) years. This Agreement shall renew "
        "the same terms for successive one (1) year periods unless either party objects."
    ).get("renewal_term") == {"n": 1, "unit": "year"}
    # no initial term stated: nothing to renew for
    assert "renewal_term" not in _terms(
        "The Agreement shall renew automatically under these same terms unless superseded."
    )


def test_a_defined_period_being_extended_is_no_renewal_of_the_agreement() -> None:
    support = _terms(
        "5.1 Term. This Agreement shall commence on the Effective Date and continue until "
        "December 31, 2022. 5.2 If the Company holds its meeting before June 1, 2021, then, for "
        "all purposes under this Agreement, the Support Period shall automatically be extended "
        "until the date that is thirty (30) days after that meeting."
    )
    assert "auto_renewal" not in support and "renewal_term" not in support
    program = _terms(
        "The Profiling Term may be extended at Acme's option for additional three (3) year "
        "periods. Acme shall have the right to extend the term of the CDx Development Program "
        "for additional one (1) year periods."
    )
    assert "renewal_term" not in program
    # the agreement's own named terms still renew
    assert _terms(
        "The Initial Term shall be three (3) years. The Initial Term shall automatically be "
        "extended for successive one (1) year periods unless either party gives notice."
    ).get("renewal_term") == {"n": 1, "unit": "year"}


def test_time_to_perform_after_force_majeure_is_no_renewal() -> None:
    terms = _terms(
        "Article 11 This Contract shall be valid for four (4) years. Article 115 If an event of "
        "Force Majeure occurs, a Party's obligations under this Contract affected by such an "
        "event shall be suspended during the period of delay and shall be automatically "
        "extended, without penalty, for a period equal to such suspension."
    )
    assert "auto_renewal" not in terms and "renewal_term" not in terms
    # the same contract's own automatic extension is still read
    assert (
        _terms(
            "Article 11 This Contract shall be valid for four (4) years and shall be automatically "
            "extended for successive periods of one (1) year unless a Party objects in writing."
        ).get("auto_renewal")
        is True
    )
