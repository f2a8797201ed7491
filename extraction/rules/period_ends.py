"""Ends a term states in words, not as a date: the end of a year or a count of contract years.

'This agreement will be in effect until the end of 2006', 'through the end of calendar year
2010', 'shall remain in effect until the end of the current calendar year' end on December 31
of that year; 'shall continue for ten (10) Contract Years' and 'will end automatically upon the
end of Year 3' end that many years after the start (a contract year runs from the start). Only
the sentence that states the agreement's own term is read (`OWN_TERM`): a price list 'through
the end of 2006' ends nothing.
"""

from __future__ import annotations

import re
from datetime import date

from extraction.document import Document, Sentence
from extraction.normalize import add_duration, parse_duration

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "fifteenth": 15, "twentieth": 20,
}  # fmt: skip

_UNTIL = r"(?:until|through|to|(?:end(?:s|ing)?|expire[s]?|terminate[s]?)\s+(?:on|at|upon))"
_YEAR_END = re.compile(
    rf"{_UNTIL}\s+(?:the\s+)?end\s+of\s+(?:the\s+)?(?:calendar\s+year\s+|year\s+)?"
    r"(?P<year>(?:19|20)\d\d)\b"
    rf"|{_UNTIL}\s+(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?P<current>current|then[\s-]current|"
    r"present)\s+calendar\s+year",
    re.IGNORECASE,
)
# 'for ten (10) Contract Years', 'until the end of the fifteenth (15th) Contract Year', 'upon the
# end of Year 3' (a capitalised, defined year).
_CONTRACT_YEARS = re.compile(
    r"(?i:for|of)\s+(?:(?i:a\s+period\s+of)\s+)?(?P<n>[\w-]+(?:\s*\(\d{1,2}\))?)\s+"
    r"(?:(?i:full)\s+)?(?i:contract)\s+(?i:years)\b"
    r"|(?i:end\s+of\s+(?:the\s+)?)(?:(?P<ordinal>(?i:first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth|fifteenth|twentieth))(?:\s*\(\d{1,2}\s*\w{0,3}\))?\s+"
    r"(?i:contract)\s+(?i:year)|(?:Contract\s+)?Year\s+(?P<digits>\d{1,2}))\b"
)


def counted_years(m: re.Match[str]) -> int:
    """The years a match counts in its 'ordinal' ('fifth'), 'digits' ('5th') or 'n' ('five
    (5)') group; 0 when none reads as a number."""
    if m["ordinal"]:
        return ORDINALS[m["ordinal"].lower()]
    if m["digits"]:
        return int(m["digits"])
    parsed = parse_duration(f"{m['n']} years")
    return int(parsed["n"]) if parsed else 0


def year_end(sentence: Sentence, start: date | None) -> date | None:
    """December 31 of the year the term sentence says it runs to (None when it says none)."""
    m = _YEAR_END.search(sentence.flat)
    if m is None:
        return None
    if m["year"]:
        return date(int(m["year"]), 12, 31)
    return date(start.year, 12, 31) if start else None


def _counted_from_start(doc: Document, term: str) -> bool:
    """Whether the contract's definition of its year (if any) counts from the start: a
    'Contract Year' from some later 'Commencement Date' does not end on the start's date."""
    pages = doc.pages
    for found in doc.structure.defined(term):
        text = pages[found.page - 1][found.start : found.end]
        if not _FROM_START.search(text):
            return False
    return True


_FROM_START = re.compile(
    r"effective\s+date|date\s+(?:hereof|of\s+this\s+agreement)|execution", re.IGNORECASE
)


def contract_years_end(doc: Document, sentence: Sentence, start: date | None) -> date | None:
    """The start plus the contract years the term sentence counts (None when it counts none)."""
    m = _CONTRACT_YEARS.search(sentence.flat)
    if m is None or start is None:
        return None
    if not _counted_from_start(doc, "Year" if m["digits"] else "Contract Year"):
        return None
    years = counted_years(m)
    return add_duration(start, {"n": years, "unit": "year"}) if years else None


def stated_end(
    doc: Document, sentences: list[Sentence], start: date | None, own: re.Pattern[str]
) -> tuple[Sentence, date] | None:
    """The first sentence stating the agreement's own term (`own`) with an end in words."""
    for sentence in sentences:
        if not own.search(sentence.flat):
            continue
        end = year_end(sentence, start) or contract_years_end(doc, sentence, start)
        if end is not None and (start is None or end > start):
            return sentence, end
    return None
