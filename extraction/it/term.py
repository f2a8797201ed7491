# ruff: noqa: E501 - regexes and sample contract sentences read best unbroken
"""Term with options: base period and option periods (months, count), from prose and CLIN tables."""

from __future__ import annotations

import re
from typing import Any

from extraction.it.common import NUMBER, PLACEHOLDER, Item, Sentence, clean_snippet, to_number

_PERIOD = r"(?P<n>{num})\s*(?:-\s*)?(?P<u>months?|years?|yrs?|mo\.?)"
_LEN = rf"(?:{NUMBER})\s*(?:-\s*)?(?:months?|years?)"
_BASE = re.compile(
    rf"base\s+(?:period|term|year)\s+(?:of\s+(?:performance\s+(?:of\s+)?)?)?(?P<len>{_LEN})"
    rf"|(?P<len2>{_LEN})\s+base\s+(?:period|term)"
    r"|(?P<through>period of performance[^.]{0,40}?from (?:contract )?award (?:through|to|until) (?P<until>[A-Z][a-z]+ \d{4}|[^.,]{4,30}\d{4}))",
    re.I,
)
_OPTIONS = re.compile(
    rf"(?P<count>{NUMBER})\s+(?:(?P<len>{_LEN})\s+|(?P<adj>one-year|twelve-month|12-month|annual)\s+)?option\s+(?:periods?|years?|terms?)"
    rf"(?:\s+of\s+(?P<len2>{_LEN})(?:\s+each)?)?",
    re.I,
)
_ROMAN = re.compile(
    r"\bOption\s+(?:Period\s+|Year\s+)?(?P<r>[IVX]{1,5}|\d{1,2})\b\s+(?:[A-Z][a-z]+\s+\d{1,2},\s+\d{4}|\d{1,2}/\d{1,2}/\d{2,4})"
)
_CLIN = re.compile(
    r"(?m)^\s*(?P<clin>\d{4})[A-Z]{0,2}\s+(?P<n>\d{1,2})\s+Months?\b(?P<rest>[^\n]*\n?[^\n]*)"
)
_LEASE = re.compile(r"(?P<n>\d{1,3})\s*Mo\.(?=\s)", re.I)


def _months(text: str | None) -> int | None:
    if not text:
        return None
    m = re.match(rf"(?P<n>{NUMBER})\s*(?:-\s*)?(?P<u>\w+)", text.strip(), re.I)
    if not m:
        return None
    n = to_number(m.group("n"))
    if n is None:
        return None
    return int(n * 12) if m.group("u").lower().startswith("y") else int(n)


def _roman(r: str) -> int:
    if r.isdigit():
        return int(r)
    vals = {"I": 1, "V": 5, "X": 10}
    total = 0
    for i, ch in enumerate(r):
        v = vals[ch]
        total += -v if i + 1 < len(r) and vals[r[i + 1]] > v else v
    return total


def term_periods(sents: list[Sentence], pages: list[str]) -> list[Item]:
    items: list[Item] = []
    have: dict[str, Item] = {}

    def add(kind: str, data: dict[str, Any], page: int, start: int, end: int, snippet: str) -> None:
        if kind in have:
            return
        item = Item(
            "term_" + kind, {"kind": kind, **data}, page, start, end, clean_snippet(snippet)
        )
        have[kind] = item
        items.append(item)

    # dated option tables ("Option I January 1, 2005 ...") state the periods best: read them first
    for number, page in enumerate(pages, start=1):
        found = list(_ROMAN.finditer(page))
        if len(found) >= 2:
            count = max(_roman(m.group("r")) for m in found)
            add(
                "option",
                {"months": 12, "count": count},
                number,
                found[0].start(),
                found[-1].end(),
                page[found[0].start() : found[-1].end()],
            )
            break
    for s in sents:
        if PLACEHOLDER.search(s.text):
            continue
        for m in _BASE.finditer(s.text):
            months = _months(m.group("len") or m.group("len2"))
            data: dict[str, Any] = {"months": months, "count": 1}
            if m.group("through"):
                data["until"] = m.group("until")
            add("base", data, s.page, s.start + m.start(), s.start + m.end(), s.text)
        for m in _OPTIONS.finditer(s.text):
            count = to_number(m.group("count"))
            months = _months(m.group("len") or m.group("len2")) or (12 if m.group("adj") else None)
            if count is None or count > 20:
                continue
            add(
                "option",
                {"months": months, "count": int(count)},
                s.page,
                s.start + m.start(),
                s.start + m.end(),
                s.text,
            )
    # CLIN schedules: 0001 12 Months (base), 1001 12 Months OPTION (option year 1), 2001 ...
    if "base" not in have or "option" not in have:
        for number, page in enumerate(pages, start=1):
            clins = list(_CLIN.finditer(page))
            if not clins:
                continue
            base = [c for c in clins if c.group("clin").startswith("0")]
            opts = {c.group("clin")[0] for c in clins if not c.group("clin").startswith("0")}
            if base:
                c = base[0]
                add(
                    "base",
                    {"months": int(c.group("n")), "count": 1},
                    number,
                    c.start("clin"),
                    c.end("n"),
                    c.group(0),
                )
            if opts:
                c = next(c for c in clins if not c.group("clin").startswith("0"))
                # later pages continue the schedule: count distinct option digits over all pages
                digits = {
                    m.group("clin")[0]
                    for p in pages
                    for m in _CLIN.finditer(p)
                    if not m.group("clin").startswith("0")
                }
                add(
                    "option",
                    {"months": int(c.group("n")), "count": len(digits)},
                    number,
                    c.start("clin"),
                    c.end("n"),
                    c.group(0),
                )
            if "base" in have and "option" in have:
                break
    # lease / service term column ("60 Mo.") on a page that speaks of a term
    if "base" not in have:
        for number, page in enumerate(pages, start=1):
            if re.search(r"\b(?:lease|service|contract)\s+term\b|\bterm\s*\(", page, re.I):
                m = _LEASE.search(page)
                if m:
                    add(
                        "base",
                        {"months": int(m.group("n")), "count": 1},
                        number,
                        m.start(),
                        m.end(),
                        page[max(0, m.start() - 80) : m.end() + 40],
                    )
                    break
    return items
