"""The document model: headings, definitions, cover page, signature blocks and exhibits, and
the rules reading the part a lawyer would read (not an exhibit's dates, the definition)."""

from __future__ import annotations

from extraction.document import build_document
from extraction.extract import terms_from_document
from extraction.structure import build_structure

COVER = "CONFIDENTIAL TREATMENT REQUESTED\nEXHIBIT 10.4\n"
BODY = (
    "SUPPLY AGREEMENT\n\nThis Supply Agreement is entered into on 3 January 2019 between Acme "
    "Widgets, Inc. (\"Supplier\") and Bolt Stores LLC (\"Buyer\").\n\n"
    "1. DEFINITIONS\n\"Effective Date\" means February 1, 2019.\n"
    "\"Products\" means the widgets listed in Exhibit A.\n\n"
    "2. TERM AND RENEWAL\n2.1 Term. This Agreement shall continue for three (3) years from the "
    "Effective Date.\n"
)
SIGNATURE = (
    "IN WITNESS WHEREOF, the parties have signed this Agreement.\n\nACME WIDGETS, INC.\n"
    "By: /s/ Jane Roe\n\nBOLT STORES LLC\nBy: /s/ John Doe\n"
)
EXHIBIT = (
    "EXHIBIT A\nFORM OF RENEWAL NOTICE\n\nThe term of this Agreement shall commence on June 1, "
    "2030 and shall expire on June 1, 2031.\n"
)
PAGES = [COVER, BODY, BODY.split("2. TERM")[0][:0] + "3. PRICES\nPrices are in Exhibit A.\n",
         SIGNATURE, EXHIBIT]  # fmt: skip


def test_parts_headings_and_definitions():
    s = build_structure(PAGES)
    assert s.cover_pages == {1}
    assert s.signature == (4, 0)
    assert s.exhibits == (5, 0)
    assert s.part(2, 10) == "body" and s.part(5, 30) == "exhibit" and s.part(1, 0) == "cover"
    titles = [h.title for h in s.headings if h.page == 2]
    assert "DEFINITIONS" in titles and "TERM AND RENEWAL" in titles
    term = s.section(2, BODY.index("shall continue"))
    assert term is not None and term.title in ("Term", "TERM AND RENEWAL")
    (effective,) = s.defined("effective date")
    assert effective.kind == "means"
    assert "February 1, 2019" in PAGES[1][effective.start : effective.end]


def test_rules_read_the_definition_and_ignore_the_exhibit():
    found = terms_from_document(build_document(PAGES))
    assert found["effective_date"].normalized == "2019-02-01"
    assert found["expiration_date"].normalized == "2022-02-01"  # not the exhibit's 2031


def test_sentences_know_their_section_and_part():
    doc = build_document(PAGES)
    continuing = next(s for s in doc.sentences if "shall continue" in s.text)
    assert continuing.part == "body" and continuing.section in ("Term", "TERM AND RENEWAL")
    order = next(s for s in doc.sentences if "June 1, 2030" in s.text)
    assert order.part == "exhibit"
