"""How contract wording becomes typed values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from extraction.normalize import add_duration, parse_date, parse_duration, parse_money


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("October 1, 2019", date(2019, 10, 1)),
        ("26 September 2019", date(2019, 9, 26)),
        ("the 5th day of February, 2020", date(2020, 2, 5)),
        ("19t h day of March, 2020", date(2020, 3, 19)),
        ("1/14/02", date(2002, 1, 14)),
        ("25/05/2008", date(2008, 5, 25)),
        ("March 18. 2021", date(2021, 3, 18)),
        ("MARCH 1, 2001", date(2001, 3, 1)),
    ],
)
def test_parse_date(text, want):
    assert parse_date(text) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("three (3) years", {"n": 3, "unit": "year"}),
        ("Thirty-six (36) months", {"n": 36, "unit": "month"}),
        ("one hundred eighty (180) days", {"n": 180, "unit": "day"}),
        ("month to month", {"n": 1, "unit": "month"}),
        ("one further year", {"n": 1, "unit": "year"}),
        ("4 business hours", {"n": 4, "unit": "hour", "business": True}),
        ("next business day", {"n": 1, "unit": "business_day"}),
        ("six (6) weeks", {"n": 6, "unit": "week"}),
    ],
)
def test_parse_duration(text, want):
    assert parse_duration(text) == want


def test_parse_money_is_decimal():
    assert parse_money("$12,500.00 per month") == (Decimal("12500.00"), "USD")
    assert parse_money("€500 per hour") == (Decimal("500"), "EUR")
    assert parse_money("2 million USD") == (Decimal("2000000"), "USD")


def test_add_duration_counts_like_contracts():
    assert add_duration(date(2014, 1, 20), {"n": 6, "unit": "month"}) == date(2014, 7, 20)
    assert add_duration(date(2020, 2, 29), {"n": 1, "unit": "year"}) == date(2021, 2, 28)
