"""Party kinds the strict CUAD bench missed (issue 13), one short synthetic text each:
signature blocks after 'IN WITNESS WHEREOF' and in joint filings, parties set out line by
line ('BETWEEN:' ... '- and -'), defined terms without quotes or parentheses, preambles
whose descriptions run into the next party, and a last party named without a term. Each
kind has a negative: text that looks like it but names no further party."""

from __future__ import annotations

from extraction.document import build_document
from extraction.rules.parties import parties

_FILLER = "The Provider shall perform the services described in Schedule 1 with due care.\n" * 4


def _names(*pages: str) -> list[str]:
    field = parties(build_document(list(pages))).get("parties")
    return [p["name"] for p in field.normalized] if field else []


# Signature blocks -------------------------------------------------------------------------


def test_signature_blocks_on_the_pages_after_in_witness_whereof():
    preamble = (
        "MAINTENANCE AGREEMENT\n\nThis Agreement is made by the parties identified in the "
        "signature blocks below.\n\n" + _FILLER
    )
    witness = (
        _FILLER + "IN WITNESS WHEREOF, the parties have executed this Agreement as of the date "
        "first written above.\n\n[Signature page follows]\n"
    )
    blocks = (
        "NORTHWIND SUPPORT SERVICES, INC.          HARBOR FREIGHT LOGISTICS CORPORATION\n"
        "/s/ Jane Roe                              /s/ John Doe\n"
        "By: Jane Roe                              By: John Doe\n"
        "Title: President                          Title: CFO\n"
    )
    names = _names(preamble, _FILLER, witness, blocks)
    assert names == ["NORTHWIND SUPPORT SERVICES, INC.", "HARBOR FREIGHT LOGISTICS CORPORATION"]


def test_a_wrapped_name_above_its_signature_line_is_one_name():
    page = (
        "IN WITNESS WHEREOF the parties have signed this Agreement.\n\n"
        "BLUE RIVER ANALYTICS LLC\nBy: /s/ A. Smith\nName: A. Smith\n\n"
        "INTERNATIONAL FAST FOOD\nCORPORATION\nBy: /s/ B. Jones\nName: B. Jones\n"
    )
    names = _names("SUPPLY AGREEMENT\n\nThe parties agree as follows.\n" + _FILLER, page)
    assert names == ["BLUE RIVER ANALYTICS LLC", "INTERNATIONAL FAST FOOD CORPORATION"]


def test_signed_by_in_prose_is_no_signature_block():
    page = (
        "12. Amendments. This Agreement may be amended only in a writing\n"
        "signed by both parties.\nACME HOLDINGS, INC.\nBy: the board, acting by its secretary.\n"
    )
    assert _names("SUPPLY AGREEMENT\n\nThe parties agree as follows.\n" + _FILLER, page) == []


def test_joint_filing_agreement_names_the_entities_that_sign():
    page = (
        "JOINT FILING AGREEMENT\nThe undersigned hereby agree that the Schedule 13G with "
        "respect to the shares of Example Corp. is filed on behalf of each of them.\n"
        "Dated: January 22, 2020\nABP TRUST\n/s/ Adam Portnoy\n(Signature)\n"
        "MPM ONCOLOGY IMPACT FUND L.P.\nBy: MPM Oncology Impact Management LP, its General "
        "Partner\nBy: /s/ Ann Gadicke\nName: Ann Gadicke\n"
    )
    names = _names(page)
    assert names[:2] == ["ABP TRUST", "MPM ONCOLOGY IMPACT FUND L.P."]
    assert "MPM Oncology Impact Management LP" in names
    assert not any("Gadicke" in n or "Portnoy" in n for n in names)


def test_a_letter_without_signature_mark_has_no_signature_parties():
    page = "Dear Sir,\nWe confirm the schedule.\nACME LIMITED\n/s/ J. Smith\n"
    assert _names(page) == []


# Parties line by line ---------------------------------------------------------------------


def test_between_block_with_dashed_and_lines_and_quoted_terms_on_their_own_lines():
    page = (
        "ODM - SUPPLY AGREEMENT\nBETWEEN:\nORGANIC PREPARATIONS INC.\n2nd Floor, Transpacific "
        "Haus\nPort Vila, Vanuatu\n“the Manufacturer”\n-- AND --\nAGAPE INTERNATIONAL HOLDING "
        "LIMITED\nUnit 05, Energy Plaza\nKowloon, Hong Kong\n“the Customer”\n"
        "1. DEFINITIONS\nIn this Agreement the following words have these meanings.\n"
    )
    assert _names(page) == ["ORGANIC PREPARATIONS INC.", "AGAPE INTERNATIONAL HOLDING LIMITED"]


def test_title_page_between_x_and_y():
    cover = (
        "JOINT DEVELOPMENT AGREEMENT\nbetween\nFUELCELL ENERGY, INC.\nand\n"
        "EXXONMOBIL RESEARCH AND ENGINEERING COMPANY\nDATED AS OF MAY 1, 2019\n"
    )
    names = _names(cover, _FILLER, _FILLER)
    assert names == ["FUELCELL ENERGY, INC.", "EXXONMOBIL RESEARCH AND ENGINEERING COMPANY"]


def test_a_short_name_on_a_title_page_is_not_a_party_name():
    cover = "Manufacturing Agreement\nBetween\nSonos, Inc.\nAnd\nIAC\n"
    assert "IAC" not in _names(cover, _FILLER, _FILLER)


def test_dashed_and_between_parenthesised_parties():
    page = (
        "THIS AGREEMENT is made\nBETWEEN:\nEHAVE, INC., a company incorporated under the laws "
        "of Ontario\n(“Ehave”);\n- and -\nCOMPANION HEALTHCARE TECHNOLOGIES CORP, a company "
        "incorporated under the laws of Ontario (“CHT”)\nRECITALS:\nA. Ehave has a platform.\n"
    )
    assert _names(page) == ["EHAVE, INC.", "COMPANION HEALTHCARE TECHNOLOGIES CORP"]


# Defined terms without quotes or parentheses ----------------------------------------------


def test_hereinafter_without_quotes_defines_a_party():
    page = (
        "This Agreement is entered into as of the 1st day of October, 2008 (Commencement Date) "
        "by and between IntriCon Corporation, a Pennsylvania Corporation having a place of "
        "business at 1260 Red Fox Road, Arden Hills (hereinafter IntriCon) and Dynamic Hearing "
        "Pty Ltd a Corporation organized under the laws of Victoria (hereinafter Dynamic "
        "Hearing) agree to collaborate.\nWHEREAS, Dynamic Hearing has developed technology.\n"
    )
    names = _names(page)
    assert names == ["IntriCon Corporation", "Dynamic Hearing Pty Ltd"]
    assert "Commencement Date" not in names


def test_referred_to_in_this_agreement_as_defines_a_party():
    page = (
        "THIS AGREEMENT made this 5th day of December, 2007, between R. C. Boyd Enterprises, "
        'LLC, a Texas limited liability company, referred to in this Agreement as "Company" '
        'or "Boyd", and Cano Petroleum, Inc., a Delaware corporation, referred to in this '
        'agreement as "Sponsor".\nWHEREAS, the Company owns the rights to the show.\n'
    )
    assert _names(page) == ["R. C. Boyd Enterprises, LLC", "Cano Petroleum, Inc."]


def test_hereinafter_to_be_referred_to_as():
    page = (
        'THIS SPONSORSHIP AGREEMENT (hereinafter the "Agreement") is made by and between SABCO '
        "RACING, INC., a North Carolina corporation (hereinafter Sabco), and Prolong Super "
        'Lubricants, a California corporation (Hereinafter to be referred to as "Prolong");\n'
        "WITNESSETH:\n"
    )
    assert _names(page) == ["SABCO RACING, INC.", "Prolong Super Lubricants"]


def test_parties_referred_to_collectively_are_no_new_party():
    page = (
        'This Agreement is made between Acme Ltd ("Acme") and Beta LLC ("Beta"). Acme and '
        'Beta are referred to as the "Parties".\nWHEREAS the parties agree.\n'
    )
    assert _names(page) == ["Acme Ltd", "Beta LLC"]


# Preambles that run on --------------------------------------------------------------------


def test_a_description_that_runs_into_the_next_party():
    page = (
        'JSC NOC KazakhOil, hereinafter referred to as the "Company", in the person of '
        "Executive Director Ms. A. Rakhimbekov, acting on the basis of the Power of Attorney, "
        'on the one side and JSC Karakudukmunay, hereinafter referred to as the "Principal" '
        "in the person of General Director Mr. N. Klinchev, on the other side, have entered "
        "into this Transportation Contract.\n1. SUBJECT OF THE CONTRACT\n"
    )
    names = _names(page)
    assert names[:2] == ["JSC NOC KazakhOil", "JSC Karakudukmunay"]
    assert not any("Director" in n for n in names)


def test_the_second_party_after_an_address_and_the():
    page = (
        'This Agreement ("Agreement") is made effective March 22, 2018, by and between Freeze '
        'Tag Inc., a Delaware Corporation ("Company"), with its principal place of business '
        "located at 1720 Bray Central Drive, McKinney, TX 75069 and the American Diabetes "
        'Association, Inc. ("Association"), an Ohio not-for profit corporation.\n'
    )
    assert _names(page) == ["Freeze Tag Inc.", "American Diabetes Association, Inc."]


def test_a_last_party_named_without_a_defined_term():
    page = (
        'This Promotion Agreement (herein "Agreement") dated March 12, 1999, by and between Go '
        'Call, Inc. (herein "Go Call") located at 15 Queen Street East, Cambridge, Canada and '
        "PageMaster Corporation located at 100 E. Thousand Oaks Blvd., shall set forth the "
        "terms of a promotion.\nWHEREAS, Go Call seeks to increase its sales.\n"
    )
    assert _names(page) == ["Go Call, Inc.", "PageMaster Corporation"]


def test_a_later_and_without_a_company_is_no_last_party():
    page = (
        'This Agreement is made by and between Go Call, Inc. (herein "Go Call") and its '
        "Affiliates and Subsidiaries, for the promotion of paging services.\nWHEREAS.\n"
    )
    assert _names(page) == ["Go Call, Inc."]


def test_fallback_keeps_both_names_joined_by_and_after_inc():
    page = "AGREEMENT\nBETWEEN ENERGY XXI GULF COAST, INC. AND ENERGY XXI USA, INC.\n"
    assert _names(page, _FILLER, _FILLER) == ["ENERGY XXI GULF COAST, INC.", "ENERGY XXI USA, INC."]


def test_fallback_stops_at_the_sentence_after_inc():
    page = (
        "This agreement replaces all previous agreements between Galaxy Hosting Inc. and "
        "Horst Entertainment Inc. There shall be no additional fees of any kind.\n"
    )
    names = _names(page)
    assert "Horst Entertainment Inc" in names
    assert not any("There" in n for n in names)
