"""Expiration when the term ends on an event rather than a date: 'perpetual' (no calendar
end), unless the same sentence states a date or a duration."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.extract import terms_from_document


def _expiration(text: str):
    doc = build_document(
        [f"MAINTENANCE AGREEMENT\n\nThis Agreement is dated 1 March 2024.\n\n{text}\n"]
    )
    return terms_from_document(doc).get("expiration_date")


@pytest.mark.parametrize(
    "text",
    [
        "This Agreement shall continue in force until the earlier to occur of (i) the Customer "
        "no longer operating any covered equipment and (ii) written notice of termination.",
        "This Agreement is effective on signature and ending on the expiration or termination "
        "of all Service Schedules, unless terminated earlier in accordance with its terms.",
    ],
)
def test_event_end_is_perpetual(text):
    field = _expiration(text)
    assert field is not None and field.normalized == "perpetual"


def test_earlier_of_a_date_is_that_date_not_perpetual():
    field = _expiration(
        "This Agreement shall commence on 1 March 2024 and shall continue in force until the "
        "earlier of (i) 28 February 2027 and (ii) written notice of termination by the Customer."
    )
    assert field is not None and field.normalized == "2027-02-28"
