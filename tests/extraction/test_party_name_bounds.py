"""Party kinds the strict CUAD bench missed (issue 13), second part: where a name ends.
Names glued to a role, a city, a street or a description; parties listed as 'Party A' lines,
lettered, bulleted or in signature columns; persons and trusts as parties. Each kind has a
negative: text that looks like it but names no further party, or a longer piece that is one
name."""

from __future__ import annotations

from tests.extraction.test_party_kinds_round2 import _FILLER, _names

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
