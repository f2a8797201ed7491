"""Party-name bounds read from cuad-other's misses (issue 13, round 6): EDGAR underline marks
inside a name, the tail of the party before's address, a verb the cut left behind, a recital's
'Whereas' read as a name. Each with a name that must stay whole."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.extract import terms_from_document
from extraction.rules.names import clean_name


@pytest.mark.parametrize(
    ("segment", "name"),
    [
        ("Mail ------- Boxes Etc. USA, Inc.", "Mail Boxes Etc. USA, Inc."),
        ("located in Philadelphia, Pennsylvania and Jeffrey Hanuscin", "Jeffrey Hanuscin"),
        (
            "Scientific Products Pharmaceutical Co. LTD is",
            "Scientific Products Pharmaceutical Co. LTD",
        ),
        # near misses: names that keep every word
        ("Bolt-On Services - East, LLC", "Bolt-On Services - East, LLC"),
        ("Washington, Pennsylvania Holdings LLC", "Washington, Pennsylvania Holdings LLC"),
        ("Island Will Corp.", "Island Will Corp."),
    ],
)
def test_name_bounds(segment: str, name: str | None) -> None:
    assert clean_name(segment) == name


def test_a_person_after_the_employers_address_is_named_alone() -> None:
    doc = build_document(
        [
            "Split-Dollar Endorsement Agreement\nTHIS AGREEMENT is made and entered into this 1st "
            "day of June, 2017 by and between Prudential Bank (hereinafter referred to as the\n"
            '"Employer"), located in Philadelphia, Pennsylvania and Jeffrey Hanuscin, (hereinafter '
            'referred to as the "Employee"), residing at 2406 Sanibel Circle, Palmyra, NJ.'
        ]
    )
    names = [p["name"] for p in terms_from_document(doc)["parties"].normalized]
    assert names == ["Prudential Bank", "Jeffrey Hanuscin"]


def test_a_recital_after_the_party_blocks_names_no_party() -> None:
    # cuad-other #301 (CC BY 4.0), its opening
    doc = build_document(
        [
            "Exhibit 10.5\nCollaboration Agreement\nThis Collaboration Agreement (hereinafter "
            'referred to as this \u201cAgreement") is made and entered into by and between the '
            "following parties in\nHaidian District, Beijing.\nParty A: Didi Chuxing Technology "
            "Co., Ltd.\nLegal Representative: Ting Chen\nParty B: Hunan Ruixi Financial Leasing "
            "Co., Ltd\nLegal Representative: Xianglong Li\nParty A and Party B shall be "
            "individually referred to as a \u201cParty\u201d and collectively as the "
            "\u201cParties\u201d.\nWhereas\n1. As a company providing third-party e-commerce "
            "platform services, and desires to assist the Driver User (hereinafter referred to "
            "as the \u201cDriver\nUser\u201d) registered on the platform to lease vehicles from "
            "Party B with the most favorable treatment in the market;"
        ]
    )
    names = [p["name"] for p in terms_from_document(doc)["parties"].normalized]
    assert names == ["Didi Chuxing Technology Co., Ltd.", "Hunan Ruixi Financial Leasing Co., Ltd"]
