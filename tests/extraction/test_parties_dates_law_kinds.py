"""Parties, agreement/effective dates and governing law: wording kinds unseen contracts use
(issue 13), one short real-looking sentence per kind."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.rules import dates, law, parties


def _law(text: str) -> str | None:
    field = law.governing_law(build_document([f"SERVICES AGREEMENT\n\n{text}\n"]))
    return field.normalized if field else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This Agreement shall be governed in all respects by the laws of the United States and "
         "the State of Florida, except for conflict of laws provisions.", "Florida"),
        ("This Distributor Agreement shall be governed by the laws of the United States of "
         "America and of the Commonwealth of Pennsylvania.", "Pennsylvania"),
        ("This Agreement shall be governed by the laws of the R.O.C.", "Taiwan"),
        ("The validity and interpretation of this Agreement shall be governed by the laws of PRC.",
         "People's Republic of China"),
        ("12.1 The execution and performance of this Agreement will be governed by PRC Laws.",
         "People's Republic of China"),
        ("24.1 This agreement shall be governed by and construed in accordance with Ohio law.",
         "Ohio"),
        ("12.4 In all other matters not stipulated in this Contract, relations of the Parties "
         "shall be governed by the legislation of the Republic of Kazakhstan in force.",
         "Kazakhstan"),
        ("Any controversy between the parties arising under this Agreement shall be determined "
         "in accordance with the laws of the State of Michigan.", "Michigan"),
        ("(4) Applicable law and jurisdiction Even in case of agreements with foreign "
         "Affiliates, the law of the Federal Republic of Germany applies.", "Germany"),
    ],
)  # fmt: skip
def test_governing_law_wording(text, expected):
    assert _law(text) == expected


def test_a_state_law_about_franchisees_is_not_the_agreements_law():
    assert _law("With respect to franchisees governed by Minnesota law, we will comply.") is None


def test_a_table_of_contents_chooses_no_law():
    doc = build_document(
        [
            "TABLE OF CONTENTS ARTICLE 1 - DEFINITIONS 1 ARTICLE 2 - PROGRAM 1 ARTICLE 12 - TERM "
            "2 ARTICLE 13 - ARBITRATION AND GOVERNING LAW 17 ARTICLE 14 - ASSIGNMENT 18",
            "FuelCell Energy, Inc., a Delaware corporation, organized under the laws of the State "
            "of Delaware, and the other party.",
        ]
    )
    assert law.governing_law(doc) is None


def _names(preamble: str) -> list[str]:
    field = parties.parties(build_document([f"SERVICE AGREEMENT\n\n{preamble}\n"])).get("parties")
    return [p["name"] for p in field.normalized] if field else []


@pytest.mark.parametrize(
    ("preamble", "expected"),
    [
        # the second party a person, after a Greek question mark that looks like ';'
        ("THIS AGREEMENT is made BETWEEN: (1) BICYCLETX LIMITED a company incorporated in "
         "England (the \u201cCompany\u201d)\u037e and\n(2) NIGEL CROCKETT of "
         "(the \u2018\u2018Employee\u201d).",
         ["BICYCLETX LIMITED", "NIGEL CROCKETT"]),
        # an address run into a name in capitals
        ("This Agreement is made between ORGANIC PREPARATIONS INC. 2 nd Floor, Transpacific "
         "Haus, Port Vila (\"OPI\") and Agape ATP Limited (\"Agape\").",
         ["ORGANIC PREPARATIONS INC.", "Agape ATP Limited"]),
        ("This Agreement is entered into between KALLO Inc. With principal offices at 15 "
         "Allstate Parkway, Markham (\"Kallo\") and Beijing CC-Pharming Ltd. of Beijing, China "
         "(\"CC-Pharming\").", ["KALLO Inc.", "Beijing CC-Pharming Ltd."]),
        # a filing header glued to the second name, which follows 'And'
        ("This Agreement is made by and between Signature Orthopaedics Pty Ltd And CPM Medical "
         "Consultants LLC Source: FUSE MEDICAL, INC., 10-K, 3/21/2019 (\"Parties\").",
         ["Signature Orthopaedics Pty Ltd", "CPM Medical Consultants LLC"]),
        ("This Agreement is made between NETGEAR, Inc. (\"NETGEAR\") and Bay Networks, Inc., "
         "and Ingram Micro (\"Distributor\").",
         ["NETGEAR, Inc.", "Bay Networks, Inc.", "Ingram Micro"]),
        ("WHEREAS, Movado Group, Inc. (\"Movado\") and The undersigned, Dundee Securities Ltd. "
         "(\"Dundee\") agree.", ["Movado Group, Inc.", "Dundee Securities Ltd."]),
    ],
)  # fmt: skip
def test_party_names_without_what_is_glued_to_them(preamble, expected):
    assert _names(preamble) == expected


def test_a_date_before_the_names_is_no_party():
    names = _names(
        'This Agreement dated June 29, 2006 between PRIMEENERGY\u2019CORPORATION ( Time"), '
        'GUARANTY BANK, FSB ("Bank").'
    )
    assert not any("June" in n for n in names)


PREAMBLE = (
    "SERVICES AGREEMENT\n\nThis Agreement is dated June 5, 2019 by and between Acme Widgets, "
    'Inc. ("Acme") and Bolt Stores LLC ("Bolt").\n\n'
)


def _effective(text: str) -> object:
    doc = build_document([PREAMBLE + text + "\n"])
    field = dates.effective_date(doc, dates.agreement_date(doc))
    return field.normalized if field else None


@pytest.mark.parametrize(
    "text",
    [
        "This agreement commences upon execution of this document.",
        "This Agreement shall enter into effect on the date it is signed by both parties.",
        "1) This Agreement shall become effective on the date of its execution and shall remain "
        "in force for three years.",
    ],
)
def test_an_agreement_effective_on_signature_starts_on_the_agreement_date(text):
    assert _effective(text) == "2019-06-05"


@pytest.mark.parametrize(
    "text",
    [
        "IN WITNESS WHEREOF, the parties have caused this Agreement to be executed as of the "
        "Effective Date first written above.",
        '"Standstill Period" shall mean the period commencing on the date of this Agreement and '
        "ending on the date of the annual meeting.",
        "Premier shall purchase a minimum volume under this Agreement for the twelve-month period "
        "commencing July 1, 2019.",
        "The parties further agree to amend that certain Quality Agreement between them effective "
        'as of September 15, 2015 (the "Quality Agreement").',
    ],
)
def test_no_effective_date_where_the_contract_states_none(text):
    assert _effective(text) is None


@pytest.mark.parametrize("head", ["V0.4 November 2008", "Version 2.1 - 3 March 2010"])
def test_a_version_string_is_not_the_agreement_date(head):
    doc = build_document(
        [f'MASTER SERVICES AGREEMENT\n{head}\n\nThis Agreement is made between Acme Inc. ("Acme") '
         'and Bolt LLC ("Bolt").\n']
    )  # fmt: skip
    assert dates.agreement_date(doc) is None


def test_the_date_of_the_agreement_an_amendment_amends_is_not_its_own():
    doc = build_document(
        [
            "AMENDMENT 1 TO DEVELOPMENT AGREEMENT\n\nThis is the First Amendment to the "
            "Development Agreement (\u201cDevelopment Agreement\u201d) previously entered into on "
            "April 15, 2010, by and between Cargill, Incorporated and OPX Biotechnologies, Inc. "
            "This First Amendment is dated as of July 18, 2011.\n"
        ]
    )
    assert dates.agreement_date(doc).normalized == "2011-07-18"


def test_signature_dates_give_the_last_signature():
    pages = [
        "SERVICES AGREEMENT\n\n"
        + "".join(f"{n}. The parties agree to clause {n}.\n" for n in range(90)),
        "IN WITNESS WHEREOF the parties sign below.\nBY: /s/ Thomas Gallo BY: /s/ Tim Orr\n"
        "Date: 1/26/2020 Date: 1/27/2020\n",
    ]
    assert dates.agreement_date(build_document(pages)).normalized == "2020-01-27"
