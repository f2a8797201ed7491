# ruff: noqa: E501 - regexes read best unbroken
"""Pricing terms billing needs beyond fees and rates: the pricing model, the overage rate,
rollover of unused hours, and the holidays the coverage clause names.

Each reads sentences (never guesses a number the contract does not state); the pricing
model is inferred from what the fee and rate rules found, with the reason in the value.
"""

from __future__ import annotations

import re

from extraction.document import Document, Sentence
from extraction.normalize import money_str, parse_money
from extraction.schema import Field

_OVERAGE = re.compile(
    r"overage|(?:beyond|above|in\s+excess\s+of|exceed\w*|over)\s+(?:the\s+)?(?:block|included|"
    r"allotted|allocated|prepaid|monthly)\s*(?:hours?|allowance|block)?|additional\s+hours",
    re.I,
)
_AT_RATES = re.compile(r"(?:billed|charged|invoiced|payable)\s+at\s+(?:the\s+)?(?:standard\s+)?"
                       r"(?:hourly\s+)?rates?\s+(?:below|above|set\s+out|in|listed|stated)", re.I)  # fmt: skip
_ROLL_YES = re.compile(
    r"unused\s+(?:\w+\s+){0,3}hours?[^.]{0,80}?(?:roll(?:s|ed)?\s*(?:over|forward)|carr(?:y|ied|ies)"
    r"\s+(?:over|forward))|roll(?:s|ed)?\s*(?:over|forward)\s+(?:of\s+)?unused",
    re.I,
)
_ROLL_NO = re.compile(
    r"unused\s+(?:\w+\s+){0,3}hours?[^.]{0,80}?(?:expire|are\s+forfeited|lapse|do\s+not\s+(?:roll|carry)|"
    r"will\s+not\s+(?:roll|carry)|may\s+not\s+be\s+carried)|no\s+roll\s*-?over",
    re.I,
)
_CAP_HOURS = re.compile(
    r"(?:up\s+to|maximum\s+of|capped\s+at|not\s+(?:to\s+)?exceed)\s+(\d+)\s+hours", re.I
)
_PER_UNIT = re.compile(
    r"\bper\s+(device|user|seat|endpoint|workstation|server|site|licen[cs]e)\b[^.]{0,40}?(?:per\s+)?(?:month|quarter|year)?",
    re.I,
)
# Holidays a coverage clause names, as the `holidays` package spells them (English names).
_NAMED = [
    ("New Year's Day", r"new\s+year['’]?s?\s+day"),
    ("Martin Luther King Jr. Day", r"martin\s+luther\s+king"),
    ("Washington's Birthday", r"washington['’]?s\s+birthday|presidents['’]?\s+day"),
    ("Memorial Day", r"memorial\s+day"),
    ("Juneteenth National Independence Day", r"juneteenth"),
    ("Independence Day", r"independence\s+day|fourth\s+of\s+july|july\s+4(?:th)?"),
    ("Labor Day", r"labou?r\s+day"),
    ("Columbus Day", r"columbus\s+day"),
    ("Veterans Day", r"veterans['’]?\s+day"),
    ("Thanksgiving Day", r"thanksgiving"),
    ("Christmas Day", r"christmas(?:\s+day)?"),
    ("Boxing Day", r"boxing\s+day"),
    ("Good Friday", r"good\s+friday"),
    ("Easter Monday", r"easter\s+monday"),
]
HOLIDAY_PATTERNS = dict(_NAMED)
_GENERIC = re.compile(r"\b(public|bank|federal|national|statutory|state|provincial)\s+holidays\b", re.I)


def overage_rate(doc: Document, rates: Field | None) -> Field | None:
    """Hours beyond the included ones: a stated rate, or 'at the rates below' (the base rate)."""
    for sentence in doc.sentences:
        flat = sentence.flat
        if not _OVERAGE.search(flat):
            continue
        money = [parse_money(e.text) for e in sentence.of("MONEY")]
        hourly = re.search(r"per\s+hour|/\s*h(?:ou)?r|hourly|an\s+hour", flat, re.I)
        if money and money[0] and hourly:
            amount, currency = money[0]
            value = {"rate": money_str(amount), "currency": currency, "basis": "stated"}
            return doc.make_field(sentence, "overage_rate", value, confidence=0.8)
        if _AT_RATES.search(flat) and rates is not None:
            base = _base_rate(rates.normalized)
            if base is not None:
                value = {"rate": base["rate"], "currency": base.get("currency"),
                         "basis": "the contract's standard hourly rate"}  # fmt: skip
                return doc.make_field(sentence, "overage_rate", value, confidence=0.6)
    return None


def _base_rate(rates: object) -> dict | None:
    if not isinstance(rates, list):
        return None
    standard = [
        r for r in rates if isinstance(r, dict) and r.get("kind") == "standard" and r.get("rate")
    ]
    return next((r for r in standard if not r.get("role")), standard[0] if standard else None)


def rollover(doc: Document) -> Field | None:
    """Whether unused included hours carry over (and a cap when one is stated)."""
    for sentence in doc.sentences:
        flat = sentence.flat
        no, yes = _ROLL_NO.search(flat), _ROLL_YES.search(flat)
        if not (no or yes):
            continue
        cap = _CAP_HOURS.search(flat) if yes else None
        value = {"rollover": bool(yes and not no), "cap_hours": int(cap.group(1)) if cap else None}
        return doc.make_field(sentence, "rollover", value, confidence=0.7)
    return None


def pricing_model(
    doc: Document, fees: Field | None, rates: Field | None, overage: Field | None
) -> Field | None:
    """fixed / block_hours / per_unit / time_materials, from what the fee rules found."""
    fee_list = fees.normalized if fees is not None and isinstance(fees.normalized, list) else []
    per_unit = _per_unit_sentence(doc)
    if per_unit is not None:
        return doc.make_field(per_unit[0], "pricing_model",
                              {"model": "per_unit", "unit": per_unit[1], "reason": "a fee per " + per_unit[1]},
                              confidence=0.6)  # fmt: skip
    source: Field | None = None
    if any(isinstance(f, dict) and f.get("included_hours") for f in fee_list):
        model, reason, source = "block_hours", "a fee that includes a block of hours", fees
    elif fee_list:
        model, reason, source = "fixed", "a recurring fee without included hours", fees
    elif rates is not None:
        model, reason, source = "time_materials", "hourly rates and no recurring fee", rates
    else:
        return None
    if model == "fixed" and overage is not None:
        model, reason = "block_hours", "a recurring fee with an overage rate"
    assert source is not None
    return Field(name="pricing_model", value=model, normalized={"model": model, "reason": reason},
                 confidence=0.6, page=source.page, start=source.start, end=source.end,
                 snippet=f"Inferred: {reason}. {source.snippet}"[:400])  # fmt: skip


def _per_unit_sentence(doc: Document) -> tuple[Sentence, str] | None:
    for sentence in doc.with_cue("FEE"):
        match = _PER_UNIT.search(sentence.flat)
        if match and sentence.of("MONEY"):
            return sentence, match.group(1).lower()
    return None


def holidays(doc: Document) -> Field | None:
    """Holidays the coverage clause names: {named: [...], generic: 'public' | None, excluded}."""
    for sentence in doc.sentences:
        flat = sentence.flat
        if not re.search(r"holiday", flat, re.I):
            continue
        named = [name for name, rx in _NAMED if re.search(rx, flat, re.I)]
        generic = _GENERIC.search(flat)
        if not named and not generic:
            continue
        excluded = not re.search(
            r"including\s+(?:\w+\s+){0,3}holidays|365\s+days|24\s*x\s*7", flat, re.I
        )
        value = {"named": named, "generic": generic.group(1).lower() if generic else None,
                 "excluded": excluded}  # fmt: skip
        return doc.make_field(sentence, "holidays", value, confidence=0.7)
    return None
