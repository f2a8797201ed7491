"""Agreement dates found only in the signature blocks, and date forms text layers produce
(issue 13, third round): each kind with a case that must not be read as one."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.normalize import parse_date
from extraction.rules import dates, signing

BODY = "".join(f"{n}. The parties agree to clause {n} of the services.\n" for n in range(30))


def _agreement(*pages: str) -> object:
    field = dates.agreement_date(build_document(list(pages)))
    return field.normalized if field else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19 DAY OF MAY , 2010", "2010-05-19"),
        ("31 December, --- 1996", "1996-12-31"),
        ("November 19t h, 2012", "2012-11-19"),
        ("12-23-2019", "2019-12-23"),
        ("3-31-16", "2016-03-31"),
    ],
)
def test_date_forms_of_real_text_layers_parse(text, expected):
    assert str(parse_date(text)) == expected


@pytest.mark.parametrize(
    ("preamble", "expected"),
    [
        ("is entered into as of 12-23-2019 (the \u201cEffective Date\u201d)", "2019-12-23"),
        ("shall be effective as of _Dec. 8, 2005 (hereinafter \u201cEffective Date\u201d)",
         "2005-12-08"),
        ("is made this 19 DAY OF MAY , 2010", "2010-05-19"),
        ("is made as of 31 December, --- 1996", "1996-12-31"),
        ("is made as of , 2013", {"blank": True, "year": 2013}),
        ("is effective as of June , 2010", {"blank": True, "year": 2010, "month": 6}),
    ],
)  # fmt: skip
def test_the_preamble_date_in_those_forms(preamble, expected):
    text = f"DISTRIBUTOR AGREEMENT\n\nThis Agreement {preamble}, by and between Acme and Bolt.\n"
    assert _agreement(text) == expected


def test_a_phone_number_or_a_list_of_years_is_no_date():
    doc = build_document(["Call 555-12-1234 or 1-800-555-1212 about the fees for 2005 , 2006.\n"])
    assert not [e for s in doc.sentences for e in s.ents if e.label.startswith("DATE")]


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        # a 'Signature / Name / Title / Date' table: the label below or after the dates
        ("/s/ Geno Auriemma 5/17/12\nGENO AURIEMMA Date\nBERKSHIRE BANK By: /s/ Sean A. Gray "
         "5/14/12\nSean A. Gray Date\n", "2012-05-17"),
        ("By: Name Andrew Zhang Title PRESIDENT Signature /s/ Andrew Zhang Date 13/07/05\n",
         "2005-07-13"),
        # the place and date of signing above the signatures
        ("Hamburg, November 19th, 2012\n/s/ Thomas Kassberg /s/ Dr. R. Stephan\n", "2012-11-19"),
        ("IN WITNESS WHEREOF, the duly authorized representative of each Party has signed this "
         "Contract in Baoding, People's Republic of China on November 8, 2002.\n", "2002-11-08"),
    ],
)  # fmt: skip
def test_a_date_only_in_the_signature_blocks_is_the_agreement_date(block, expected):
    head = "SUPPLY AGREEMENT\n\nThis Agreement is made between Acme Inc. and Bolt LLC.\n"
    assert _agreement(head + BODY, block) == expected


def test_a_preamble_date_is_kept_over_the_signature_dates():
    head = (
        "SUPPLY AGREEMENT\n\nThis Agreement is dated June 5, 2019 between Acme Inc. and Bolt LLC.\n"
    )
    block = "By: /s/ Tim Orr Date: 6/9/2019\n"
    assert _agreement(head + BODY, block) == "2019-06-05"


def test_dates_outside_signature_blocks_are_not_signing_dates():
    head = "SUPPLY AGREEMENT\n\nThis Agreement is made between Acme Inc. and Bolt LLC.\n"
    late = BODY + "31. Bolt shall pay the first fee on June 1, 2012 to the account of Acme.\n"
    doc = build_document([head + late + BODY, "Hamburg office hours change on July 1, 2012.\n"])
    assert signing.signature_dates(doc) == []


def test_a_template_blank_signature_date_without_a_year_is_no_date():
    head = "SUPPLY AGREEMENT\n\nThis Agreement is made between Acme Inc. and Bolt LLC.\n"
    blank = build_document([head + BODY, "By: /s/ Tim Orr Date: ______ __, 20__\n"])
    assert signing.signature_dates(blank) == []
    dated = build_document([head + BODY, "By: /s/ Tim Orr Date: April ____, 2003\n"])
    assert dates.agreement_date(dated).normalized == {"blank": True, "year": 2003, "month": 4}


HEAD = 'SUPPLY AGREEMENT\n\nThis Agreement is made between Acme Inc. ("Acme") and Bolt LLC.\n'


def _effective(*pages: str) -> object:
    doc = build_document(list(pages))
    field = dates.effective_date(doc, dates.agreement_date(doc))
    return field.normalized if field else None


@pytest.mark.parametrize(
    "term",
    [
        'This Agreement is effective as of the last date signed below ("Effective Date").',
        '"Effective Date" means the date of the most recent final signature on this Agreement.',
        "This Agreement will be effective when signed by both Parties.",
        "This Agreement takes effect upon the signatures and seals of both Parties.",
    ],
)
def test_an_agreement_effective_on_the_last_signature_starts_then(term):
    block = "By: /s/ Tim Orr Date: 4/24/2018 By: /s/ Ann Lee Date: 04/25/2018\n"
    assert _effective(HEAD + term + "\n" + BODY, block) == "2018-04-25"


def test_counterparts_signed_by_each_party_say_how_it_binds_not_when_it_starts():
    term = (
        "This Agreement may be executed in counterparts and shall become effective when one or "
        "more counterparts have been signed by each of the Parties."
    )
    block = "By: /s/ Tim Orr Date: 4/24/2018\n"
    assert _effective(HEAD + term + "\n" + BODY, block) is None


@pytest.mark.parametrize(
    "text",
    [
        "4.9 This Section 4 supersedes the Mutual Confidentiality Agreement between the Parties, "
        "which was effective July 17, 2009.",
        "RECITALS\nA. Acme and Bolt have entered into a Selling Agreement, effective as of "
        "December 1, 2002, for the sale of goods.",
    ],
)
def test_the_date_another_agreement_took_effect_is_not_this_ones(text):
    assert _effective(HEAD + text + "\n") is None


DATED = (
    "SERVICES AGREEMENT\n\nThis Agreement is dated June 5, 2019 by and between Acme Widgets, "
    'Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n'
)


def test_the_effective_date_of_this_agreement_named_in_passing_states_no_start():
    text = "The plan is due ninety (90) days following the effective date of this Agreement."
    assert _effective(DATED + text + "\n") is None
    term = "The Term shall commence on November 1, 2019 and end on October 31, 2020."
    assert _effective(DATED + text + "\n" + term + "\n") == "2019-11-01"


def test_the_agreements_own_name_before_its_date_is_not_another_agreement():
    text = (
        "LICENSE AGREEMENT\n\nThis License, Development and Commercialization Agreement (this "
        '"Agreement"), dated as of February 4, 2020 (the "Effective Date"), is made by and '
        "between Xencor, Inc. and Aimmune Therapeutics, Inc.\n"
    )
    assert _effective(text) == "2020-02-04"


def test_effective_the_day_after_the_last_signature():
    term = (
        "This Agreement will be effective beginning on 12:01 a.m., Eastern Time, on the day "
        'after the date of last signature to these Base Terms ("Effective Date").'
    )
    block = "By: /s/ Tim Orr 1/9/02 By: /s/ Ann Lee 1/14/02\nName Date Name Date\n"
    assert _effective(HEAD + term + "\n" + BODY, block) == "2002-01-15"
    same_day = term.replace(
        "on the day after the date of last signature", "as of the last signature"
    )
    assert _effective(HEAD + same_day + "\n" + BODY, block) == "2002-01-14"


def test_a_preamble_after_a_long_table_of_contents_is_read():
    contents = "".join(f"{n}. Heading number {n} . . . . . {n}\n" for n in range(1, 400))
    text = (
        'DISTRIBUTOR AGREEMENT\n\nDISTRIBUTOR AGREEMENT (the "Agreement") is made as of the 1st '
        "day of January, 1996 by and between Peregrine Corp. and Neon Systems, Inc.\n"
    )
    assert _agreement("TABLE OF CONTENTS\n" + contents + text + BODY) == "1996-01-01"


def test_a_filing_header_before_the_preamble_is_not_a_footer():
    head = (
        "Vertex Energy, Inc. 8-K Exhibit 10.1 JOINT SUPPLY AGREEMENT This Agreement is made "
        "and entered into this 10th day of January, 2020 between Bunker One Inc. and Vertex.\n"
    )
    assert _agreement(head) == "2020-01-10"
    glued = "This Agreement is made between Acme and Bolt. Source: ACME INC, 10-K, 3/21/2019\n"
    assert _agreement("SUPPLY AGREEMENT\n\n" + glued) is None


def test_the_signing_date_far_along_an_in_witness_line():
    block = (
        "Appendix 1 Schedule for Capital Contributions Page 30 IN WITNESS WHEREOF, the duly "
        "authorized representative of each Party has signed this Contract in Baoding, People's "
        "Republic of China on November 8, 2002.\n"
    )
    head = "JOINT VENTURE CONTRACT\n\nThis Contract is made between Acme Inc. and Bolt LLC.\n"
    assert _agreement(head + BODY + block) == "2002-11-08"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Signed and effective this 25th day of May, 1999.", "1999-05-25"),
        ("This Agreement is effective on the day of May 1, 2013 and the effective term is the "
         "same as the Cooperation Term.", "2013-05-01"),
        ('"EFFECTIVE DATE" means 12:01 a.m. Eastern Standard Time on March 3, 2003.',
         "2003-03-03"),
        ("Content and License Agreement Effective Dates: September 1, 2006, August 31, 2007",
         "2006-09-01"),
    ],
)  # fmt: skip
def test_effective_date_wording_round3(text, expected):
    assert _effective(HEAD + text + "\n") == expected


def test_the_date_last_written_below_named_the_effective_date():
    head = (
        "DISTRIBUTOR AGREEMENT\n\nThis Agreement is made as of the date last written below "
        '("the Effective Date") by and between Cisco Systems, Inc. and ScanSource, Inc.\n'
    )
    block = "By: /s/ Tim Orr Date: 1/19/07 By: /s/ Ann Lee Date: January 22, 2007\n"
    assert _effective(head + BODY, block) == "2007-01-22"
    assert _effective(HEAD + BODY, block) is None  # no such wording: no start stated
