# ruff: noqa: E501 - regexes and sample contract sentences read best unbroken
"""Fees, rates and caps: monthly fee, hourly / blended / T&M / after-hours / overtime rates,
annual fees, hour and volume caps, not-to-exceed, renewal price caps ("not to exceed 5%").

Amounts in $, USD, CHF, EUR, GBP, £, € with local number formats (151'440.00, 1.234,50,
1 234,50). Amounts in an example or footnote ("for example", "e.g.") or an eligibility
threshold are not fees.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from extraction.it.common import PLACEHOLDER, Item, Sentence, clean_snippet

_CUR = r"(?:US\$|\$|USD|CHF|Fr\.|EUR|€|GBP|£)"
_AMT = r"\d{1,3}(?:[',.\u2019 ]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
MONEY = re.compile(
    rf"(?P<c1>{_CUR})\s?(?P<a1>{_AMT})(?![\d%])|(?P<a2>{_AMT})\s?(?P<c2>CHF|EUR|GBP|USD|€|£)(?!\w)",
    re.I,
)
_CURRENCY = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "chf": "CHF",
    "fr.": "CHF",
    "eur": "EUR",
    "€": "EUR",
    "gbp": "GBP",
    "£": "GBP",
}


def parse_amount(text: str) -> Decimal | None:
    """'151'440.00' -> 151440.00; '1.234,50' -> 1234.50; '1,234.50' -> 1234.50; '1 234,50'."""
    t = text.strip().replace("\u2019", "'")
    m = re.fullmatch(r"(.*?)[.,](\d{1,2})", t)
    whole, frac = (m.group(1), m.group(2)) if m else (t, "")
    whole = re.sub(r"[',. ]", "", whole)
    try:
        return Decimal(f"{whole}.{frac}" if frac else whole)
    except InvalidOperation:
        return None


def money_in(text: str) -> list[dict[str, Any]]:
    out = []
    for m in MONEY.finditer(text):
        raw_cur = (m.group("c1") or m.group("c2") or "").lower()
        amount = parse_amount(m.group("a1") or m.group("a2"))
        if amount is None:
            continue
        out.append(
            {
                "amount": float(amount),
                "currency": _CURRENCY.get(raw_cur, raw_cur.upper()),
                "start": m.start(),
                "end": m.end(),
            }
        )
    return out


_KINDS = [
    (
        "price_escalation",
        re.compile(
            r"price\s+escalation|escalation\s+of\s+(?:the\s+)?(?:price|rate)|(?:price|fee|rate)s?\s+(?:increase|adjustment)s?[^.]{0,60}not\s+(?:to\s+)?exceed\s+\d|increase[^.]{0,40}(?:capped|limited)\s+(?:at|to)\s+\d+(?:\.\d+)?\s*%",
            re.I,
        ),
    ),
    (
        "not_to_exceed",
        re.compile(r"not[- ]to[- ]exceed\s+(?:a\s+(?:total\s+)?(?:of\s+)?)?" + _CUR, re.I),
    ),
    (
        "overtime_rate",
        re.compile(
            r"\bovertime\b|after[- ]hours\s+(?:rate|charge|fee)|(?:rate|charge)s?\s+for\s+(?:work\s+)?(?:after[- ]hours|out of hours|weekends)|"
            r"\b(?:work|services?|support|calls?|requests?)\s+(?:performed\s+|requested\s+|provided\s+)?(?:outside|beyond)\s+(?:of\s+)?(?:the\s+)?(?:normal\s+|standard\s+|regular\s+|contracted\s+)?(?:support|business|office|covered|coverage|working)\s+hours",
            re.I,
        ),
    ),
    ("blended_rate", re.compile(r"\bblended\s+(?:hourly\s+)?rate", re.I)),
    ("tm_rate", re.compile(r"time[- ]and[- ]materials?\s+(?:rate|basis)|\bT&M\s+rates?", re.I)),
    (
        "hourly_rate",
        re.compile(
            r"\bhourly\s+(?:labor\s+)?rates?\b|\brates?\s+per\s+hour\b|"
            + _CUR
            + r"\s?\d[\d,.']*\s*(?:per|/|an|a)\s*(?:hour|hr)\b",
            re.I,
        ),
    ),
    ("annual_rate", re.compile(r"\bannual\s+rates?\b", re.I)),
    (
        "annual_fee",
        re.compile(
            r"\bannual\s+(?:license\s+|subscription\s+)?(?:pric(?:e|ing)|fees?)\b|(?:fee|price)\s+per\s+(?:year|annum)",
            re.I,
        ),
    ),
    (
        "monthly_fee",
        re.compile(
            r"\bmonthly\s+(?:base\s+|fixed\s+|service\s+|support\s+)?(?:fee|charge|price|pricing)\b|fixed\s+(?:monthly\s+)?fee\s+(?:of|per\s+month)|fees?\s+for\s+support\s+will\s+be\s+billed\s+each\s+month|\bper\s+month\b[^.]{0,30}\bfee|\bfee\b[^.]{0,30}\bper\s+month",
            re.I,
        ),
    ),
    (
        "hour_cap",
        re.compile(
            r"time\s+allowance|(?:up\s+to|maximum\s+of|cap(?:ped)?\s+(?:at|of))\s+\d+\s+hours\s+(?:per|a|each)\s+month|\d+\s+hours\s+(?:per|a|each)\s+month\s+(?:are\s+)?included",
            re.I,
        ),
    ),
    (
        "volume_cap",
        re.compile(
            r"included\s+in\s+(?:the\s+)?monthly\s+price|before\s+overage|overage\s+charges?", re.I
        ),
    ),
]
_DISTRACTOR = re.compile(
    r"for example|\be\.g\.|for instance|threshold|eligib|such as|illustrat", re.I
)
_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


def fee_lines(sents: list[Sentence]) -> list[Item]:
    items: list[Item] = []
    seen: set[tuple[Any, ...]] = set()
    for s in sents:
        text = s.text
        if len(text) > 1500:
            continue
        here: set[tuple[Any, ...]] = set()  # this sentence's lines
        for kind, pattern in _KINDS:
            m = pattern.search(text)
            if not m:
                continue
            data: dict[str, Any] = {"kind": kind, "amount": None, "currency": None, "percent": None}
            if not _DISTRACTOR.search(text) and not PLACEHOLDER.search(
                text[max(0, m.start() - 60) : m.end() + 60]
            ):
                near = [x for x in money_in(text) if abs(x["start"] - m.start()) < 120]
                if near:
                    best = min(near, key=lambda x: abs(x["start"] - m.start()))
                    data["amount"], data["currency"] = best["amount"], best["currency"]
                if kind == "price_escalation":
                    p = _PCT.search(text[m.start() : m.end() + 60])
                    if p:
                        data["percent"] = float(p.group(1))
            key = (kind, data["amount"], data["percent"])
            if key in seen or (kind, None, None) in seen and data["amount"] is None:
                continue
            if kind == "hourly_rate" and data["amount"] is not None and (
                ("overtime_rate", data["amount"], None) in here
            ):
                continue  # the sentence prices out-of-hours work: not the standard rate
            here.add(key)
            seen.add(key)
            items.append(
                Item(
                    "fee", data, s.page, s.start + m.start(), s.start + m.end(), clean_snippet(text)
                )
            )
    return items
