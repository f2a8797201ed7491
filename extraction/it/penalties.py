# ruff: noqa: E501 - regexes and sample contract sentences read best unbroken
"""Penalty rules: service credits / deductions, disincentives, incentives, price reductions.

Each rule: kind, trigger (the sentence), percent (of the fee), amount, per (day / hour /
occurrence), cap_percent, cap_amount.
"""

from __future__ import annotations

import re
from typing import Any

from extraction.it.common import PLACEHOLDER, Item, Sentence, clean_snippet
from extraction.it.money import money_in

_KIND = [
    ("disincentive", re.compile(r"\bdisincentive\b(?!\s*/)|liquidated damages", re.I)),
    (
        "price_reduction",
        re.compile(
            r"reduce\s+the\s+(?:task\s+order\s+|contract\s+)?price|price\s+reduction|downward\s+adjustment",
            re.I,
        ),
    ),
    (
        "credit",
        re.compile(
            r"\bdeduction\b(?!\s*(?:/|schedule))|service\s+credits?|\bcredit\s+(?:on|against|to)\s+(?:the\s+)?(?:next\s+)?invoice|enforced credit|refund\s+or\s+waive|\bwaive\s+the\s+\w+\s+fees|\brefund\b[^.]{0,40}\bfees?|^\W*(?:\$|USD|EUR|GBP|CHF|€|£)\s?[\d,.']+\s+per\s+(?:business\s+)?(?:day|hour|occurrence|incident)",
            re.I,
        ),
    ),
    (
        "incentive",
        re.compile(
            r"(?<![/\w])incentive\b(?!\s*[/(])|\d+\s*%\s+addition\s+of|award\s+fee|\bof\s+AAF\b",
            re.I,
        ),
    ),
]
_PCT_OF = re.compile(
    r"(\d+(?:\.\d+)?)\s*%\s*(?:deduction|credit|addition|reduction)?\s*(?:of|per|for)?", re.I
)
_CAP_PCT = re.compile(
    r"(?:up\s+to\s+(?:a\s+)?(?:maximum|total|max(?:imum)?)\s+of|not\s+to\s+exceed|capped\s+at|maximum\s+of)\s+(\d+(?:\.\d+)?)\s*%",
    re.I,
)
_CAP_AMT = re.compile(
    r"(?:up\s+to\s+(?:a\s+)?(?:maximum|total)\s+of|not\s+to\s+exceed|capped\s+at|maximum\s+of)\s+",
    re.I,
)
_PER = re.compile(
    r"\bper\s+(business\s+day|day|hour|month|occurrence|incident|outage|form)|for\s+each\s+(hour|day|outage|occurrence|incident)",
    re.I,
)


def penalty_rules(sents: list[Sentence]) -> list[Item]:
    items: list[Item] = []
    seen: set[tuple[Any, ...]] = set()
    for s in sents:
        text = s.text
        if len(text) > 3000 or PLACEHOLDER.search(text) and not re.search(r"\d\s*%", text):
            continue
        for kind, pattern in _KIND:
            m = pattern.search(text)
            if not m:
                continue
            data: dict[str, Any] = {"kind": kind, "percent": None, "amount": None, "currency": None,
                                    "per": None, "cap_percent": None, "cap_amount": None}  # fmt: skip
            cap = _CAP_PCT.search(text)
            if cap:
                data["cap_percent"] = float(cap.group(1))
            for p in _PCT_OF.finditer(text):
                if cap and p.start(1) == cap.start(1):
                    continue
                if kind == "incentive" or re.search(
                    r"deduction|credit|addition|reduction|of\s+\w+\s+(?:total\s+)?(?:monthly\s+)?(?:total\s+)?(?:cost|fee|price|charge)|of\s+(?:the\s+)?(?:monthly|total|annual)",
                    text[p.start() : p.end() + 50],
                    re.I,
                ):
                    data["percent"] = float(p.group(1))
                    break
            moneys = money_in(text)
            for x in moneys:
                if _CAP_AMT.search(text[max(0, x["start"] - 30) : x["start"]]):
                    data["cap_amount"] = x["amount"]
                elif data["amount"] is None:
                    data["amount"], data["currency"] = x["amount"], x["currency"]
            per = _PER.search(text)
            if per:
                data["per"] = (per.group(1) or per.group(2)).lower()
            if kind == "incentive" and "AAF" in text:
                data["percent"] = None  # award-fee tiers: a table of shares, not one credit
            key = (kind, data["percent"], data["amount"], data["cap_percent"], data["cap_amount"])
            if key in seen:
                continue
            seen.add(key)
            items.append(
                Item(
                    "penalty_rule",
                    data,
                    s.page,
                    s.start + m.start(),
                    s.start + m.end(),
                    clean_snippet(text),
                )
            )
    return items
