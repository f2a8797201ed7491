"""Agreement and effective dates in wording unseen contracts use (issue 13, third round): a
template's blank date that prints its century ('19__'), read across the pieces it is split in."""

from __future__ import annotations

from types import SimpleNamespace

from bench import eval_labels as ev  # how the bench reads and compares a label
from extraction.document import build_document
from extraction.normalize import blank_date, parse_date
from extraction.rules import dates


def _agreement(text: str) -> object:
    field = dates.agreement_date(build_document([f"ENDORSEMENT AGREEMENT\n\n{text}\n"]))
    return field.normalized if field else None


def test_a_blank_date_keeps_the_century_it_prints():
    text = (
        "THIS ENDORSEMENT AGREEMENT is made and entered into effective this day of "
        "___________________, 19__, by and between SPORT-CO, INC., a Colorado corporation (the "
        '"Company"), and John Smith (the "Professional").'
    )
    found = _agreement(text)
    assert found == {"blank": True, "year": None, "year_prefix": "19"}
    label = ev.label_date("[]/[]/19[]")
    assert ev.same_date(label, ev.predicted_date(SimpleNamespace(normalized=found)))
    assert not ev.same_date(
        ev.label_date("[]/[]/20[]"), ev.predicted_date(SimpleNamespace(normalized=found))
    )


def test_a_blank_without_a_century_or_a_day_number_is_no_prefix():
    assert "year_prefix" not in blank_date("April 20")  # a day, not a century
    assert "year_prefix" not in blank_date("_____ day of ______")
    assert blank_date("_____ day of ______ 2000") == {"blank": True, "year": 2000}
    no_century = {"blank": True, "year": None}
    assert not ev.same_date(
        ev.label_date("[]/[]/20[]"), ev.predicted_date(SimpleNamespace(normalized=no_century))
    )


def _effective(text: str) -> object:
    doc = build_document([f"SPONSORSHIP AGREEMENT\n\n{text}\n"])
    field = dates.effective_date(doc, dates.agreement_date(doc))
    return field.normalized if field else None


PARTIES = 'by and between Forty Niners LLC ("Club") and Acme Widgets, Inc. ("Sponsor").'


def test_an_effective_date_named_in_worn_text_layers_is_read():
    # a text layer that lost the space, or the quotes, and 'the' outside the parenthesis
    glued = f'This Agreement is entered into on April 15, 2010 ("EffectiveDate") {PARTIES}'
    assert _effective(glued) == "2010-04-15"
    unquoted = f"This Agreement is made December 3rd, 2018 (the Effective Date) {PARTIES}"
    assert _effective(unquoted) == "2018-12-03"
    outside = f"This Agreement is entered into as of June 13, 2012 the (“Effective Date”) {PARTIES}"
    assert _effective(outside) == "2012-06-13"


def test_a_date_merely_named_after_something_else_is_no_effective_date():
    other = (
        "This Agreement is made by Forty Niners LLC and Acme Widgets, Inc. The fee is due on "
        "March 1, 2015 (the effective date of the price list) and yearly thereafter."
    )
    assert _effective(other) is None


def test_a_date_the_splitter_broke_keeps_its_effective_date_name():
    text = (
        'This Strategic Alliance Agreement is made this 16 day of August. 2012 (the "Effective '
        f'Date") {PARTIES}'
    )
    assert _effective(text) == "2012-08-16"


def test_effective_for_all_purposes_as_of_a_date():
    text = (
        "THIS SECOND AMENDMENT is made and entered into, effective for all purposes and in all "
        f"respects as of the 23rd day of February, 1998, {PARTIES}"
    )
    assert _effective(text) == "1998-02-23"


def test_a_commencement_date_defined_with_a_colon():
    text = f'This Agreement is made {PARTIES}\n\n1. "Commencement Date" means: 1st January 2013.'
    assert _effective(text) == "2013-01-01"
    assert (
        _effective(f"This Agreement is made {PARTIES}\n\n1. The commencement date is unknown.")
        is None
    )


def test_a_guaranty_or_a_standstill_starting_on_signature_is_not_the_agreements_start():
    preamble = f"This Agreement is made as of May 13, 2020 {PARTIES}\n\n"
    guaranty = (
        preamble
        + "This guaranty shall only be effective upon the execution of the Agreement by Sponsor."
    )
    assert _effective(guaranty) is None
    standstill = preamble + (
        "(a) The standstill period (the “Standstill Period”) begins on the date of this Agreement "
        "and shall extend until the 2021 Annual Meeting."
    )
    assert _effective(standstill) is None
    own = (
        preamble
        + "This Agreement shall be effective upon the execution of the Agreement by Sponsor."
    )
    assert _effective(own) == "2020-05-13"


def test_a_dotted_european_date_is_read_day_first():
    text = (
        "This Turn-Key Manufacturing Agreement is effective as of the 1.4.2011 (the “Effective "
        f"Date”) {PARTIES}"
    )
    assert _effective(text) == "2011-04-01"
    assert str(parse_date("01.05.2012")) == "2012-05-01"
    assert str(parse_date("1/4/2011")) == "2011-01-04"  # slashes stay month first (US filings)


def test_section_numbers_and_versions_are_no_dotted_dates():
    doc = build_document(["See section 4.1.2 and release 2.10.3 of the 3.2.20 toolkit.\n"])
    assert [e.text for s in doc.sentences for e in s.ents if e.label == "DATE"] == []


def test_a_date_label_in_the_last_sentences_is_a_signing_date_another_instruments_is_not():
    head = "DEVELOPMENT AGREEMENT\n\nThis Agreement is made between Acme B.V. and Bolt LLC.\n"
    body = "".join(
        f"{n}. Acme shall deliver the item {n} to Bolt on request.\n" for n in range(3, 100)
    )
    law = (
        "100. This Agreement is governed by the laws of the Netherlands, excluding the United "
        "Nations Convention on Contracts for the International Sale of Goods dated 11 April 1980."
    )
    doc = build_document([head + body + law + "\n"])
    assert dates.agreement_date(doc) is None
    signed = build_document([head + body + law + "\nAcme B.V. Date: 1/14/02\n"])
    assert dates.agreement_date(signed).normalized == "2002-01-14"
