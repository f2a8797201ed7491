"""Expiration dates by the kinds still missed on unseen contracts (issue 13, fourth round):
each kind with a near miss that must not give that end."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.extract import terms_from_document

PREAMBLE = (
    'SERVICES AGREEMENT\n\nThis Agreement is made as of March 1, 2020 (the "Effective Date") '
    'by and between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)


def _expiration(text: str, preamble: str = PREAMBLE) -> object:
    field = terms_from_document(build_document([preamble + text + "\n"])).get("expiration_date")
    return field.normalized if field is not None else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a duration outside the term sentence, still the agreement's
        ("1.2 Term This agreement is for a term of ten (10) years.", "2030-03-01"),
        # an end date outside the term sentence that names a term
        ("2. The term of the license hereby granted shall commence March 1, 2020 and continue "
         "until January 30, 2025, unless sooner terminated.", "2025-01-30"),
        # 'shall commence ... and shall extend ... thereafter ("Initial Term")'
        ("10.1 This Agreement shall commence on the Effective Date and shall extend for a period "
         "of Five (5) years thereafter (\u201cInitial Term\u201d), unless terminated earlier.",
         "2025-03-01"),
        # 'for the five (5) year term'
        ('12. This contract shall remain in effect initially for the five (5) year term ("Initial '
         'Term") from the date signed and shall be automatically extended for one (1) year '
         "periods after the Initial Term.", "2025-03-01"),
        # a sentence naming itself the Term, ending on the earlier of an anniversary and an event
        ("(a) This OMA shall expire upon the earlier of (i) the first anniversary of the "
         "Effective Date and (ii) the date that all Shares have been sold (the \u201cTerm\u201d).",
         "2021-03-01"),
        # an end counted from an event, capped by a date the contract states
        ("3. This Agreement shall commence as of the Effective Date and shall terminate five (5) "
         "years following the date of launch of the first Website, but in no event later than "
         'February 28, 2025 (the "Initial Term").', "2025-02-28"),
        # 'is effective on ... and continue in effect until the earlier of (a) the anniversary'
        ("6. This Agreement is effective on the Effective Date and shall continue in effect until "
         "the earlier of (a) the fifth (5th) anniversary of the Effective Date, and (b) "
         "termination by either Party upon thirty (30) days' written notice.", "2025-03-01"),
        # 'continue thereafter for a period of two (2) years' is the term, not a renewal
        ("18.1 This Agreement shall commence on the Effective Date and continue thereafter for a "
         "period of two (2) years, unless extended by written agreement of both parties.",
         "2022-03-01"),
        # the near miss: the successive periods after the first year are renewals
        ("18.1 This Agreement shall commence on the Effective Date and continue for one (1) year "
         "and thereafter for successive one (1) year periods.", "2021-03-01"),
        # a fixed term, then running on until ended: the fixed term's end
        ("4. This contract shall be for a term of one year commencing on the date first above "
         "written; thereafter, it shall automatically continue until terminated by either party "
         "upon not less than thirty (30) days prior written notice to the other party.",
         "2021-03-01"),
    ],
)  # fmt: skip
def test_the_end_of_the_agreements_own_term(text, expected):
    assert _expiration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a role's or a covenant's period is not the agreement's
        "Article 53 Directors shall be appointed for a term of four (4) years.",
        "The JSC chairperson shall be designated from the Parties' JSC Representatives and "
        "shall serve for a term of one (1) year.",
        "This training is for the duration of 1 week and can hold 10 people.",
        # another period's end, in a sentence that names no term
        "Notwithstanding the foregoing, the first Fiscal Year shall commence on the Effective "
        "Date and end on March 31, 2021.",
        # what happens during the term is not its end
        "During the Term of this Agreement, Premier shall be required to purchase a minimum "
        "volume for the twelve-month period commencing July 1, 2020 and ending June 30, 2021.",
        # another instrument naming no Term, ending on the earlier of an anniversary and an event
        "(a) The Option shall expire upon the earlier of (i) the first anniversary of the "
        "Effective Date and (ii) the date that all Shares have been sold.",
        # an end counted from an event with no date stated
        "3. This Agreement shall commence as of the Effective Date and shall terminate five (5) "
        'years following the date of launch of the first Website (the "Initial Term").',
        # a covenant's period named after 'thereafter' is not an initial term
        "9. The confidentiality obligations shall continue for five (5) years thereafter "
        '("Confidentiality Period").',
    ],
)
def test_a_period_that_is_not_the_agreements_term_gives_no_end(text):
    assert _expiration(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "13.1 This Agreement shall become effective on the Effective Date and shall continue in "
        "effect until the expiration of the Royalty Term as defined in Section 1.87.",
        "6.1 The term of this Agreement will commence on the Effective Date and remain in full "
        "force and effect until the expiration of the Sublicense Agreement.",
    ],
)
def test_an_end_with_another_instrument_is_no_stated_end(text):
    assert _expiration(text) is None


def test_running_until_ended_with_no_fixed_term_is_perpetual():
    text = (
        "4. This contract shall commence on the date first above written and shall continue "
        "until terminated by either party upon not less than thirty (30) days prior written "
        "notice to the other party."
    )
    assert _expiration(text) == "perpetual"


BLANK_PREAMBLE = (
    "COOPERATION AGREEMENT\n\nThis Agreement is made on July ___, 2013 by and between Acme "
    'Widgets, Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)


def test_a_blank_start_keeps_its_month_in_the_end():
    text = "5. Term. The term of the agreement is 20 years."
    end = _expiration(text, BLANK_PREAMBLE)
    assert isinstance(end, dict) and end.get("year") == 2033 and end.get("month") == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the term starts on an event the contract does not date
        ("5.1 This Agreement shall be effective as of the date of physical completion of and "
         "initial deliveries on Transporter's pipeline and shall continue for a primary term of "
         "ten years.", None),
        # the near miss: it starts on signing, so the end is counted from the start
        ("9.1 This Agreement shall become effective on the date on which it is signed by each "
         "Party and have a term of five (5) years.", "2025-03-01"),
    ],
)  # fmt: skip
def test_a_term_that_starts_on_an_event_gives_no_end(text, expected):
    assert _expiration(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # information that remains confidential forever is not an agreement that never ends
        ("8.3 The confidentiality obligations contained in this Agreement shall continue for "
         "the duration of this Agreement, and Confidential Information shall remain "
         "confidential in perpetuity.", None),
        ("2. Term. This Agreement shall remain in full force and effect in perpetuity.",
         "perpetual"),
    ],
)  # fmt: skip
def test_perpetual_is_the_agreement_running_on(text, expected):
    assert _expiration(text) == expected
