# ruff: noqa: E501 - regexes and sample contract sentences read best unbroken
"""Coverage windows: days, start/end (24-hour 'HH:MM'), time zone, holidays, scope.

Reads "8:00AM through 5:00PM EST", "0600 through 1800 hours", "10:00-18:00 Monday-Friday",
"24/7/365", "at any time of the day or night", "except Federal holidays", a line break
before "– Friday", hours without days (days None), several windows per document.
"""

from __future__ import annotations

import re
from typing import Any

from extraction.it.common import PLACEHOLDER, Item, Sentence, clean_snippet

_AMPM = r"(?:a\.?\s?m\.?|p\.?\s?m\.?)"
_T12 = rf"(?:\d{{1,2}}(?::\d{{2}})?\s*{_AMPM}|\d{{1,2}}:\d{{2}}(?:\s*{_AMPM})?|noon|midnight)"
_T24 = r"(?:[01]\d|2[0-4])(?:00|15|30|45)"
_RANGE = re.compile(
    rf"(?P<a>{_T12}|{_T24})\s*(?:hours?\s*|hrs?\s*)?(?:-|–|—|to|through|thru|until)\s*(?P<b>{_T12}|{_T24})(?P<h>\s*(?:hours|hrs))?",
    re.I,
)
_DAY = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
_DAYS = re.compile(rf"\b(?P<a>{_DAY})\.?\s*(?:-|–|—|to|through|thru)\s*(?P<b>{_DAY})\b", re.I)
_ALL = re.compile(
    r"24\s*(?:x|/|×)\s*7(?:\s*(?:x|/)\s*365)?|24\s*hours?\s*(?:a|per)\s*day,?\s*(?:7|seven)\s*days|"
    r"any time of the day or night|around the clock|365\s*days\s*a\s*year,?\s*24",
    re.I,
)
_HOURISH = re.compile(
    r"hours|monday|friday|business|operat|support|coverage|core|open|shift|\b[ECMP][SD]?T\b|GMT|UTC|CET",
    re.I,
)
_NOT_COVERAGE = re.compile(
    r"closing date|due (?:date|by)|submitted (?:no later|by)|deadline|quotes? (?:are|is) due|kick-?off|meeting",
    re.I,
)
_TZ = re.compile(r"\b(EST|EDT|ET|CST|CDT|CT|MST|MDT|PST|PDT|PT|GMT|UTC|BST|CET|CEST)\b")
_HOLIDAYS = re.compile(
    r"(?:except(?:ing)?|excluding|exception of|other than|not including)[^.]{0,60}holidays", re.I
)
_WEEKEND = re.compile(r"weekends?|saturdays?|sundays?", re.I)
_ONCALL = re.compile(r"on-?call|emergency", re.I)
_DAYNUM = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _time(text: str) -> str | None:
    t = text.strip().lower().replace(" ", "")
    if t == "noon":
        return "12:00"
    if t == "midnight":
        return "24:00"
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(a\.?m\.?|p\.?m\.?)?", t)
    if m:
        h, mi, ap = int(m.group(1)), int(m.group(2) or 0), m.group(3)
        if ap and ap.startswith("p") and h < 12:
            h += 12
        if ap and ap.startswith("a") and h == 12:
            h = 0
    else:
        m = re.fullmatch(r"(\d{2})(\d{2})", t)
        if not m:
            return None
        h, mi = int(m.group(1)), int(m.group(2))
    if h > 24 or mi > 59:
        return None
    return f"{h:02d}:{mi:02d}"


def _days(a: str, b: str) -> str:
    return f"{_NAMES[_DAYNUM[a.lower()[:3]]]}-{_NAMES[_DAYNUM[b.lower()[:3]]]}"


def coverage_windows(sents: list[Sentence]) -> list[Item]:
    items: list[Item] = []
    seen: set[tuple[Any, ...]] = set()

    def add(s: Sentence, span: tuple[int, int], data: dict[str, Any]) -> None:
        key = (data["days"], data["start"], data["end"], data.get("scope"))
        if key in seen:
            return
        seen.add(key)
        items.append(
            Item(
                "coverage_window",
                data,
                s.page,
                s.start + span[0],
                s.start + span[1],
                clean_snippet(s.text),
            )
        )

    for s in sents:
        text = s.text
        if _NOT_COVERAGE.search(text) or PLACEHOLDER.search(text) and not _RANGE.search(text):
            continue
        tz = _TZ.search(text)
        holidays = bool(_HOLIDAYS.search(text))
        for m in _ALL.finditer(text):
            scope = None
            ctx = text[max(0, m.start() - 120) : m.end() + 120]
            sc = re.search(
                r"\b(?:for|during)\s+(?:the\s+)?([A-Z][\w-]+(?:\s[\w-]+)?)",
                text[m.end() : m.end() + 60],
            )
            if re.search(r"\burgent\b|priority\s*1|\bP1\b|critical|emergenc", ctx, re.I):
                scope = "P1"
            elif sc:
                scope = sc.group(1)
            add(s, (m.start(), m.end()), {"days": "Mon-Sun", "start": "00:00", "end": "24:00", "tz": None,
                                          "holidays_excluded": False, "scope": scope})  # fmt: skip
        for m in _RANGE.finditer(text):
            a, b = _time(m.group("a")), _time(m.group("b"))
            if not a or not b or a == b:
                continue
            four = re.fullmatch(r"\d{4}", m.group("a").strip()) is not None
            if four and not (m.group("h") or re.search(r"hours|monday|friday", text, re.I)):
                continue
            if not _HOURISH.search(text):
                continue
            window = text[max(0, m.start() - 100) : m.end() + 100]
            dm = _DAYS.search(window)
            days = _days(dm.group("a"), dm.group("b")) if dm else None
            scope = None
            if not dm and _WEEKEND.search(text):
                scope = "on-call weekends and holidays" if _ONCALL.search(text) else "weekends"
            elif _ONCALL.search(text[max(0, m.start() - 100) : m.end()]):
                scope = "on-call"
            add(s, (m.start(), m.end()), {
                "days": days, "start": a, "end": b, "tz": tz.group(1) if tz else None,
                "holidays_excluded": holidays, "scope": scope,
            })  # fmt: skip
    return items
