# ruff: noqa: E501 - regexes and sample contract sentences read best unbroken
"""Parties: government agencies and offices as customers, the contractor / provider.

Names that are template blanks ("Agency XXXX", "[Customer]") are never parties. A name cut
off by the page edge is kept as read, with lower confidence.
"""

from __future__ import annotations

import re
from collections import Counter

from extraction.it.common import PLACEHOLDER, Item, Sentence, clean_snippet

_CAP = r"[A-Z][a-z]+"
_AGENCY = re.compile(
    r"(?:(?:U\.\s?S\.|United States)\s+)?Department\s+of\s+(?:the\s+)?"
    + _CAP
    + r"(?:\s+(?:and|of)\s+"
    + _CAP
    + r"(?:\s+"
    + _CAP
    + r")*|\s+"
    + _CAP
    + r"(?=\s+(?:and|Services|Security)))?(?:\s+Security)?(?:\s+(?:and\s+)?"
    + _CAP
    + r"\s+Services)?"
    r"|(?:(?:U\.\s?S\.|United States)\s+)?(?:"
    + _CAP
    + r"\s+){1,4}(?:and\s+(?:"
    + _CAP
    + r"\s+){1,2})?(?:Administration|Protection|Agency|Commission|Bureau)\b"
    r"|(?:" + _CAP + r"\s+){1,4}(?:Center|Command)\s*(?:\([A-Z]{2,8}\)\s*)?(?:Atlantic|Pacific)?"
)
_STOP = re.compile(
    r"^(?:The|This|A|An|Each|Any|All|Contracting|Federal Acquisition|Small Business|Data Protection|Contractor|Offeror|Government)\b"
)
_PROVIDER = [
    re.compile(
        r"between\s+(?P<n>(?:The\s+)?(?:[A-Z][\w&'-]*\s+){0,4}(?:Ltd|Limited|Inc\.?|LLC|plc|GmbH|AG|SA|Corp(?:oration)?\.?))",
        re.M,
    ),
    re.compile(
        r"(?:^|\.\s+)(?P<n>[\w&'-]+(?:\s+[\w&'-]+){0,3})\s+has\s+created\s+this\s+(?:Service\s+Level\s+)?Agreement",
        re.I,
    ),
]


def parties(sents: list[Sentence], pages: list[str]) -> list[Item]:
    items: list[Item] = []
    for s in sents[:400]:
        for pat in _PROVIDER:
            m = pat.search(s.text)
            if m and not PLACEHOLDER.search(m.group("n")):
                name = m.group("n").strip()
                items.append(
                    Item(
                        "party",
                        {"role": "provider", "name": name},
                        s.page,
                        s.start + m.start("n"),
                        s.start + m.end("n"),
                        clean_snippet(s.text),
                    )
                )
                break
        if items:
            break
    counts: Counter[str] = Counter()
    first: dict[str, tuple[Sentence, re.Match[str]]] = {}
    for s in sents:
        if s.page > 12:
            break
        for m in _AGENCY.finditer(s.text):
            name = re.sub(r"\s+", " ", m.group(0)).strip()
            if _STOP.match(name) or PLACEHOLDER.search(s.text[m.start() : m.end() + 8]):
                continue
            counts[name] += 1
            first.setdefault(name, (s, m))
    if counts:
        # the agency named most often early on is the customer; ties go to the earliest
        best = max(counts, key=lambda n: (counts[n], -_pos(first[n][0])))
        s, m = first[best]
        items.append(
            Item(
                "party",
                {"role": "customer", "name": best},
                s.page,
                s.start + m.start(),
                s.start + m.end(),
                clean_snippet(s.text),
                0.7,
            )
        )
    return items


def _pos(s: Sentence) -> int:
    return s.page * 1_000_000 + s.start
