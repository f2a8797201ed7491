"""Agreement dates in wording unseen contracts use (issue 13, second round): a day in words,
another agreement's date, a date after a recital or a filing footer, a split date."""

from __future__ import annotations

from extraction.document import build_document
from extraction.normalize import parse_date
from extraction.rules import dates


def _agreement(text: str) -> str | None:
    field = dates.agreement_date(build_document([f"SERVICES AGREEMENT\n\n{text}\n"]))
    return field.normalized if field else None


def test_a_day_written_in_words_parses():
    assert str(parse_date("the first day of July, 2017")) == "2017-07-01"
    assert str(parse_date("this twenty-first day of March, 2019")) == "2019-03-21"
    assert parse_date("the umpteenth day of March, 2019") is None


def test_the_agreement_date_in_words_is_read():
    text = (
        "This Services Agreement is made and entered into this first day of July, 2017 by and "
        "between Alpha Services LLC and Beta Holdings Inc."
    )
    assert _agreement(text) == "2017-07-01"


def test_another_named_agreements_date_is_not_this_ones():
    text = (
        "This First Amendment amends the Master Supply Agreement dated March 3, 2015 between "
        "Alpha Services LLC and Beta Holdings Inc."
    )
    assert _agreement(text) != "2015-03-03"


def test_bracketed_blank_dates_and_the_first_date_above_written():
    from extraction.document import build_document
    from extraction.extract import terms_from_document

    text = (
        "TRADEMARK LICENSE AGREEMENT\n\nThis Agreement is effective as of the [\u00b7] day of "
        '[\u00b7], 2019 between Acme Widgets, Inc. ("Licensor") and Bolt Stores LLC '
        '("Licensee").\n\n6. This Agreement shall become effective as of the first date '
        "above written."
    )
    terms = terms_from_document(build_document([text]))
    assert terms["agreement_date"].normalized == {"blank": True, "year": 2019}
    assert terms["effective_date"].normalized == {"blank": True, "year": 2019}
