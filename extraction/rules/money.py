"""Contract value, recurring fees and hourly rates (rate cards and prose). Money is Decimal,
emitted as a two-place string so JSON keeps it exact."""

from __future__ import annotations

import re

from extraction.document import Document, Sentence
from extraction.normalize import money_str, parse_money
from extraction.schema import Field

_PERIODS = [
    ("month", r"per\s+month|a\s+month|/\s?mo(?:nth)?\b|monthly|each\s+month|every\s+month"),
    ("quarter", r"per\s+quarter|quarterly|each\s+quarter|every\s+quarter"),
    ("year", r"per\s+(?:year|annum)|a\s+year|/\s?y(?:ea)?r\b|annual(?:ly)?|yearly|each\s+year"),
]
_HOURLY = re.compile(r"per\s+hour|/\s?h(?:ou)?r\b|an\s+hour|hourly|per\s+man-?hour", re.I)
_AFTER_HOURS = re.compile(
    r"after[\s-]hours|out[\s-]of[\s-]hours|outside\s+(?:of\s+)?(?:normal\s+|business\s+|the\s+)?"
    r"(?:business\s+|coverage\s+|support\s+)?hours|overtime|emergency|weekend|holiday",
    re.I,
)
_VALUE = re.compile(
    r"total\s+(?:contract\s+)?value|contract\s+value|total\s+(?:fees|price|consideration)|"
    r"aggregate\s+(?:value|fees|amount)|not\s+to\s+exceed",
    re.I,
)


def _money_entry(text: str) -> dict[str, str] | None:
    money = parse_money(text)
    if money is None:
        return None
    return {"amount": money_str(money[0]), "currency": money[1]}


def contract_value(doc: Document) -> Field | None:
    """The total value of the contract when it is stated."""
    for sentence in doc.with_cue("FEE"):
        match = _VALUE.search(sentence.text)
        if not match:
            continue
        for ent in sentence.of("MONEY"):
            if ent.start < sentence.start + match.start():
                continue
            entry = _money_entry(ent.text)
            if entry:
                return doc.make_field(
                    sentence, "contract_value", entry, span=(ent.start, ent.end), confidence=0.8
                )
    return None


def recurring_fees(doc: Document) -> Field | None:
    """Fixed fees that repeat each month/quarter/year: [{amount, currency, period}]."""
    fees: list[dict[str, object]] = []
    first: Sentence | None = None
    text_cache = doc.pages
    for sentence in doc.with_cue("FEE"):
        if _VALUE.search(sentence.text) and len(sentence.of("MONEY")) == 1:
            continue
        page = text_cache[sentence.page - 1]
        for ent in sentence.of("MONEY"):
            around = " ".join(
                page[max(sentence.start, ent.start - 60) : min(sentence.end, ent.end + 40)].split()
            )
            after = " ".join(page[ent.end : min(sentence.end, ent.end + 40)].split())
            if _HOURLY.search(after[:20]):
                continue
            period = next((p for p, rx in _PERIODS if re.search(rx, around, re.I)), None)
            if period is None or not re.search(
                r"fee|charge|price|retainer|subscription|payable|pay", around, re.I
            ):
                continue
            entry = _money_entry(ent.text)
            if not entry:
                continue
            item: dict[str, object] = {**entry, "period": period}
            hours = re.search(
                r"(\d+)\s+(?:support\s+|service\s+|included\s+)?hours", sentence.flat, re.I
            )
            if hours and re.search(r"block|includ|bank|prepaid", sentence.flat, re.I):
                item["included_hours"] = int(hours.group(1))
            if item not in fees:
                fees.append(item)
                first = first or sentence
    if not fees or first is None:
        return None
    return doc.make_field(first, "recurring_fees", fees, confidence=0.75)


def _rate_kind(text: str) -> str:
    return "after_hours" if _AFTER_HOURS.search(text) else "standard"


def hourly_rates(doc: Document) -> Field | None:
    """Hourly rates per role and kind (standard / after_hours), from rate cards then prose."""
    rates: list[dict[str, object]] = []
    for table in doc.tables:
        header = [c.lower() for c in table.rows[0]]
        if not any(re.search(r"rate|hourly|per\s+hour|price", c) for c in header):
            continue
        for row in table.rows[1:]:
            role = row[0]
            for col, cell in enumerate(row[1:], start=1):
                head = header[col] if col < len(header) else ""
                if not re.search(r"rate|hour|price|\$|€|£", head + cell, re.I):
                    continue
                entry = _money_entry(cell)
                if entry:
                    rates.append(
                        {
                            "role": role,
                            "kind": _rate_kind(head),
                            "rate": entry["amount"],
                            "currency": entry["currency"],
                        }
                    )
        if rates:
            page_text = doc.pages[table.page - 1]
            at = page_text.find(table.rows[1][0]) if table.rows[1][0] else -1
            return Field(
                name="hourly_rates",
                value=" ".join(table.rows[1]),
                normalized=rates,
                confidence=0.9,
                page=table.page,
                start=max(at, 0),
                end=max(at, 0) + (len(table.rows[1][0]) if at >= 0 else 0),
                snippet=" | ".join(" / ".join(r) for r in table.rows[:3])[:400],
            )
    first: Sentence | None = None
    for sentence in doc.with_cue("RATE"):
        page = doc.pages[sentence.page - 1]
        for ent in sentence.of("MONEY"):
            after = " ".join(page[ent.end : min(sentence.end, ent.end + 30)].split())
            if not _HOURLY.search(after[:25]):
                continue
            before = " ".join(page[max(sentence.start, ent.start - 90) : ent.start].split())
            role = re.search(
                r"([A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})\s*(?:rate\s*)?(?::|-|–|at|is|shall\s+be)?\s*(?:a\s+rate\s+of\s+)?$",
                before,
            )
            entry = _money_entry(ent.text)
            if not entry:
                continue
            item = {
                "role": role.group(1)
                if role and role.group(1) not in ("The", "All", "Any")
                else None,
                "kind": _rate_kind(before + " " + after),
                "rate": entry["amount"],
                "currency": entry["currency"],
            }
            if item not in rates:
                rates.append(item)
                first = first or sentence
        multiplier = re.search(
            r"(\d+(?:\.\d+)?)\s*(?:times|x)\s+the\s+(?:standard|normal|applicable)\s+(?:hourly\s+)?rate",
            sentence.flat,
            re.I,
        )
        if multiplier and _AFTER_HOURS.search(sentence.flat):
            item = {"role": None, "kind": "after_hours", "multiplier": multiplier.group(1)}
            if item not in rates:
                rates.append(item)
                first = first or sentence
    if not rates or first is None:
        return None
    return doc.make_field(first, "hourly_rates", rates, confidence=0.75)
