"""Parties and their roles, read from the preamble ('by and between X ("Provider") and Y').

Each party is the name before its defined-term parenthetical, with the description that
follows a name (', a Delaware corporation', 'having an address at ...') cut off. Roles come
from the defined term: 'Provider', 'Vendor', 'Contractor' supply the service; 'Customer',
'Client', 'Recipient' receive it; a party named by its own short name takes the role the
other party leaves open. Contracts without such a preamble name their parties line by line
(extraction/rules/party_blocks.py), in a definitions clause, or only in the signature blocks
(extraction/rules/signatures.py); those are read when the preamble gives fewer than two.
"""

from __future__ import annotations

import re

from extraction.document import Document
from extraction.rules.names import (
    CUSTOMER_TERMS,
    LEAD,
    PROVIDER_TERMS,
    SUFFIX,
    clean_name,
    same_name,
)
from extraction.rules.party_blocks import START as _START
from extraction.rules.party_blocks import block_names, labelled_names
from extraction.rules.signatures import signature_names
from extraction.schema import Field

NOT_PARTY_TERMS = {
    "agreement", "effective date", "services", "parties", "party", "date", "term", "this agreement",
    "amendment", "second amendment", "first amendment", "schedule", "sow", "msa", "exhibit",
    "fund", "products", "shares", "initial term", "commencement date",
    "license agreement", "purchase agreement", "services agreement", "you", "your",
}  # fmt: skip

_SUFFIX = SUFFIX
_STOP = re.compile(
    r"\b(?:WHEREAS|RECITALS|WITNESSETH|W\s?I\s?T\s?N\s?E\s?S\s?S|NOW,?\s+THEREFORE|"
    r"IT\s+IS\s+(?:HEREBY\s+)?AGREED|BACKGROUND|PREAMBLE)\b"
)
_Q = "\"“”‘’'"
_ROLES = "|".join(sorted(PROVIDER_TERMS | CUSTOMER_TERMS, key=len, reverse=True))
_DEFINED = re.compile(
    # '("Provider")', '(the "Client")', '(hereinafter to be referred to as "Prolong")'
    r"\(\s*(?i:the\s+|each\s+(?:a|an)\s+|here(?:in)?(?:after)?(?:\s+(?:to\s+be\s+)?"
    r"(?:referred\s+to\s+(?:herein\s+)?as|called|known\s+as))?\s+(?:the\s+)?|"
    r"collectively(?:\s+referred\s+to\s+as)?,?\s+(?:the\s+)?|as\s+|each\s+and\s+both\s+of\s+them\s+|"
    rf"individually,?\s+(?:(?i:the|a|an)\s+)?)?[{_Q}]+\s*(?P<term>[^{_Q}()]{{1,40}}?)\s*(?:[{_Q},]+[^()]{{0,120}})?\)"
    # '(hereinafter IntriCon)': a defined term without quotes
    r"|\(\s*(?i:here(?:in)?after)\s+(?:(?i:referred\s+to\s+as|called)\s+)?(?:the\s+)?"
    r"(?P<bare>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})\s*\)"
    # '(Transporter)', '(Shipper)': a role word alone in parentheses
    rf"|\(\s*(?P<role>(?i:{_ROLES}))\s*\)"
    # ', referred to in this Agreement as "Company" or "Boyd"': no parentheses
    r"|(?:,\s*|\s+)(?i:hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?|"
    r"referred\s+to\s+(?:in\s+this\s+agreement\s+|herein\s+|hereinafter\s+)?as\s+)"
    rf"(?:the\s+)?[{_Q}]+\s*(?P<ref>[^{_Q}()]{{1,40}}?)\s*[{_Q}]+"
    rf"(?:\s+or\s+(?:the\s+)?[{_Q}]+[^{_Q}()]{{1,40}}?[{_Q}]+)?"
)


def _term(match: re.Match[str]) -> str:
    """The defined term of a _DEFINED match, on one line."""
    raw = match["term"] or match["bare"] or match["ref"] or match["role"] or ""
    return " ".join(raw.split()).strip(" ,")


_SPLIT = re.compile(
    rf",?\s+(?:and|AND|And)\s+(?:\d{{1,2}}\.\s+)?(?:the\s+)?"
    rf"(?=[A-Z][^,()]{{0,60}}?(?:,\s*)?\b{_SUFFIX})"
)
# 'Bay Networks, Inc., and Ingram Micro': after a name that ends in its company suffix, an
# 'and' starts the next party even when that one has no suffix.
_LOOSE_AND = re.compile(r"(?<=[A-Za-z.]),?\s+(?:and|AND|And)\s+(?=[A-Z])")
_ENDS_SUFFIX = re.compile(r"\b(?:Inc|Incorporated|LLC|L\.L\.C|Ltd|Limited|Corp|Corporation|"
                          r"GmbH|AG|plc|LLP|L\.P|S\.A|B\.V|N\.V)\b\.?[\s,]*$", re.I)  # fmt: skip
_ADDRESS_END = re.compile(r"(?:\b\d{4,}|\bUSA|\bU\.S\.A\.|\bUnited\s+States)[\s,.]*$")


def _split_names(segment: str) -> list[str]:
    """Split 'A Company, and B Securities, Inc.' in two, but not 'Swaps and Derivatives
    Association, Inc.': only where the part before the 'and' is a company name or the end
    of an address (the previous party's)."""
    pieces, start = [], 0
    strict = {m.start(): m for m in _SPLIT.finditer(segment)}
    loose = {m.start(): m for m in _LOOSE_AND.finditer(segment) if m.start() not in strict}
    for at in sorted({*strict, *loose}):
        match = strict.get(at) or loose[at]
        if match.start() < start:
            continue
        left = segment[start : match.start()]
        if at in loose:
            if _ENDS_SUFFIX.search(left):
                pieces.append(left)
                start = match.end()
            continue
        if re.search(rf"\b{_SUFFIX}", left) or _ADDRESS_END.search(left):
            pieces.append(segment[start : match.start()])
            start = match.end()
    pieces.append(segment[start:])
    return [part for piece in pieces for part in _split_described(piece)]


# 'White Hat Strategic Partners LP, a Delaware limited partnership, White Hat SP GP LLC, ...':
# a list of names, each with its description, joined by commas.
_DESCRIPTION_END = re.compile(
    r"\b(?:a|an)\s+(?:[\w-]+\s+){0,5}?(?i:corporation|company|partnership|association)$"
)


def _split_described(piece: str) -> list[str]:
    parts, start = [], 0
    for comma in re.finditer(r",\s+(?=[A-Z])", piece):
        right = piece[comma.end() :].split(",", 1)[0]  # the next name has its own suffix
        if _DESCRIPTION_END.search(piece, start, comma.start()) and re.search(_SUFFIX, right):
            parts.append(piece[start : comma.start()])
            start = comma.end()
    return [*parts, piece[start:]]


_HEADING = re.compile(
    r"\n[ \t]*(?:\d{1,2}\.|ARTICLE|Article|Section|SECTION)\s*[\dIVX]*\.?\s+[A-Z]"
)
# '1. X ... 2. Y', '(a) X ...; and (c) Y': a list of parties, each after its number.
_NUMBERED_ITEM = re.compile(r"(?:^|\s)(?:\d{1,2}\.|\([a-z]\)|\(\d{1,2}\))\s+(?=[A-Z])")
_NEXT_PARTY = re.compile(r"\b(?:and|AND)\s+(?:the\s+)?(?=[A-Z])")


# 'U.S. Securities and Exchange Commission': an 'and' after a capitalised word (but not
# 'its Affiliates and') is inside a name.
_INSIDE_NAME = re.compile(r"(?<!\bits)(?<!\btheir)\s[A-Z][\w.]*\s+$")


def _own_part(segment: str) -> str:
    """The part of a segment that names the next party when the previous party's
    description runs into it ('..., in the person of its Director ..., on the one side and
    JSC Karakudukmunay'; '... Nationality: Chinese 2. Valence Technology, Inc.')."""
    items = list(_NUMBERED_ITEM.finditer(segment))
    if items:
        segment = segment[items[-1].end() :]
    segment = re.sub(r"^[\s,;]*\d{1,2}(?=\s+[a-z])", "", segment)  # a footnote mark: '),1 on'
    if items := list(re.finditer(r"[;\u037e\uff1b]\s+(?:and\s+)?(?=[A-Z])", segment)):
        segment = segment[items[-1].end() :]  # '...; National Football League Alumni, Inc.'
    rest = LEAD.sub("", segment)
    prose = re.match(r"(?!the\s+[A-Z])[a-z]", rest)  # 'the Society of ...' is a name
    ands = [m for m in _NEXT_PARTY.finditer(rest) if not _INSIDE_NAME.search(rest, 0, m.start())]
    if prose and ands:
        return rest[ands[-1].end() :]
    if prose and len(rest) > 120 and not re.search(_SUFFIX, rest):
        return ""  # '... proposes to issue ... per Offered Share': prose about the last party
    return segment


_LAST_PARTY = re.compile(
    rf"[^.;]{{0,200}}?\b(?:and|AND)\s+(?:the\s+)?"
    rf"(?P<name>[A-Z][^,()\n]{{0,60}}?\b{_SUFFIX}(?:,?\s+{_SUFFIX})*)"
)


def _last_party(text: str, at: int, end: int) -> str | None:
    """A second party the preamble names without a defined term ('between Go Call, Inc.
    (herein "Go Call") located at ... and PageMaster Corporation located at ...')."""
    match = _LAST_PARTY.match(text, at, min(end, at + 400))
    if not match:
        return None
    name = match["name"]
    if not name.endswith("."):  # 'Deutsche Bank Trust Company Americas, not individually'
        more = re.match(r"(?:[ \t]+[A-Z][\w&-]*)+(?=\s*[,(])", text[match.end() : match.end() + 60])
        name += more.group() if more else ""
    return clean_name(name)


# The preamble sentence ends at '. ' or '; ', but not at 'Inc. and ...' (the period of a
# company suffix before the next party).
_SENTENCE_END = re.compile(r"[.;]\s(?!\s*(?:and|AND|&)\s)|\s\(")


def _and_pieces(flat: str) -> list[str]:
    """'X and Y'; in capitals only after a company suffix ('THE HENRY FILM AND ENTERTAINMENT
    CORPORATION' is one name, 'ACME, INC. AND BETA LLC' two)."""
    pieces: list[str] = []
    for piece in re.split(r",?\s+(?:and|And)\s+", flat):
        start = 0
        for m in re.finditer(r",?\s+AND\s+", piece):
            if _ENDS_SUFFIX.search(piece[start : m.start()]):
                pieces.append(piece[start : m.start()])
                start = m.end()
        pieces.append(piece[start:])
    return pieces


def _role(term: str) -> str | None:
    low = term.lower().strip()
    if low in PROVIDER_TERMS:
        return "provider"
    if low in CUSTOMER_TERMS:
        return "customer"
    return None


def _not_party(term: str) -> bool:
    """'Agreement', 'Effective Date', 'Transportation Contract', 'Joint Venture Law',
    'Offering Price': terms that name no party."""
    low = term.lower()
    return low in NOT_PARTY_TERMS or bool(
        re.search(
            r"\b(?:agreement|contract|law|act|code|rules|regulations|price|shares|offering|"
            r"territory|fees?|period)$",
            low,
        )
    )


def _party_terms(text: str, start: int, end: int) -> list[re.Match[str]]:
    return [m for m in _DEFINED.finditer(text, start, end) if not _not_party(_term(m))]


def _window(doc: Document) -> tuple[int, int, int] | None:
    """(page, start, end) of the preamble: from 'between' to the recitals, first 3 pages.

    Letters and short agreements name the parties before any 'between'; then the preamble
    starts at the line holding the first party-like defined term.
    """
    anchored = None
    for page_no in doc.structure.front_pages(3, len(doc.pages)):
        text = doc.pages[page_no - 1]
        for start in _START.finditer(text):
            stop = _STOP.search(text, start.end())
            end = min(stop.start() if stop else len(text), start.end() + 1800)
            if _party_terms(text, start.end(), end) or re.search(_SUFFIX, text[start.end() : end]):
                anchored = (page_no, start.end(), end)
                break
        if anchored:
            break
    for page_no in doc.structure.front_pages(2, len(doc.pages)):
        text = doc.pages[page_no - 1]
        terms = _party_terms(text, 0, len(text))
        if not terms:
            continue
        first = terms[0]
        line_start = text.rfind("\n", 0, first.start()) + 1
        if text[line_start : first.start()].strip()[:1].islower() and line_start > 0:
            line_start = text.rfind("\n", 0, line_start - 1) + 1
        if anchored and (anchored[0], anchored[1]) <= (page_no, line_start):
            return anchored
        if (
            anchored
            and anchored[0] == page_no
            and len(_party_terms(text, anchored[1], anchored[2])) >= 2
        ):
            return anchored
        stop = _STOP.search(text, first.end())
        return page_no, line_start, min(stop.start() if stop else len(text), first.end() + 1500)
    return anchored


_MEANS_NAME = re.compile(
    rf"\s*(?:shall\s+)?(?:mean|means|refers\s+to)\s+(?P<name>[A-Z][\w&.,'’ -]{{2,80}}\b{_SUFFIX})"
)


def _defined_names(doc: Document) -> list[str]:
    """Parties a definitions clause names ('"SEV" means SEV Group Limited, a company ...'),
    for contracts without a classic preamble."""
    names: list[str] = []
    for definitions in doc.structure.definitions.values():
        for d in definitions:
            if d.kind != "means" or d.page > 3:
                continue
            text = doc.pages[d.page - 1]
            quote = re.search(r"[\"“”'‘’]{1,2}\s*(?:\([^)]{0,40}\)\s*)?", text[d.start + 1 :])
            rest = text[d.start + 1 + (quote.end() if quote else 0) : d.end]
            m = _MEANS_NAME.match(rest)
            name = clean_name(m["name"]) if m else None
            if name and not any(same_name(name, n) for n in names):
                names.append(name)
    return names[:6]


def parties(doc: Document) -> dict[str, Field]:
    """parties (names with roles) plus provider and customer when the roles say so."""
    window = _window(doc)
    if window is None:
        if not signature_names(doc) and not _defined_names(doc):
            return {}
        window = (len(doc.pages), 0, 0)
    page, start, end = window
    text = doc.pages[page - 1]
    found: list[dict[str, object]] = []
    boundary = start
    first_at = None
    last_at = start
    for match in _DEFINED.finditer(text, start, end):
        term = _term(match)
        segment = text[boundary : match.start()]
        boundary = match.end()
        if len(found) >= 2 and (
            re.search(r"(?:^|[a-z)])\.\s+(?:\d+\.\s+)?[A-Z][a-z]+\s", segment)
            or _HEADING.search(segment)  # '1. RIGHTS GRANTED': the preamble ran into section 1
        ):
            break  # the preamble sentence has ended; later definitions are not parties
        if _not_party(term):
            continue
        flat = " ".join(segment.split())
        if starts := list(_START.finditer(flat)):  # '... made effective ..., by and between X'
            flat = flat[starts[-1].end() :]
        pieces = _split_names(_own_part(flat) if found else flat)
        names = [n for n in (clean_name(p) for p in pieces) if n]
        if not names:
            continue
        for name in names:
            if any(same_name(name, str(p["name"])) for p in found):
                continue  # named again, e.g. under a second defined term
            found.append({"name": name, "role": _role(term), "defined_as": term})
        first_at = match.start() if first_at is None else first_at
        last_at = match.end()
        if len(found) >= 6:
            break
    last = _last_party(text, last_at, end) if found else None
    if last and not any(same_name(last, str(p["name"])) for p in found):
        found.append({"name": last, "role": None, "defined_as": None})
    if len(found) < 2:
        for name in labelled_names(doc) or block_names(doc):
            if not any(same_name(name, str(p["name"])) for p in found):
                found.append({"name": name, "role": None, "defined_as": None})
    if not found:
        flat = " ".join(text[start:end].split())
        flat = _SENTENCE_END.split(flat)[0]
        for piece in _and_pieces(flat)[:4]:
            name = clean_name(piece)
            if name and re.search(_SUFFIX, name) or (name and name.isupper() and len(name) > 3):
                found.append({"name": name, "role": None, "defined_as": None})
        last_at = end
    if len(found) < 2:
        for name in _defined_names(doc):
            if not any(same_name(name, str(p["name"])) for p in found):
                found.append({"name": name, "role": None, "defined_as": None})
    # 'each other party identified on the signature page(s) hereto': the blocks name them
    named_below = r"signator|signature\s+page|identified\s+in\s+schedule"
    if len(found) < 2 or re.search(named_below, text[start:end], re.I):
        defined = {str(p["defined_as"]).lower() for p in found}
        for name in signature_names(doc):
            low = name.lower()
            if low in defined or low in PROVIDER_TERMS or low in CUSTOMER_TERMS:
                continue  # 'CUSTOMER' / 'IBM' above a signature line is a role, not a new party
            if not any(same_name(name, str(p["name"])) for p in found):
                found.append({"name": name, "role": None, "defined_as": None})
    if not found:
        return {}
    roles = {p["role"] for p in found}
    if len(found) == 2 and None in roles and len(roles) == 2:
        known = next(r for r in roles if r)
        other = "customer" if known == "provider" else "provider"
        for p in found:
            p["role"] = p["role"] or other
    if sum(p["role"] == "customer" for p in found) == 2 and any(
        str(p["defined_as"]).lower() == "company" for p in found
    ):
        for p in found:
            if str(p["defined_as"]).lower() == "company":
                p["role"] = "provider"
    sentence = doc.sentence_at(page, start) or doc.sentences[0]
    span_start = start if first_at is None else max(start, first_at - 200)
    out = {
        "parties": Field(
            name="parties",
            value="; ".join(str(p["name"]) for p in found),
            normalized=found,
            confidence=0.8 if first_at is not None else 0.5,
            page=page,
            start=span_start,
            end=last_at,
            snippet=" ".join(text[span_start:last_at].split())[:600] or sentence.flat,
        )
    }
    for role in ("provider", "customer"):
        named = [p for p in found if p["role"] == role]
        if len(named) == 1:
            name = str(named[0]["name"])
            at = _locate(text, name, start)
            out[role] = Field(
                name=role,
                value=name,
                normalized=name,
                confidence=0.8,
                page=page,
                start=at[0],
                end=at[1],
                snippet=out["parties"].snippet,
            )
    return out


def _locate(text: str, name: str, start: int) -> tuple[int, int]:
    pattern = r"\s+".join(re.escape(w) for w in name.split())
    match = re.compile(pattern).search(text, max(0, start - 600))
    return (match.start(), match.end()) if match else (start, start)
