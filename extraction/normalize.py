"""Turn the raw text of dates, durations and money into typed values, as contracts write them."""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import Decimal, InvalidOperation

MONTHS = (
    {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
    | {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
    | {"sept": 9}
)

_UNITS = {
    "minute": "minute", "min": "minute", "mins": "minute",
    "hour": "hour", "hr": "hour", "hrs": "hour",
    "day": "day", "week": "week", "month": "month", "year": "year",
}  # fmt: skip

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1, "single": 1,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
NUMBER_WORDS = "|".join(sorted([*_ONES, *_TENS, "hundred"], key=len, reverse=True))


def words_to_int(text: str) -> int | None:
    """'thirty-six' -> 36, 'one hundred eighty' -> 180; None if not a number in words."""
    total = 0
    seen = False
    words = [w for w in re.split(r"[\s-]+", text.lower().strip()) if w not in ("", "and")]
    if len(words) > 1 and words[0] in ("a", "an", "single"):
        words = words[1:]  # 'a thirty-day notice' is thirty days, not thirty-one
    for word in words:
        if word in _ONES:
            total += _ONES[word]
        elif word in _TENS:
            total += _TENS[word]
        elif word == "hundred":
            total = max(total, 1) * 100
        else:
            return None
        seen = True
    return total if seen else None


def _year(text: str) -> int:
    y = int(text)
    if y < 100:
        y += 2000 if y < 50 else 1900
    return y


_ORD = r"(\d{1,2})\s*(?:st|nd|rd|th|s\s?t|n\s?d|r\s?d|t\s?h)?"
_MON = r"([A-Za-z]{3,9})\.?"
_DATE_FORMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), "ymd"),
    (re.compile(rf"{_MON}\s+{_ORD}\s*[,.]?\s*(\d{{4}})"), "mdy_name"),
    (  # '19 DAY OF MAY , 2010', '31 December, --- 1996' (EDGAR underlines)
        re.compile(
            rf"{_ORD}\s+(?:day\s+of\s+|of\s+)?(?:-{{2,}}\s*)?{_MON}\s*,?\s*(?:-{{2,}}\s*)?"
            rf"(?:day\s+of\s+)?(\d{{4}})",
            re.IGNORECASE,
        ),
        "dmy_name",
    ),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), "dotted"),  # '1.4.2011': day first
    (re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b"), "numeric"),
    (re.compile(rf"([A-Za-z]+(?:[\s-][A-Za-z]+)?)\s+day\s+of\s+{_MON},?\s+(\d{{4}})"), "word_day"),
]
_ORDINAL_WORDS = {
    w: n
    for n, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ],
        start=1,
    )
} | {"thirtieth": 30}


def _ordinal_day(words: str) -> int | None:
    """'first' -> 1, 'twenty-first' -> 21, 'thirty first' -> 31 (a day written in words)."""
    parts = re.split(r"[\s-]+", words.lower())
    if len(parts) > 1 and parts[-2] in ("twenty", "thirty") and parts[-1] in _ORDINAL_WORDS:
        return (20 if parts[-2] == "twenty" else 30) + _ORDINAL_WORDS[parts[-1]]
    return _ORDINAL_WORDS.get(parts[-1])


def parse_date(text: str) -> date | None:
    """Parse 'October 1, 2019', '26 September 2019', 'the 5th day of February, 2020', '1/14/02',
    'the first day of July, 2017'.

    Numeric dates are read month first (US filings) unless the first number cannot be a month;
    dotted ones ('01.05.2012') day first, as the European contracts that write them mean.
    """
    for pattern, form in _DATE_FORMS:
        m = pattern.search(text)
        if not m:
            continue
        try:
            if form == "ymd":
                return date(int(m[1]), int(m[2]), int(m[3]))
            if form == "mdy_name":
                month = MONTHS.get(m[1].lower())
                if month:
                    return date(int(m[3]), month, int(m[2]))
                continue
            if form == "word_day":  # 'the first day of July, 2017'
                month, day = MONTHS.get(m[2].lower()), _ordinal_day(m[1])
                if month and day:
                    return date(int(m[3]), month, day)
                continue
            if form == "dmy_name":
                month = MONTHS.get(m[2].lower())
                if month:
                    return date(int(m[3]), month, int(m[1]))
                continue
            first, second, year = int(m[1]), int(m[2]), _year(m[3])
            if form == "dotted" or first > 12:
                first, second = second, first
            return date(year, first, second)
        except ValueError:
            continue
    return None


def blank_date_year(text: str) -> int | None:
    """The year of a date left blank in a template ('the ____ day of ______ 2000')."""
    m = re.search(r"((?:19|20)\d\d)\s*$", text.strip())
    return int(m[1]) if m else None


def blank_date(text: str) -> dict[str, object]:
    """The parts a partly blank date states: 'November ___, 2006' -> month 11, year 2006;
    'April 2013' -> month 4, year 2013; '_____ day of ______, 19__' -> the century it prints
    ('year_prefix' '19'), which a reviewer and the scorer compare, as the lawyers' '19[]'."""
    month = next(
        (MONTHS[w.lower()] for w in re.findall(r"[A-Za-z]{3,9}", text) if w.lower() in MONTHS),
        None,
    )
    out: dict[str, object] = {"blank": True, "year": blank_date_year(text)}
    if month:
        out["month"] = month
    if out["year"] is None and (century := re.search(r",\s*(19|20)[_\s]*$", text.strip())):
        out["year_prefix"] = century[1]
    return out


_DURATION = re.compile(
    rf"(?:(?P<words>(?:\b(?:{NUMBER_WORDS})\b[\s-]*)+)\s*(?:\(\s*(?P<paren>\d+)\s*\))?"
    r"|(?P<digits>\d+(?:\.\d+)?))\s*[-~ ]?\s*"  # '3~year': a worn text layer's hyphen
    r"(?:(?:further|additional|successive|consecutive|full|more)\s+)?"
    r"(?P<kind>calendar\s+|business\s+|working\s+)?"
    r"(?P<unit>minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)


def parse_duration(text: str) -> dict[str, object] | None:
    """'three (3) years' -> {'n': 3, 'unit': 'year'}; '4 business hours' adds 'business': True.

    A number in parentheses wins over the words before it (contracts repeat the number and
    the words disagree only by typo). Business days get the unit 'business_day'.
    """
    low = text.lower()
    if re.search(r"\bmonth[\s-]+to[\s-]+month\b|\bmonthly\b", low):
        return {"n": 1, "unit": "month"}
    if re.search(r"\bquarterly\b", low):
        return {"n": 3, "unit": "month"}
    if re.search(r"\byear[\s-]+to[\s-]+year\b|\bannual(?:ly)?\b|\byearly\b", low) and not re.search(
        r"\d|\b(?:" + NUMBER_WORDS + r")\b", low
    ):
        return {"n": 1, "unit": "year"}
    if re.search(r"\bnext\s+business\s+day\b", low):
        return {"n": 1, "unit": "business_day"}
    # 'half a year', 'a half-year' (not the half of 'one and a half years')
    if re.search(r"(?<!and\sa\s)(?<!and\s)\bhalf[\s-]+(?:an?\s+)?years?\b", low):
        return {"n": 6, "unit": "month"}
    m = _DURATION.search(text)
    if not m:
        return None
    if m["paren"]:
        n: float | int | None = int(m["paren"])
    elif m["digits"]:
        n = float(m["digits"]) if "." in m["digits"] else int(m["digits"])
    else:
        n = words_to_int(m["words"])
    if n is None:
        return None
    raw_unit = m["unit"].lower()
    if raw_unit.endswith("s") and raw_unit[:-1] in _UNITS:
        raw_unit = raw_unit[:-1]
    unit = _UNITS[raw_unit]
    kind = (m["kind"] or "").strip().lower()
    out: dict[str, object] = {"n": n, "unit": unit}
    if kind in ("business", "working"):
        if unit == "day":
            out["unit"] = "business_day"
        elif unit == "hour":
            out["business"] = True
    return out


def duration_minutes(duration: dict[str, object]) -> float | None:
    """Minutes in a short duration (SLA targets); None for months and years."""
    per = {"minute": 1, "hour": 60, "day": 1440, "business_day": 1440, "week": 10080}
    unit = str(duration["unit"])
    if unit not in per:
        return None
    return float(duration["n"]) * per[unit]  # type: ignore[arg-type]


def add_duration(start: date, duration: dict[str, object]) -> date | None:
    """start + duration as contracts count it: three years from 1 Jan 2020 is 1 Jan 2023."""
    n = duration["n"]
    if not isinstance(n, int):
        return None
    unit = duration["unit"]
    months = {"month": n, "year": 12 * n}.get(str(unit))
    if months is None:
        days = {"day": n, "week": 7 * n}.get(str(unit))
        if days is None:
            return None
        return date.fromordinal(start.toordinal() + days)
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_MONEY = re.compile(
    r"(?:(?P<code1>USD|EUR|GBP|CAD|AUD|CHF|US\$|C\$|A\$)\s?|(?P<sym>[$€£¥]))\s?"
    r"(?P<amount1>\d{1,3}(?:[,\s]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mult1>million|thousand|k\b|m\b))?"
    r"|(?P<amount2>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(?P<mult2>million|thousand)?\s?"
    r"(?P<code2>USD|EUR|GBP|CAD|AUD|CHF|dollars|euros|pounds)\b",
    re.IGNORECASE,
)


def parse_money(text: str) -> tuple[Decimal, str] | None:
    """'$12,500.00' -> (Decimal('12500.00'), 'USD'); '€500' -> EUR; '2 million USD' scaled."""
    m = _MONEY.search(text)
    if not m:
        return None
    raw = m["amount1"] or m["amount2"]
    try:
        amount = Decimal(re.sub(r"[,\s]", "", raw))
    except InvalidOperation:
        return None
    mult = (m["mult1"] or m["mult2"] or "").lower()
    if mult in ("million", "m"):
        amount *= 1_000_000
    elif mult in ("thousand", "k"):
        amount *= 1_000
    code = (m["code1"] or m["code2"] or "").upper()
    code = {"US$": "USD", "C$": "CAD", "A$": "AUD", "DOLLARS": "USD", "EUROS": "EUR"}.get(
        code, code
    )
    code = {"POUNDS": "GBP"}.get(code, code)
    if not code:
        code = CURRENCY_SYMBOLS[m["sym"]]
    return amount, code


def money_str(amount: Decimal) -> str:
    """Decimal as a plain string with two places ('12500.00'), the JSON form of money."""
    return str(amount.quantize(Decimal("0.01")))
