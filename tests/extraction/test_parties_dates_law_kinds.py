"""Parties, agreement/effective dates and governing law: wording kinds unseen contracts use
(issue 13), one short real-looking sentence per kind."""

from __future__ import annotations

import pytest

from extraction.document import build_document
from extraction.rules import law


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
