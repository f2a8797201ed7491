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


# Names glued to what follows or precedes them ---------------------------------------------


def test_role_written_before_the_name_and_a_city_after_it_are_cut():
    page = (
        'This Agreement is made between American Express Incentive Services, L.L.C. ("AEIS") '
        'and Reseller, Schoolpop, Inc. ("Reseller"), and Prolong Super Lubricants, Anaheim, '
        'Calif. (hereinafter to be referred to as "Prolong").\nWHEREAS the parties agree.\n'
    )
    assert _names(page) == [
        "American Express Incentive Services, L.L.C.",
        "Schoolpop, Inc.",
        "Prolong Super Lubricants",
    ]


def test_a_street_after_a_kg_and_a_lone_suffix_are_no_names():
    page = (
        "This Supply Agreement is made between CREMER OLEO GmbH & Co KG, Glockengiesserwall 3, "
        '20095 Hamburg ("Cremer") and Ultragenyx Pharmaceutical Inc. ("Ultragenyx"), and '
        'Inc. ("Other").\nWHEREAS the parties agree.\n'
    )
    assert _names(page) == ["CREMER OLEO GmbH & Co KG", "Ultragenyx Pharmaceutical Inc."]


def test_prose_with_a_verb_is_no_name():
    page = (
        'This Agreement is made between Emdeon Corporation ("Emdeon") and WebMD, Inc. ("WebMD"). '
        'Emdeon agrees to accept the services (the "Services").\nWHEREAS the parties agree.\n'
    )
    assert _names(page) == ["Emdeon Corporation", "WebMD, Inc."]


def test_party_a_and_party_b_lines():
    page = (
        "INTELLECTUAL PROPERTY AGREEMENT\nThis Agreement is entered into in ShenZhen on "
        "February 08, 2007 between the following two parties:\nParty A: JingWei HengTong "
        "Technology (ShenZhen) Co., Ltd. (经纬恒通科技（深圳）有限公司 )\n"
        "Registration Address: Room 1605 B, Tianan Plaza\n"
        "Party B: ShenZhen JingWei Communication Co., Ltd.(深圳经纬通信技术有限公司)\n"
        "WHEREAS:\n"
    )
    assert _names(page) == [
        "JingWei HengTong Technology (ShenZhen) Co., Ltd.",
        "ShenZhen JingWei Communication Co., Ltd.",
    ]


def test_one_party_a_line_is_no_list_of_parties():
    page = "Party A: the Licensor named above\nThis Agreement is made by the parties.\n"
    assert _names(page) == []


def test_a_preamble_that_runs_into_section_1_stops_there():
    page = (
        "Rogers Cable Communications Inc. (“Rogers”) and\nEuroMedia Holdings Corp. (“Licensor”) "
        "offering Video-on-Demand service made as of July 11, 2006 (the “Agreement”)\n"
        "1. RIGHTS GRANTED\nLicensor grants to Rogers the right to exhibit in Canada (the "
        "“Territory”) programming on a Video-on-Demand (“VOD”) basis.\n"
    )
    assert _names(page) == ["Rogers Cable Communications Inc.", "EuroMedia Holdings Corp."]


def test_lettered_party_list_and_a_contract_term():
    page = (
        "This Agreement is made among (a) Kathy Ireland, Inc. (“KII”); (b) The Sterling/Winters "
        "Co. (“SWC”), 1900 Avenue of the Stars, Los Angeles, California 90067; and (c) Diplomat "
        'Ambassador Eyewear Group ("Diplomat"), in this Licensing Contract (the "License '
        'Contract").\nWHEREAS the parties agree.\n'
    )
    assert _names(page) == [
        "Kathy Ireland, Inc.",
        "The Sterling/Winters Co.",
        "Diplomat Ambassador Eyewear Group",
    ]


def test_accepted_and_agreed_blocks_with_signed_lines_and_a_role_column():
    page = (
        "ACCEPTED AND AGREED TO BY:            ACCEPTED AND AGREED TO BY:\n"
        "McDATA CORPORATION(McDATA)            RESELLER MTI TECHNOLOGY CORPORATION\n"
        "SIGNED: /s/ Bruce Chumley             SIGNED: /s/ Tom Raimondi\n"
    )
    names = _names("RESELLER AGREEMENT\nThe parties agree as follows.\n" + _FILLER, page)
    assert names == ["McDATA CORPORATION", "MTI TECHNOLOGY CORPORATION"]


def test_a_name_wrapped_before_its_suffix_and_a_role_header_is_not_joined():
    page = (
        "IN WITNESS WHEREOF the parties sign.\nSEATTLE SOFTWARE\nDEVELOPERS, Inc.\n"
        "By: /s/ A. Smith\nCUSTOMER NAME\nPELICAN DELIVERS INC.\nBy: /s/ B. Jones\n"
        "FRANCHISEE MEMBER\nBy: /s/ C. Brown\n"
    )
    names = _names("DEVELOPMENT AGREEMENT\nThe parties agree as follows.\n" + _FILLER, page)
    assert names == ["SEATTLE SOFTWARE DEVELOPERS, Inc.", "PELICAN DELIVERS INC."]


def test_a_person_as_second_party_with_an_unclosed_quote():
    page = (
        'This Agreement is made by and between Healthcare Distribution Specialists LLC ("HDS"), '
        'a Delaware corporation, and Paul Silas ("Celebrity), an individual.\n1. Engagement. '
        'HDS engages Celebrity to endorse its product, Clotamin, in Texas (the "Markets").\n'
    )
    assert _names(page) == ["Healthcare Distribution Specialists LLC", "Paul Silas"]


def test_description_after_the_name_and_a_collective_parenthetical_are_cut():
    page = (
        "(1) CHINA ECONOMIC INFORMATION SERVICE OF XINHUA NEWS AGENCY, the organisation within "
        'the agency responsible for news, with offices in Beijing ("CEIS"); and\n(2) XINHUA '
        'FINANCIAL NETWORK LIMITED, a company incorporated in Hong Kong ("XFN").\n'
        "WHEREAS the parties agree.\n"
    )
    assert _names(page) == [
        "CHINA ECONOMIC INFORMATION SERVICE OF XINHUA NEWS AGENCY",
        "XINHUA FINANCIAL NETWORK LIMITED",
    ]
    page = (
        "The undersigned, Dundee Securities Ltd. (the “Lead Agent”), Kes 7 Capital Inc., and "
        "Bloom Burton & Co. Ltd. (collectively with the Lead Agent, the “Agents”) understand "
        "that Tribute Pharmaceuticals Canada Inc. (the “Corporation”) proposes to issue shares.\n"
    )
    names = _names(page)
    assert "Bloom Burton & Co. Ltd." in names
    assert not any("collectively" in n for n in names)


def test_prose_about_the_last_party_and_a_law_are_no_parties():
    page = (
        "In accordance with the Law on Joint Ventures Using Chinese and Foreign Investment (the "
        '"Joint Venture Law"), Dundee Securities Ltd. (the "Agent") understands that Tribute '
        'Pharmaceuticals Inc. (the "Corporation") proposes to issue and sell up to 13,043,695 '
        "common shares of the Corporation, with the warrants attached to them as set out in "
        "the term sheet, at a price of $0.92 per Offered Share (the "
        '"Offering Price").\n'
    )
    assert _names(page) == ["Dundee Securities Ltd.", "Tribute Pharmaceuticals Inc."]


def test_a_description_between_two_terms_of_one_party_is_no_party():
    page = (
        "This Agreement is made by Leader Act Ltd (“LEADER”), a Nevada Corporation, (hereinafter "
        "referred to as “Leader”), and EZJR, Inc. a Nevada corporation, (hereinafter referred "
        "to as “EZJR”).\nWHEREAS the parties agree.\n"
    )
    assert _names(page) == ["Leader Act Ltd", "EZJR, Inc."]


def test_on_behalf_of_with_the_signature_on_the_same_line():
    page = (
        "IN WITNESS WHEREOF the parties have signed this Agreement.\n"
        "SIGNED by MARK ARLEN )\nduly authorised for and on behalf of ) /s/ Mark Arlen\n"
        "DAIRY CREST LIMITED )\nSIGNED by STEPHEN FISHER )\n"
        "duly authorised for and on behalf of ) /s/ S. Fisher\nSEV GROUP LIMITED )\n"
    )
    names = _names("FLEET MAINTENANCE AGREEMENT\nThe parties agree as follows.\n" + _FILLER, page)
    assert names == ["DAIRY CREST LIMITED", "SEV GROUP LIMITED"]


def test_a_list_of_names_each_with_its_description():
    page = (
        "This Cooperation Agreement is entered into by and between Spok Holdings, Inc., a "
        "Delaware corporation (the “Company”), and White Hat Strategic Partners LP, a Delaware "
        "limited partnership, White Hat SP GP LLC, a Delaware limited liability company, and "
        "White Hat Capital Partners LP, a Delaware limited partnership (collectively, the "
        "“White Hat Parties”).\nWHEREAS the parties agree.\n"
    )
    assert _names(page) == [
        "Spok Holdings, Inc.",
        "White Hat Strategic Partners LP",
        "White Hat SP GP LLC",
        "White Hat Capital Partners LP",
    ]


def test_a_name_and_its_description_in_one_piece_is_not_split():
    page = (
        "This Agreement is made between Acme Services, Inc., a Delaware corporation, Boston "
        'Branch ("Acme") and Beta LLC ("Beta").\nWHEREAS the parties agree.\n'
    )
    assert _names(page) == ["Acme Services, Inc.", "Beta LLC"]


def test_a_block_line_ending_in_a_comma_continues_the_list():
    cover = (
        "LICENSE AGREEMENT\nbetween\nSucampo Pharmaceuticals, Inc.,\nSucampo Pharma, LLC.\nand\n"
        "R-Tech Ueno, Ltd.\n"
    )
    assert _names(cover, _FILLER, _FILLER) == [
        "Sucampo Pharmaceuticals, Inc.",
        "Sucampo Pharma, LLC.",
        "R-Tech Ueno, Ltd.",
    ]


def test_a_role_word_alone_in_parentheses_defines_a_party():
    page = (
        "This Agreement is made between Great Lakes Gas Transmission Limited Partnership "
        "(Transporter)\nand ANR PIPELINE COMPANY (Shipper), in the State of Michigan (USA).\n"
    )
    assert _names(page) == [
        "Great Lakes Gas Transmission Limited Partnership",
        "ANR PIPELINE COMPANY",
    ]


def test_bulleted_party_and_labelled_lines_with_a_role():
    page = (
        "This Agreement is between:\n● Goosehead Insurance Agency, LLC, a Delaware limited "
        "liability company (“we,” “us,” or “our”); and\n● a [corporation organized in] the state "
        "of (“you” or the “Franchisee”).\n"
    )
    assert _names(page) == ["Goosehead Insurance Agency, LLC"]
    page = (
        "ROAD TRANSPORTATION AGREEMENT\nParty A (Shipper): ZTO Express Co., Ltd.\nAddress: "
        "Building 1, Shanghai\nParty B (Carrier): Tonglu Tongze Logistics Ltd.\nAddress: 12 "
        "Floor, Tonglu County\n"
    )
    assert _names(page) == ["ZTO Express Co., Ltd.", "Tonglu Tongze Logistics Ltd."]


def test_a_trust_defined_as_the_trust_is_a_party_and_trust_alone_is_not():
    page = (
        "This Agreement is made by and among Advantus Capital Management, Inc. (the “Investment "
        "Adviser”), Securian Financial Services, Inc. (the “Underwriter”) and Securian Funds "
        "Trust (the “Trust”), a Delaware statutory trust.\nWHEREAS the parties agree.\n"
    )
    assert _names(page)[2] == "Securian Funds Trust"
    signature = (
        "IN WITNESS WHEREOF the parties sign.\nUBS AG, London Branch\nBy: /s/ A\nTrust\nBy: /s/ B\n"
    )
    assert _names("CONFIRMATION\nThe parties agree.\n" + _FILLER, signature) == [
        "UBS AG, London Branch"
    ]


def test_two_signature_columns_a_single_space_apart():
    page = (
        "IN WITNESS WHEREOF the parties sign.\nZOGENIX, INC. NIPPON SHINYAKU COMPANY, LTD.\n"
        "By: /s/ A By: /s/ B\nBANK OF AMERICA CORPORATION\nBy: /s/ C\n"
    )
    names = _names("SUPPLY AGREEMENT\nThe parties agree as follows.\n" + _FILLER, page)
    assert names == [
        "ZOGENIX, INC.",
        "NIPPON SHINYAKU COMPANY, LTD.",
        "BANK OF AMERICA CORPORATION",
    ]


def test_a_person_described_as_individual():
    page = (
        'This Agreement is made between Bruce Jenner, Individual ("Jenner") and Marshall '
        'Holdings, Inc. ("Marshall").\nWHEREAS the parties agree.\n'
    )
    assert _names(page) == ["Bruce Jenner", "Marshall Holdings, Inc."]


def test_parties_named_on_the_signature_page_with_dated_signature_lines():
    first = (
        "SPONSORSHIP AGREEMENT\nThis Agreement is entered into by and among PEEK Investments "
        'LLC, a Delaware limited liability company ("Purchaser"), and each other party hereto '
        'identified on the signature page(s) hereto (each, a "Sponsor").\nWHEREAS.\n' + _FILLER
    )
    page = (
        "IN WITNESS WHEREOF, this Agreement is executed.\nPURCHASER:\nPEEK Investments LLC\n"
        "Date: July 16, 2012 By: /s/ Michael Onghai\nSPONSOR(S):\n"
        "Platinum Partners Value Arbitrage Fund L.P.\nBy: /s/ Mark Nordlicht\n"
        "Snowy August Fund I LP\nDate: July 16, 2012 By: /s/ Michael Onghai\n"
    )
    assert _names(first, page) == [
        "PEEK Investments LLC",
        "Platinum Partners Value Arbitrage Fund L.P.",
        "Snowy August Fund I LP",
    ]


def test_a_last_party_without_a_term_after_two_defined_ones():
    page = (
        "This Remarketing Agreement is made by and among MetLife, Inc., a Delaware corporation "
        "(the “Company”), and Deutsche Bank Securities Inc. (“Deutsche Bank”), and Deutsche "
        "Bank Trust Company Americas, not individually but solely as Stock Purchase Contract "
        "Agent.\nWHEREAS the parties agree.\n"
    )
    assert _names(page) == [
        "MetLife, Inc.",
        "Deutsche Bank Securities Inc.",
        "Deutsche Bank Trust Company Americas",
    ]


def test_a_footnote_mark_and_a_lettered_joint_venture_after_a_party():
    page = (
        "This Agreement is made by and between The Bon-Ton Stores, Inc. (collectively, "
        "“Merchant”),1 on the one hand, and (a) a contractual joint venture comprised of GA "
        "Retail, Inc. (“GA”) and Tiger Capital Group, LLC (“Tiger”).\nSection 1. Recitals\n"
    )
    assert _names(page) == [
        "The Bon-Ton Stores, Inc.",
        "GA Retail, Inc.",
        "Tiger Capital Group, LLC",
    ]


def test_a_long_defined_term_parenthetical_and_a_semicolon_list():
    page = (
        "This Agreement is made between Quaker Chemical Corporation (“Buyer”), a Pennsylvania "
        "corporation, and GOCL Corporation Limited, a public limited company incorporated in "
        "India (“Gulf Oil” and, together with Gulf Houghton and Gulf International, the "
        "“Sellers” and each, a “Seller”).\nWHEREAS the parties agree.\n"
    )
    assert _names(page) == ["Quaker Chemical Corporation", "GOCL Corporation Limited"]
    page = (
        "This Agreement is made between Blue Hills Bancorp, Inc. (“Company”), a charitable "
        "corporation having its principal office at 1311 Madison Avenue, Redwood CA 94061; "
        "Hyde Park Bancorp, Inc. (“Hyde Park”), a corporation organized under the laws of "
        "Florida.\nWHEREAS the parties agree.\n"
    )
    assert _names(page) == ["Blue Hills Bancorp, Inc.", "Hyde Park Bancorp, Inc."]


def test_a_greek_question_mark_separates_listed_parties_like_a_semicolon():
    page = (
        "This Agreement is made between NFL Alumni Chapter LLC (“NFLA-NC”), a charitable "
        "corporation having its principal office at 1311 Madison Avenue, Redwood CA 94061\u037e "
        "National Football League Alumni, Inc. (“NFLA”).\nWHEREAS the parties agree.\n"
    )
    assert _names(page) == ["NFL Alumni Chapter LLC", "National Football League Alumni, Inc."]


def test_terms_under_which_one_party_authorizes_another():
    text = (
        'RESELLER AGREEMENT\nTHIS AGREEMENT (the "AGREEMENT") entered into as of March 19, 2004 '
        "provides the terms and conditions under which MediaNet Group Technologies, Inc., a "
        "Nevada corporation having an address at 5100 W. Copans Road, Margate, FL 33063 "
        '("MEDIANET"), authorizes International Direct Response, Inc., a Pennsylvania '
        'Corporation ("RESELLER") to be its true and lawful agent, as set out between the '
        "parties.\nMEDIANET AND RESELLER AGREE AS FOLLOWS:\n1. LICENSE\nReseller may market the "
        'portals ("PORTALS") to businesses ("BUYERS") of MediaNet Group Technologies, Inc.'
    )
    assert _names(text) == [
        "MediaNet Group Technologies, Inc.",
        "International Direct Response, Inc.",
    ]
    # 'under which' followed by prose: the preamble still starts at 'between'
    prose = (
        "SERVICES AGREEMENT\nThis Agreement sets out the terms under which the services are "
        'provided and is made between Acme Widgets, Inc. ("Acme") and Bolt Stores LLC '
        '("Bolt").\n\n1. SERVICES\nAcme shall provide services.'
    )
    assert _names(prose) == ["Acme Widgets, Inc.", "Bolt Stores LLC"]
