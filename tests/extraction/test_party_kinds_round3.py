"""Party kinds of the third pass over the strict CUAD misses (issue 13): a preamble after a
table of contents, a defined term written '(individually the "Member")', an address after
'of', and what is named near the parties but is none (a place, a schedule, a blank, a
regulator, a role word alone). Each kind has a negative."""

from __future__ import annotations

from extraction.document import build_document
from extraction.rules.names import clean_name
from extraction.rules.parties import parties
from extraction.structure import build_structure

_CONTENTS = "TABLE OF CONTENTS\n" + "".join(
    f"{n}. {title} {n + 2}\n"
    for n, title in enumerate(
        [
            "Definitions",
            "Grant of Licence",
            "Term",
            "Fees",
            "Training",
            "Marketing",
            "Inspections",
            "Insurance",
            "Transfer",
            "Termination",
            "Notices",
        ],  # fmt: skip
        start=1,
    )
)
_MORE_CONTENTS = "".join(f"{n}.{k} Subsection {k} {n}\n" for n in (12, 13) for k in range(1, 6))
_PREAMBLE = (
    "FRANCHISE AGREEMENT\nThis Franchise Agreement between Homewood Suites Franchise LLC "
    '("Franchisor") and Stratford Lodging Partners LLC ("Franchisee") is dated as of the '
    "Effective Date.\n"
)
_FILLER = "The Franchisee shall operate the Hotel in line with the Manual at all times.\n" * 4


def _names(*pages: str) -> list[str]:
    field = parties(build_document(list(pages))).get("parties")
    return [p["name"] for p in field.normalized] if field else []


def test_the_preamble_after_a_table_of_contents_of_several_pages_is_read():
    cover = "FRANCHISE AGREEMENT\nHOMEWOOD SUITES STRATFORD\n(Stratford, Connecticut)\n"
    pages = [cover, _CONTENTS, _MORE_CONTENTS, _MORE_CONTENTS, _PREAMBLE + _FILLER, _FILLER]
    assert build_structure(pages).contents_pages == {2, 3, 4}
    assert _names(*pages) == ["Homewood Suites Franchise LLC", "Stratford Lodging Partners LLC"]


def test_a_page_with_the_preamble_before_its_contents_list_is_not_skipped():
    page = (
        "This maintenance and support contract is concluded between Northwind Telecom a.s. "
        '("Operator") and Sicap Ltd ("Supplier").\n' + _CONTENTS
    )
    assert build_structure([page, _FILLER, _FILLER]).contents_pages == set()
    assert _names(page, _FILLER, _FILLER) == ["Northwind Telecom a.s.", "Sicap Ltd"]


def test_prose_pages_are_never_taken_for_contents():
    prose = "\n".join(["The Franchisee shall keep the books of the Hotel for five years."] * 12)
    assert (
        build_structure([_CONTENTS.replace("TABLE OF CONTENTS", "")] + [prose] * 3).contents_pages
        == set()
    )
    assert build_structure(["TABLE OF CONTENTS\n" + prose, prose, prose]).contents_pages == set()


def test_individually_the_defined_term_and_an_address_after_of():
    text = (
        "JOINT VENTURE AGREEMENT made this 20th day of March 2020,\nBETWEEN:\n"
        "BorrowCo.com, inc of 512 Bayshore DR, suite 201 Fort Lauderdale FL 33304, and JVLS, "
        "LLC of 4060 Johns Creek Parkway Suite H Suwanee, GA 30024 (individually the "
        '"Member" and collectively the "Members").\nBACKGROUND:\n'
    )
    assert _names(text + _FILLER) == ["BorrowCo.com, inc", "JVLS, LLC"]
    # 'of' followed by a name, not an address, stays part of the name
    assert clean_name("Bank of America, N.A.") == "Bank of America, N.A."


def test_places_schedules_blanks_regulators_and_roles_are_no_party_names():
    for text in ("Florida", "King County, Washington", "Schedule A", "N/A______________",
                 "U.S. Securities and Exchange Commission", "Distributor"):  # fmt: skip
        assert clean_name(text) is None, text
    for name in ("Washington Mutual Bank", "New York Life Insurance Company",
                 "Texas Instruments Incorporated", "Schedule A Corp"):  # fmt: skip
        assert clean_name(name) == name


def test_nordic_and_south_european_legal_forms_end_a_name_before_its_address():
    text = (
        "DEVELOPMENT AGREEMENT\nbetween\nNORDLYS PHARMA A/S of Industriparken 55, DK-2750 "
        'Ballerup, Denmark (hereinafter referred to as "NORDLYS") ---\nand\nGALWAY '
        "(CHEMICALS) LIMITED of 4 Adelaide Street, Dun Laoghaire, Co. Dublin, Ireland "
        '(hereinafter referred to as "GALWAY").\n'
    )
    assert _names(text + _FILLER) == ["NORDLYS PHARMA A/S", "GALWAY (CHEMICALS) LIMITED"]
    for name in ("Vasa Logistik AB", "Kivi Oy", "Ferro Tecnica S.p.A.", "Maxis Sdn. Bhd."):
        assert clean_name(f"{name} of Via Roma 2, Milano, Italy") == name


def test_care_of_address_is_cut_off_but_a_name_with_co_is_kept():
    assert clean_name("DUVAL ENTERPRISES, INC. c/o International Management, Inc.") == (
        "DUVAL ENTERPRISES, INC."
    )
    assert clean_name("Colorado Coffee Co.") == "Colorado Coffee Co."


def test_former_names_descriptions_and_capitalised_prose_are_cut_or_refused():
    assert clean_name("AHF Holding, Inc. (formerly known as Tarzan HoldCo, Inc.)") == (
        "AHF Holding, Inc."
    )
    assert clean_name("ScanSource Latin America, Inc. a ScanSource Affiliate incorporated") == (
        "ScanSource Latin America, Inc."
    )
    assert clean_name("BINDING THE BUSINESS ENTITY THAT YOU REPRESENT") is None
    assert clean_name("As an inducement to Kiosk Concepts, Inc.") == "Kiosk Concepts, Inc."
    # negatives: a subsidiary 'of' X names X; capitals without prose stay a name
    assert clean_name("a wholly-owned subsidiary of HOF Village, LLC") == "HOF Village, LLC"
    assert clean_name("THE COMMUNICATIONS AUTHORITY OF THAILAND") == (
        "THE COMMUNICATIONS AUTHORITY OF THAILAND"
    )
    assert clean_name("Board of Regents of the University of Texas System") == (
        "Board of Regents of the University of Texas System"
    )
