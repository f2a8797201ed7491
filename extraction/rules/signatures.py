"""Party names from the signature blocks, for contracts whose preamble names fewer than two.

A lawyer reads the blocks after 'IN WITNESS WHEREOF' (or a joint filing's 'The undersigned
hereby agree'): the company above each 'By:' or '/s/' line, after 'For and on behalf of', or
signing through another ('By: X LP, its General Partner'). Blocks run on to the next page,
stand in two columns, and wrap a long name over two lines; a person signing for a company is
not a party, so a name must carry a company suffix or be written in capitals.
"""

from __future__ import annotations

import re

from extraction.document import Document
from extraction.rules.names import CUSTOMER_TERMS, PROVIDER_TERMS, SUFFIX, same_name

_MARK = re.compile(
    r"(?i:IN\s+(?:WITNESS|EVIDENCE)\s+WHEREOF|For\s+and\s+on\s+behalf|"
    r"ACCEPTED\s+(?:AND|&)\s+AGREED|AGREED\s+(?:TO\s+)?(?:AND|&)\s+ACCEPTED|"
    r"\bthe\s+undersigned\s+(?:hereby\s+)?agree)"
    # 'SIGNED by X', not 'amended only in writing signed by both parties'
    r"|(?m:^[ \t]*(?:SIGNED|Signed)\s+(?:by|for)\b(?!\s+(?:both|each|all|the\s+part|an?\s)))"
)
_BEHALF = re.compile(
    r"(?im)(?:for\s+and\s+)?on\s+behalf\s+of\s*\)?[ \t]*:?[ \t]*(?:[^\n]*\))?[ \t]*"
    r"(?P<name>[^\n]*)$"
)
# A line that starts a signature ('By:', '/s/'): the line above it names who signs.
_SIGN_LINE = re.compile(
    r"^[ \t]*(?:Date\s*:[^\n]{0,30}?)?(?:(?i:By|Signed|Signature)\s*:|/s/)"  # 'Date: ... By:'
)
# 'By: MPM Oncology Impact Management LP, its General Partner': an entity signing for another.
_BY_ENTITY = re.compile(r"(?m)(?:^|[\s,])By\s*:\s*(?P<name>[^\n/,]{3,80})")
# Signature-block lines at the top of a page: the blocks go on from the page before.
_BLOCK_LINE = re.compile(r"(?m)^[ \t]*(?:By\s*:|/s/|Name\s*:|Title\s*:)")
_NOT_NAME = re.compile(
    r"^(?:by|name|title|date|dated|its|signature|witness|in\s+witness|address|attest)\b|/s/|"
    r"\b(?:WITNESS|AGREED|ACCEPTED|SIGNED|PARTIES)\b",
    re.IGNORECASE,
)
# A line that cannot stand alone as a name ('CORPORATION', '& CO., LTD.'): the end of one.
_TAIL_LINE = re.compile(rf"^(?:(?:AND|OF|&|THE|{SUFFIX})[\s,.]*)+$")
_PROSE = re.compile(r"\b(?:[a-z]+\s+){3}[a-z]+\b")


def _regions(doc: Document) -> list[str]:
    """The text of each signature part: from its mark to the end of the page, and on into
    the next pages while they open with signature lines (never into an exhibit)."""
    pages = doc.pages
    exhibits = doc.structure.exhibits
    last = exhibits[0] if exhibits else len(pages) + 1
    regions: list[str] = []
    page_no = max(0, len(pages) - max(8, len(pages) // 3))
    while page_no < len(pages):
        text = pages[page_no]
        mark = _MARK.search(text)
        page_no += 1
        if not mark:
            continue
        region = text[mark.start() :]
        while page_no < len(pages) and page_no + 1 < last and len(regions) < 8:
            following = pages[page_no]
            if not _BLOCK_LINE.search(following[:600]):
                break
            region += "\n" + following
            page_no += 1
        regions.append(region)
    return regions


def _columns(line: str) -> list[str]:
    """'McDATA CORPORATION        RESELLER MTI CORPORATION': one name per column."""
    columns = (re.split(r"\s+By\s*:", c)[0] for c in re.split(r"\s{3,}|\t", line.strip()))
    return [part for c in columns if c.strip() for part in _glued(c)]


# A legal form that ends a name ('Bank', 'Group', 'Trust' also stand inside one).
_LEGAL_FORM_END = re.compile(
    r"\b(?i:Inc|LLC|L\.L\.C|Ltd|Limited|Corp|Corporation|L\.P|LLP|plc|GmbH|AG|S\.A|N\.V|B\.V)\b\.?"
    r"\s+(?=[A-Z])"
)


def _glued(column: str) -> list[str]:
    """'ZOGENIX, INC. NIPPON SHINYAKU COMPANY, LTD.': two columns a single space apart, split
    after the first name's suffix when what follows is a name with a suffix of its own."""
    for m in _LEGAL_FORM_END.finditer(column):
        rest = column[m.end() :]
        if re.search(SUFFIX, rest) and not re.match(rf"{SUFFIX}|[A-Z][a-z]", rest):
            return [column[: m.end()].strip(), *_glued(rest)]
    return [column]


_HEADER_WORDS = PROVIDER_TERMS | CUSTOMER_TERMS | {"name", "party", "the", "of", "parties"}


def _wrapped(prev: str, name: str) -> str:
    """'INTERNATIONAL FAST FOOD' over 'CORPORATION', 'SEATTLE SOFTWARE' over 'DEVELOPERS,
    Inc.': a line in capitals without a suffix above the rest of the name is its start."""
    prev, name = prev.strip(), name.strip()
    if len(_columns(prev)) != 1 or len(_columns(name)) != 1 or not prev.isupper():
        return name
    if (
        re.search(SUFFIX, prev)
        or _NOT_NAME.search(prev)
        or prev.endswith((".", ":", ","))
        or len(prev.split()) > 4
        or any(w.lower() in _HEADER_WORDS for w in prev.split())  # 'CUSTOMER NAME'
    ):
        return name
    short = len(name.split()) <= 2 and name.split()[0].isupper()
    if _TAIL_LINE.match(name) or (short and re.search(SUFFIX, name)):
        return f"{prev} {name}"
    return name


def _clean(raw: str) -> str | None:
    name = re.sub(r"\s*\([^)]*\)?\s*$", "", " ".join(raw.split())).strip(" ,;:)(")
    if not name or len(name) < 3 or len(name) > 80 or not name[0].isupper():
        return None
    role = re.match(r"([A-Za-z-]+):?\s+(?=[A-Z])", name)
    if (
        role
        and role[1].lower() in PROVIDER_TERMS | CUSTOMER_TERMS
        and not re.fullmatch(SUFFIX, role[1])  # 'BANK OF AMERICA' starts with a name word
        and re.search(SUFFIX, name)
    ):
        name = name[role.end() :]  # 'RESELLER MTI TECHNOLOGY CORPORATION'
    if _NOT_NAME.search(name) or _PROSE.search(name) or re.search(r"\d{5,}", name):
        return None
    if not (re.search(SUFFIX, name) or name.isupper()):
        return None
    if all(w.lower() in _HEADER_WORDS for w in name.split()):  # 'FRANCHISEE MEMBER'
        return None
    if _TAIL_LINE.match(name):  # 'Trust', 'CORPORATION': the end of a name, no party
        return None
    if name.lower() in ("you", "we", "us", "your", "our"):
        return None
    return name


def signature_names(doc: Document) -> list[str]:
    """Party names from the signature blocks, in the order they stand."""
    names: list[str] = []
    for region in _regions(doc):
        candidates: list[tuple[int, str]] = []
        for match in _BEHALF.finditer(region):
            line = match["name"].strip(" )")
            if not line or line.startswith("/s/"):  # 'on behalf of ) /s/ Mark Arlen' / name
                line = region[match.end() :].lstrip("\n").split("\n", 1)[0]
            candidates.append((match.start(), line))
        lines = region.split("\n")
        offset = 0
        for i, line in enumerate(lines[:-1]):
            if _SIGN_LINE.match(lines[i + 1]) and not _SIGN_LINE.match(line):
                columns = _columns(line)
                if len(columns) == 1 and i > 0:
                    columns = [_wrapped(lines[i - 1], columns[0])]
                candidates += [(offset, c) for c in columns]
            offset += len(line) + 1
        for match in _BY_ENTITY.finditer(region):
            if re.search(SUFFIX, match["name"]):
                candidates.append((match.start(), match["name"]))
        for _, raw in sorted(candidates, key=lambda c: c[0]):
            name = _clean(raw)
            if name and not any(same_name(name, n) for n in names):
                names.append(name)
    return names[:60]
