"""What a party name looks like, shared by the preamble and signature-block rules: the
legal-form suffixes that mark a company, the role words, how a name is cut out of the text
around it (its description, address, a filing header), and when two spellings name the
same party."""

from __future__ import annotations

import re

SUFFIX_WORDS = (
    r"Inc|Incorporated|LLC|L\.L\.C|Ltd|Limited|Corp|Corporation|Company|Co|L\.?P|LLP|AG|"
    r"B\.?V|N\.?V|GmbH|KG|S\.?A|SAS|plc|N\.A|Pty|PTE|Trust|Bank|Group|Holdings|Partners|a\.s|"
    r"A/S|ApS|AB|Oy|S\.p\.A|S\.r\.l|Sdn\.? Bhd"  # a space, not \s: .upper() makes it \S
)
# Names are often in capitals ('BICYCLETX LIMITED', 'PFIZER INC.'): the suffix in both cases.
SUFFIX = rf"(?:{SUFFIX_WORDS}|{SUFFIX_WORDS.upper()})\b\.?"

PROVIDER_TERMS = {
    "provider", "service provider", "vendor", "supplier", "contractor", "consultant",
    "servicer", "servicing agent", "licensor", "transporter", "operator", "msp",
    "managed service provider", "seller", "employee", "agent", "distributor", "maintainer",
    "host", "developer", "sub-advisor", "manager", "administrator", "adviser", "advisor",
    "franchisor", "reseller",
}  # fmt: skip
CUSTOMER_TERMS = {
    "customer", "client", "recipient", "licensee", "owner", "purchaser", "buyer", "shipper",
    "subscriber", "user", "company", "principal", "employer", "member", "bank", "franchisee",
}  # fmt: skip

LEAD = re.compile(
    r"^(?:[\s,;:.\u037e\uff1b●•·▪-]|and\b|between\b|among\b|by\b|\(\s*\d+\s*\)|\(\s*[ivx]+\s*\)|\d+\.|"
    r"whereas\b|the\s+undersigned\b|party\s+[a-z]\s*:|\([a-z]\)\s)+",
    re.I,
)
_CUT = re.compile(
    r",?\s+(?:a|an)\s+(?:\w[\w-]*\s+){0,4}?(?i:corporation|company|limited|partnership|trust|"
    r"bank|association|entity|organi[sz]ation|body|society|division|registered|statutory|"
    r"affiliate(?!\s+of)|subsidiary(?!\s+of)|"
    r"societe|corp\b)"
    r"|,\s+(?:a|an|with|having|whose|as|on\s+behalf|represented|acting|located|organi[sz]ed|"
    r"incorporated|together|its|which|through|by|duly|existing|doing\s+business)\b"
    r"|\s+(?i:with|having|whose)\s+(?i:a|an|its|the|his|her)?\s*(?i:place|address|principal|"
    r"registered|office)"
    r"|,?\s+Source:"  # an EDGAR filing header run into the name
    r"|,\s+(?i:individual(?:ly)?)\b"  # 'Bruce Jenner, Individual'
    r"|\s*\((?i:collectively|each|together|individually)\b"  # '(collectively with X, the ...'
    r"|\s*\((?i:formerly|previously|f/k/a)\b"  # '(formerly known as Tarzan HoldCo, Inc.)'
    r"|\s+(?:of|at|residing)\s*(?:,|$)|\s+of\s+\d+[A-Za-z]?\s+[A-Z]|\s*\(\s*$|\s+(?:on\s+behalf\s+of|acting\s+through)\b"
    r"|,\s+\d+[A-Za-z]?\s+[A-Z]"  # ", 250 West 57th Street": an address follows the name
    r"|\s+(?:located|situated|domiciled)\s+(?:at|in)\b|,?\s+(?i:c/o)\s"  # care of: an address
    r"|,?\s+(?:and|together\s+with)\s+its\s+(?i:affiliates|subsidiaries|successors)"
    r"|,\s+(?:[A-Z][a-z]+\s+){1,2}(?i:corporation|limited\s+liability\s+company|company|"
    r"partnership|limited\s+partnership)\b"
    # ', Anaheim, Calif.' (but not ', Schoolpop, Inc.')
    rf"|,\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?,\s+(?!{SUFFIX})(?:[A-Z][a-z]{{1,5}}\.|[A-Z]{{2}})$"
)
# An address run into the name after its company suffix ('ORGANIC PREPARATIONS INC. 2 nd
# Floor, ...'): the name ends at the suffix.
SUFFIX_THEN_ADDRESS = re.compile(
    rf"\b{SUFFIX}(?=[,\s]+\d|[,.\s]+(?i:with|having|whose|located)\b"
    rf"|,?\s+(?:[A-Z][\w.-]*\s+){{1,4}}\d|,?\s+Source:|,\s+(?:the|a|an)\s)"
    # 'Beijing CC-Pharming Ltd. of Beijing, China' (but 'Bank of America, N.A.' is a name)
    r"|\b(?i:Inc|Ltd|LLC|Limited|Corp|Corporation|GmbH|AG|plc|A/S|ApS|AB|Oy|S\.p\.A|S\.r\.l|Bhd)\b\.?"
    r"(?=\s+of\s+[^,]{1,40},)"
)
# Prose is not a party ('The Offering. The Company is offering the Shares ...').
_LOWER_RUN = re.compile(r"\b(?:[a-z]+\s+){3}[a-z]+\b")
# What is left of an address after a split ("Massachusetts, 02148, USA"): not a name.
_ADDRESS = re.compile(r"\b\d{4,}\b|\b(?:USA|U\.S\.A\.|United\s+States)\s*$")

_TRAILING_NAME = re.compile(
    r"([A-Z][\w.&'’/-]*(?:,?\s+(?:[A-Z0-9][\w.&'’/-]*|&|and|of|de|du|la|von|van|\(\w+\))){0,7})"
    r",?\s*$"
)
_DESCRIPTION_ONLY = re.compile(
    r"^(?:a|an)\s+(?:[\w-]+\s+){0,5}?(?i:corporation|company|partnership|entity|organi[sz]ation)"
    r"[\s,.]*$"
)
_VERB = re.compile(r"\s(?:shall|will|agrees?|is|are|has|have|hereby|may|you|that)\s")
# 'Inc.' or 'Corporation' alone: what is left of a name cut in the wrong place.
_SUFFIX_ONLY = re.compile(rf"^(?:(?:the|THE|The)\s+)?(?:{SUFFIX}[\s,]*)+$")
# 'Reseller, Schoolpop, Inc.': the role written before the name.
_ROLE_FIRST = re.compile(r"^(?P<role>[A-Z][A-Za-z-]+),?\s+(?=[A-Z])")


_US_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
    "Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    "New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|"
    "Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|"
    "Virginia|Washington|West Virginia|Wisconsin|Wyoming"
)
# What is named in a preamble or above a signature line but is no party: a place ('Florida',
# 'King County, Washington'), a part of the document ('Schedule A'), a blank to fill in
# ('N/A____'), a regulator the contract is filed with.
_NOT_A_PARTY = re.compile(
    rf"^(?:(?i:{_US_STATES})|(?:[A-Z][a-z]+\s+)+County(?:,\s+(?i:{_US_STATES}))?)$"
    r"|^(?i:schedule|exhibit|annex|appendix|attachment|addendum)\s+[A-Z0-9][\w.-]{0,4}$"
    r"|^N/?A\b|_{3,}"
    r"|^(?:the\s+)?(?:U\.S\.\s+)?(?i:securities\s+and\s+exchange\s+commission|"
    r"internal\s+revenue\s+service)$",
)

_ADDRESS_TAIL_LEAD = re.compile(
    r"^(?:(?:located|situated|domiciled|residing)\s+(?:at|in)\s+)?"
    rf"(?:[A-Z][a-z]+\s+){{0,2}}[A-Z][a-z]+,\s+(?:{_US_STATES})\s+and\s+(?=[A-Z])"
)

# A capitalised word and three or more lowercase ones before the name: a sentence's start.
_PROSE_LEAD = re.compile(r"^[A-Z][a-z]*\s+(?:[a-z]+\s+){3,}(?=[A-Z])")

_MONTH_DAY = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2}\b",
    re.I,
)


def clean_name(segment: str) -> str | None:
    """The party name in a preamble segment, its description and address cut off; None
    for prose, a date, an address or a redaction."""
    # EDGAR's underline marks ('Mail ------- Boxes Etc. USA, Inc.') are no part of a name.
    segment = LEAD.sub("", re.sub(r"\s-{3,}(?=\s)", "", " ".join(segment.split())))
    # The tail of the party before's address ('..., Philadelphia, Pennsylvania and Jeffrey
    # Hanuscin'): the name starts after it.
    segment = _ADDRESS_TAIL_LEAD.sub("", segment)
    if not segment.split(" ", 1)[0].islower():
        # 'CHINA ECONOMIC INFORMATION SERVICE, the organisation within ...'
        segment = re.split(r",\s+the\s+(?=[a-z])", segment, maxsplit=1)[0]
    if _DESCRIPTION_ONLY.match(segment):  # ', a Nevada Corporation, (hereinafter ...': no name
        return None
    cut = _CUT.search(segment)
    if cut:
        segment = segment[: cut.start()]
    if segment.split(" ", 1)[0].islower():
        # '... to retain Gianluca Rotino ("Consultant")': the name is the run of
        # capitalised words right before the parenthetical.
        tail = _TRAILING_NAME.search(segment)
        segment = tail.group(1) if tail else segment
    elif (lead := _PROSE_LEAD.match(segment)) and re.search(SUFFIX, segment[lead.end() :]):
        segment = segment[lead.end() :]  # 'As an inducement to Kiosk Concepts, Inc.'
    suffix = SUFFIX_THEN_ADDRESS.search(segment)
    if suffix:
        segment = segment[: suffix.end()]
    # 'Scientific Products Pharmaceutical Co. LTD is': the verb the cut left behind.
    name = re.sub(r"\s+(?:is|are|was|shall|will|has|have)$", "", segment.strip(" ,;:\"“”‘’'"))
    name = name.strip(" ,;:\"“”‘’'")
    role = _ROLE_FIRST.match(name)
    if (
        role
        and role["role"].lower() in PROVIDER_TERMS | CUSTOMER_TERMS
        and not re.fullmatch(SUFFIX, role["role"])
        and re.search(SUFFIX, name)
    ):
        name = name[role.end() :]
    if not name or len(name) > 120 or len(name) < 2 or _SUFFIX_ONLY.match(name):
        return None
    prose = _LOWER_RUN.search(name)
    if prose and re.search(rf"\b{SUFFIX}", name[: prose.start()]):
        # 'The Bon-Ton Stores, Inc. and its associated chapter 11 debtors': the name ends at
        # its suffix; prose without a company name before it is no party at all.
        name = re.sub(r"[\s,]+(?:and|or|as|in|the)?\s*$", "", name[: prose.start()]).strip(" ,;:")
        prose = None
    if prose or re.search(
        r"^(?:you|we|us|our|your)$|^whereas\b|\bRepublic\s+of\b|^(?:State|Commonwealth)\s+of\b|"
        r"^(?:the\s+)?United\s+(?:States|Kingdom)(?:\s+of\s+America)?$|^Party\s+[A-Z]$",
        name,
        re.I,
    ):
        return None
    if _VERB.search(
        name if not name.isupper() else name.lower()
    ):  # 'Emdeon agrees to accept', 'X and Y shall collectively be'
        return None
    first = name.split(" ", 1)[0]
    camel = first[:1].islower() and any(c.isupper() for c in first)  # 'eGain', 'iGo'
    if not (name[0].isupper() or name[0].isdigit() or name.startswith("[") or camel):
        return None
    if re.search(r"\bagreement\b|\bhereto\b|\bherein\b", name, re.I):
        return None
    if _NOT_A_PARTY.search(name) or name.lower() in PROVIDER_TERMS | CUSTOMER_TERMS:
        return None
    if _MONTH_DAY.search(name):  # 'June 29, 2006 between X': a date is no party's name
        return None
    if not re.search(r"\w", name.strip("[]* ")):  # a redaction, "[ * * * ]"
        return None
    if _ADDRESS.search(name) and not re.search(rf"\b{SUFFIX}", name):
        return None
    return name


def same_name(a: str, b: str) -> bool:
    """'Acme Inc.' and 'ACME, INC': one contains the other once case and punctuation go."""

    def norm(x: str) -> str:
        return re.sub(r"[^a-z0-9]", "", x.lower())

    x, y = norm(a), norm(b)
    return bool(x and y) and (x in y or y in x)
