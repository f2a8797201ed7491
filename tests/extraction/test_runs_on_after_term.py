"""An initial term that runs on until notice: the renewal is 'perpetual' and the expiration is
the initial term's end (issue 13: 'indefinite terms'); a plain evergreen agreement, a renewal
with a length and a holdover are not read that way."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.extract import terms_from_document

PREAMBLE = (
    'SUPPLY AGREEMENT\n\nThis Agreement is made as of March 1, 2020 (the "Effective Date") '
    'by and between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)


def _terms(text: str) -> dict:
    terms = terms_from_document(build_document([PREAMBLE + text]))
    return {name: f.normalized for name, f in terms.items()}


@pytest.mark.parametrize(
    "text",
    [
        "1. TERM. This Agreement shall be for an initial term of one (1) year commencing on the "
        "Effective Date; thereafter, it shall automatically continue until terminated by either "
        "party upon not less than thirty (30) days prior written notice to the other party.",
        "1. TERM. This Agreement begins on the Effective Date and shall continue for an initial "
        "term of two (2) years and indefinitely after that until terminated by either party "
        "giving at least twelve (12) months' prior written notice.",
        "1. TERM. The initial term of this Agreement shall be two (2) years commencing on the "
        "Effective Date. Thereafter, this Agreement shall automatically continue in effect until "
        "either party gives the other at least six (6) months prior written notice of termination.",
    ],
)
def test_an_initial_term_that_runs_on_until_notice(text):
    got = _terms(text)
    assert got.get("renewal_term") == "perpetual"
    assert got.get("expiration_date") != "perpetual"  # it has an initial end


@pytest.mark.parametrize(
    ("text", "renewal"),
    [
        # evergreen from the start: no initial term, so no renewal (the expiration is perpetual)
        (
            "1. TERM. This Agreement shall become effective on the Effective Date and shall "
            "continue in effect thereafter until terminated by either party upon thirty (30) days' "
            "prior written notice.",
            None,
        ),
        # a renewal with a length is that length
        (
            "1. TERM. The initial term of this Agreement is two (2) years; thereafter it shall "
            "renew automatically for successive one (1) year periods unless either party gives "
            "sixty (60) days' notice of non-renewal.",
            {"n": 1, "unit": "year"},
        ),
        # a renewal both parties must agree to later is no renewal
        (
            "1. TERM. The initial term of this Agreement is two (2) years, after which it may be "
            "extended by mutual written agreement of the parties and shall continue until "
            "terminated by notice.",
            None,
        ),
    ],
)
def test_what_does_not_run_on_after_an_initial_term(text, renewal):
    assert _terms(text).get("renewal_term") == renewal


def test_evergreen_from_the_start_stays_perpetual():
    got = _terms(
        "1. TERM. This Agreement shall commence on the Effective Date and shall continue until "
        "terminated by either party upon thirty (30) days' prior written notice."
    )
    assert got.get("expiration_date") == "perpetual" and got.get("renewal_term") is None
