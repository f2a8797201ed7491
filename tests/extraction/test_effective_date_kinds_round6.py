"""Effective-date kinds read from cuad-other's false positives (issue 13, round 6): a fiscal
year's start and another named agreement's effective date are not this agreement's start.
Each with a near miss the rules must still read."""

from __future__ import annotations

from extraction.document import build_document
from extraction.extract import terms_from_document

PREAMBLE = (
    "LICENSE AGREEMENT AMENDMENT\n\nThis Amendment is made as of May 1, 2010 between Acme Inc. "
    "and Beta LLC. "
)


def _effective(text: str) -> object:
    field = terms_from_document(build_document([PREAMBLE + text])).get("effective_date")
    return field.normalized if field is not None else None


def test_a_fiscal_years_start_is_not_the_agreements() -> None:
    assert (
        _effective(
            "In the event that the term hereof extends beyond Licensee's fiscal year beginning "
            "April 1, 2013, the amount of the Annual Royalty Advance shall increase."
        )
        is None
    )
    assert (
        _effective(
            "On the first day of each fiscal quarter during the term hereof, commencing with the "
            "Licensee's fiscal year which begins on April 1, 2011, Licensee shall pay an advance."
        )
        is None
    )
    # the agreement's own start in the same words
    assert _effective("The term of this Agreement shall begin on June 1, 2010.") == "2010-06-01"


def test_another_named_agreements_effective_date_is_not_this_ones() -> None:
    assert (
        _effective(
            "The Selling Agreement effective as of December 1, 2002 and the addition of GIE to "
            "the Selling Agreement, by and among the Parties, as amended from time to time."
        )
        is None
    )
    # this agreement, named by its title, is still effective then
    assert _effective("This Agreement shall be effective as of June 1, 2010.") == "2010-06-01"
