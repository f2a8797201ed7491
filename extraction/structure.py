"""Document structure: what a lawyer sees before reading a clause.

Pages become blocks in reading order (headings, paragraphs, definitions, signature blocks,
cover pages, exhibits). Rules then read the part a lawyer would read for a term: the Term
section for the expiry, the '"Effective Date" means ...' definition for the start, the body
and not an exhibit (a form of another agreement, a price list) for renewal and notice, the
signature blocks for parties a preamble does not name.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# Numbered or labelled headings: "ARTICLE 5 TERM", "Section 2.1 Term.", "3. TERM AND
# TERMINATION", "12.2 Renewal. This Agreement shall ..." (a title run into its paragraph).
_LABELLED = re.compile(
    r"^[ \t]*(?P<number>(?:ARTICLE|Article|SECTION|Section|CLAUSE|Clause)\s+[\dIVXLC]+(?:\.\d+)*)"
    r"[.:\s-]*(?P<title>[^\n]{0,80})$",
    re.MULTILINE,
)
_NUMBERED = re.compile(
    r"^[ \t]*(?P<number>\d{1,2}(?:\.\d{1,2}){0,3}|[A-Z]|[IVX]{1,4})[.)][ \t]*"
    r"(?P<title>[A-Z][A-Za-z'’&/,\- ]{1,60}?)(?:[.:]|[ \t]*$)",
    re.MULTILINE,
)
_CAPS_LINE = re.compile(r"^[ \t]*(?P<title>[A-Z][A-Z0-9&'’,/\- ]{2,60}[A-Z])[ \t]*:?[ \t]*$", re.M)
_DEFINES = re.compile(
    r"[\"“”'‘’]{1,2}(?P<term>[A-Z][\w'’&/\- ]{1,50}?)[\"“”'‘’]{1,2}\s*"
    r"(?:\([^)]{0,40}\)\s*)?(?:shall\s+(?:mean|refer\s+to|have\s+the\s+meaning)|means|"
    r"has\s+the\s+meaning|refers\s+to|is\s+defined\s+as|:)",
)
_NAMED_AFTER = re.compile(
    r"\(\s*(?:the\s+|this\s+|hereinafter(?:\s+(?:referred\s+to\s+as|called))?\s+(?:the\s+)?|"
    r"such\s+date\s+(?:being\s+)?(?:the\s+)?)?[\"“”'‘’]{1,2}(?P<term>[A-Z][\w'’&/\- ]{1,50}?)"
    r"[\"“”'‘’]{1,2}\s*\)"
)
_SIGNATURE = re.compile(
    r"IN\s+WITNESS\s+(?:WHEREOF|THEREOF)|(?im:^[ \t]*(?:AGREED\s+(?:AND|&)\s+ACCEPTED|"
    r"ACCEPTED\s+AND\s+AGREED|SIGNED\s+by)\b)",
    re.IGNORECASE,
)
_EXHIBIT = re.compile(
    r"^\s*(?:[^\n]{0,40}\n\s*){0,2}(?:EXHIBIT|Exhibit|SCHEDULE|Schedule|APPENDIX|Appendix|ANNEX|"
    r"Annex|ATTACHMENT|Attachment|ADDENDUM|Addendum)\s+(?:[A-Z0-9][\w.-]{0,5})?\b"
)
_FILING_LINE = re.compile(r"Source:|\bEX-\d|CONFIDENTIAL|REDACTED|^\s*\d+\s*$|^\s*-\s*\d+\s*-\s*$")


@dataclass(frozen=True)
class Heading:
    page: int  # 1-based
    start: int  # page offsets
    end: int
    number: str | None
    title: str


@dataclass(frozen=True)
class Definition:
    term: str  # as written ('Effective Date')
    page: int
    start: int  # where the defining text starts (the term itself)
    end: int  # end of the definition (its sentence or paragraph)
    kind: str  # 'means' ('"X" means ...') or 'named' ('... ("X")')


@dataclass
class Structure:
    """Headings, definitions and the parts of a document (cover, body, signature, exhibits)."""

    headings: list[Heading] = field(default_factory=list)
    definitions: dict[str, list[Definition]] = field(default_factory=dict)
    cover_pages: set[int] = field(default_factory=set)
    contents_pages: set[int] = field(default_factory=set)  # a table of contents
    signature: tuple[int, int] | None = None  # (page, offset) where signature blocks begin
    exhibits: tuple[int, int] | None = None  # (page, offset) where the first exhibit begins
    _keys: list[tuple[int, int]] = field(default_factory=list, repr=False)

    def section(self, page: int, offset: int) -> Heading | None:
        """The heading the position falls under (the nearest one before it)."""
        i = bisect_right(self._keys, (page, offset)) - 1
        return self.headings[i] if i >= 0 else None

    def part(self, page: int, offset: int) -> str:
        """'cover', 'body', 'signature' or 'exhibit' for a position."""
        at = (page, offset)
        if self.exhibits and at >= self.exhibits:
            return "exhibit"
        if self.signature and at >= self.signature:
            return "signature"
        if page in self.cover_pages or page in self.contents_pages:
            return "cover"
        return "body"

    def front_pages(self, count: int, total: int) -> list[int]:
        """The first `count` pages a preamble can be on (1-based): a table of contents is
        skipped, so the preamble after a three-page contents list is still read."""
        return [p for p in range(1, total + 1) if p not in self.contents_pages][:count]

    def defined(self, *terms: str) -> list[Definition]:
        """Definitions of any of the terms (case-insensitive), 'means' ones first."""
        found = [d for t in terms for d in self.definitions.get(t.lower(), [])]
        return sorted(found, key=lambda d: (d.kind != "means", d.page, d.start))


def _headings(page_no: int, text: str) -> list[Heading]:
    out = []
    for regex in (_LABELLED, _NUMBERED, _CAPS_LINE):
        for m in regex.finditer(text):
            title = " ".join(m["title"].split()).strip(" .:-")
            if regex is _CAPS_LINE and (len(title.split()) > 8 or _FILING_LINE.search(title)):
                continue
            if regex is _NUMBERED and len(title.split()) > 8:
                continue
            number = m.groupdict().get("number")
            out.append(Heading(page_no, m.start(), m.end(), number, title))
    out.sort(key=lambda h: h.start)
    deduped: list[Heading] = []
    for h in out:
        if deduped and h.start < deduped[-1].end:
            continue
        deduped.append(h)
    return deduped


def _definition_end(text: str, start: int) -> int:
    stop = re.compile(r"(?<=[.;])\s+(?=[\"“(A-Z0-9])|\n[ \t]*\n").search(text, start)
    return stop.start() if stop else len(text)


_PROSE = re.compile(r"\b(?:[a-z]+[,;]?\s+){3}[a-z]+\b")  # four lowercase words in a row


def _is_cover(text: str, pages: int) -> bool:
    # A title page: short, and no prose.
    words = text.split()
    prose = _PROSE.search(text)
    return pages > 2 and len(words) < 120 and not prose


_CONTENTS_TITLE = re.compile(r"(?im)^[ \t]*(?:TABLE\s+OF\s+CONTENTS|CONTENTS|INDEX)[ \t]*$")
# A line of a table of contents: a numbered or capitalised title, often a page number after it.
_CONTENTS_LINE = re.compile(
    r"^\s*(?:(?:ARTICLE|Article|SECTION|Section)\s+)?(?:[\dIVX]+[.\d\s]*|[A-Z]\.)?\s*"
    r"[A-Z][^\n]{0,90}?(?:[\s.]+\d{1,3})?\s*$"
)


def _is_contents(text: str, titled: bool) -> bool:
    """A table of contents: titled so (or following one) and made of title lines, not prose.

    Contracts with a long contents list put the preamble after it, so the rules that read the
    preamble must skip these pages."""
    title = None if titled else _CONTENTS_TITLE.search(text)
    if not titled and (title is None or _PROSE.search(text, 0, title.start())):
        return False  # no contents, or a preamble before them on the same page
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 8:
        return False
    listed = sum(bool(_CONTENTS_LINE.match(line)) and len(line.split()) <= 14 for line in lines)
    numbered = sum(bool(re.search(r"(?:^\s*[\dIVX]+\.|\s\d{1,3}\s*$)", line)) for line in lines)
    return listed >= 0.8 * len(lines) and numbered >= 0.5 * len(lines)


def build_structure(pages: list[str]) -> Structure:
    """One pass over the page texts; cheap next to the spaCy pipeline."""
    s = Structure()
    for page_no, text in enumerate(pages, start=1):
        s.headings.extend(_headings(page_no, text))
        for m in _DEFINES.finditer(text):
            term = " ".join(m["term"].split())
            d = Definition(term, page_no, m.start(), _definition_end(text, m.end()), "means")
            s.definitions.setdefault(term.lower(), []).append(d)
        for m in _NAMED_AFTER.finditer(text):
            term = " ".join(m["term"].split())
            line = max(text.rfind(". ", 0, m.start()), text.rfind("\n\n", 0, m.start()))
            d = Definition(term, page_no, max(0, line + 1), m.end(), "named")
            s.definitions.setdefault(term.lower(), []).append(d)
    if len(pages) > 2:
        for page_no in (1, 2):
            if _is_cover(pages[page_no - 1], len(pages)):
                s.cover_pages.add(page_no)
            else:
                break
    titled = False  # contents follow the cover pages (a short contents page looks like one)
    for page_no in range(1, min(len(pages), 6) + 1):
        if _is_contents(pages[page_no - 1], titled):
            s.contents_pages.add(page_no)
            s.cover_pages.discard(page_no)
            titled = True
        elif titled or page_no not in s.cover_pages:
            break
    first_body = len(pages) // 4
    for page_no, text in enumerate(pages, start=1):
        if page_no - 1 < first_body and len(pages) > 3:
            continue
        if s.signature is None and (m := _SIGNATURE.search(text)):
            s.signature = (page_no, m.start())
        late = s.signature is not None or page_no > max(2, len(pages) // 2)
        if page_no > 1 and s.exhibits is None and late and _EXHIBIT.match(text):
            s.exhibits = (page_no, 0)
    s._keys = [(h.page, h.start) for h in s.headings]
    return s
