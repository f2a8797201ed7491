"""Typed term values as a reviewer's editors produce them: each field's kind, the checks that
turn editor input into the normalized shape extraction produces, and the correction text.

The editors (ui/term_editors.py) hand plain values here; a ValueError says what is wrong and
nothing is stored. `correction_text` is what review_term stores: `parse_correction` reads it
back to exactly the value checked here, so Apply and the live mappers read it unchanged.
"""

from __future__ import annotations

import json
import re
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

from db.documents.values import (
    DATE_FIELDS,
    DURATION_FIELDS,
    LIST_FIELDS,
    TEXT_FIELDS,
    editable_value,
    parse_correction,
)

MONEY_FIELDS = {"contract_value": "amount", "liability_cap": "amount", "overage_rate": "rate"}
RECORD_FIELDS = ("hourly_rates", "insurance", "parties", "service_credits")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CONTRACT_UNITS = ("day", "business_day", "week", "month", "year")
SLA_UNITS = ("minute", "hour", "business hour", "day", "business_day")
FEE_PERIODS = ("month", "quarter", "year")
# The zone names extraction reads ("Eastern Time"); Apply maps them to IANA zones.
TIMEZONES = ("Eastern Time", "Central Time", "Mountain Time", "Pacific Time", "GMT", "UTC", "CET")
_CURRENCY = re.compile(r"[A-Z]{3}")


def term_kind(field_name: str) -> str:
    """The editor a field gets: date | duration | bool | text | list | money | fee | sla |
    coverage | records | contacts (escalation) | fields (a flat record: tier, pricing model,
    holidays, termination for convenience); a value of another shape falls back to JSON."""
    if field_name in DATE_FIELDS:
        return "date"
    if field_name in DURATION_FIELDS:
        return "duration"
    if field_name == "auto_renewal":
        return "bool"
    if field_name in TEXT_FIELDS:
        return "text"
    if field_name in LIST_FIELDS:
        return "list"
    if field_name in MONEY_FIELDS:
        return "money"
    named = {"recurring_fees": "fee", "sla_targets": "sla", "coverage_hours": "coverage"}
    if field_name in named:
        return named[field_name]
    if field_name in RECORD_FIELDS:
        return "records"
    return "contacts" if field_name == "escalation" else "fields"


def current_value(field_name: str, normalized: Any, corrected: str | None) -> Any:
    """The value in force for a term: the reviewer's correction if any, else the extraction's."""
    return parse_correction(field_name, corrected) if corrected else normalized


def date_term(value: date | None) -> str:
    if not isinstance(value, date):
        raise ValueError("Pick a date, or reject the term if the document states none.")
    return value.isoformat()


def _whole(n: Any, what: str) -> int | float:
    if n is None or isinstance(n, bool):
        raise ValueError(f"{what}: type a number.")
    number = float(n)
    if number != number or number <= 0:  # NaN or not positive
        raise ValueError(f"{what} must be more than zero.")
    return int(number) if number.is_integer() else number


def duration_term(n: Any, unit: str) -> dict[str, Any]:
    """A contract length (term, renewal, notice, warranty): a whole number of days..years."""
    if unit not in CONTRACT_UNITS:
        raise ValueError(f"Unit {unit!r} is not one of {', '.join(CONTRACT_UNITS)}.")
    count = _whole(n, "The duration")
    if not isinstance(count, int):
        raise ValueError("A contract duration is a whole number (e.g. 12 month, 30 day).")
    return {"n": count, "unit": unit}


def sla_duration(n: Any, unit: str, what: str) -> dict[str, Any]:
    """An SLA target in extraction's shape ('4 business hours' -> hour with business=True)."""
    if unit not in SLA_UNITS:
        raise ValueError(f"{what}: unit {unit!r} is not one of {', '.join(SLA_UNITS)}.")
    count = _whole(n, what)
    if unit == "business hour":
        return {"n": count, "unit": "hour", "business": True}
    return {"n": count, "unit": unit}


def sla_minutes(d: dict[str, Any]) -> float:
    per = {"minute": 1, "hour": 60, "day": 1440, "business_day": 1440}
    return float(d["n"]) * per[str(d["unit"])]


def sla_unit(d: dict[str, Any]) -> str:
    """The editor unit of a stored SLA duration (inverse of `sla_duration`)."""
    return "business hour" if d.get("unit") == "hour" and d.get("business") else str(d["unit"])


def sla_term(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Grid rows (priority, response, response_unit, resolution, resolution_unit) as the
    priority -> {response, resolution} matrix; resolution may not be sooner than response."""
    out: dict[str, Any] = {}
    for row in rows:
        priority = str(row.get("priority") or "").strip().upper()
        if not priority:
            if any(row.get(k) not in (None, "") for k in ("response", "resolution")):
                raise ValueError("Every SLA row needs its priority (e.g. P1).")
            continue
        if priority in out:
            raise ValueError(f"Priority {priority} appears twice: keep one row per priority.")
        pair: dict[str, Any] = {}
        for part in ("response", "resolution"):
            if row.get(part) is not None and row.get(part) == row.get(part):  # not NaN
                unit = str(row.get(f"{part}_unit") or "hour")
                pair[part] = sla_duration(row[part], unit, f"{priority} {part}")
        if not pair:
            raise ValueError(f"{priority} needs a response or a resolution target.")
        if len(pair) == 2 and sla_minutes(pair["resolution"]) < sla_minutes(pair["response"]):
            raise ValueError(f"{priority}: the resolution target is sooner than the response.")
        out[priority] = pair
    if not out:
        raise ValueError("The SLA has no targets: add a priority, or reject the term.")
    return out


def money_amount(amount: Any, what: str = "The amount") -> str:
    try:
        value = Decimal(str(amount).replace(",", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{what} {amount!r} is not a number (e.g. 3900.00).") from exc
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what} must be zero or more.")
    return str(value.quantize(Decimal("0.01")))


def currency_code(currency: Any) -> str:
    code = str(currency or "").strip().upper()
    if not _CURRENCY.fullmatch(code):
        raise ValueError(f"Currency {currency!r} is not a three-letter code such as USD.")
    return code


def money_term(field_name: str, amount: Any, currency: Any, base: Any = None) -> dict[str, Any]:
    """Contract value, liability cap or overage rate; other keys (basis) are kept."""
    key = MONEY_FIELDS[field_name]
    out = dict(base) if isinstance(base, dict) else {}
    out[key] = money_amount(amount)
    out["currency"] = currency_code(currency)
    out.setdefault("basis", None)
    return out


def fee_term(
    amount: Any, currency: Any, period: str, included_hours: Any = None, base: Any = None
) -> list[dict[str, Any]]:
    """The recurring fee (the first one; further fees the document states are kept)."""
    if period not in FEE_PERIODS:
        raise ValueError(f"The fee period is one of {', '.join(FEE_PERIODS)}.")
    rest = list(base[1:]) if isinstance(base, list) else []
    first = dict(base[0]) if isinstance(base, list) and base and isinstance(base[0], dict) else {}
    first.update(amount=money_amount(amount), currency=currency_code(currency), period=period)
    first.pop("included_hours", None)
    if included_hours not in (None, 0, ""):
        first["included_hours"] = _whole(included_hours, "Included hours")
    return [first, *rest]


def coverage_term(
    days: list[str],
    start: time,
    end: time,
    timezone: str | None,
    holidays_excluded: bool,
) -> dict[str, Any]:
    """Coverage windows: days, from/to (an end of 00:00 means midnight, 24:00) and zone."""
    from sla.coverage_spec import parse_spec

    picked = [d for d in DAYS if d in days]
    if not picked:
        raise ValueError("Coverage needs at least one day.")
    if timezone and timezone not in TIMEZONES:
        raise ValueError(f"Time zone {timezone!r} is not one of {', '.join(TIMEZONES)}.")
    start_text = start.strftime("%H:%M")
    end_text = "24:00" if end == time(0, 0) else end.strftime("%H:%M")
    if start_text == end_text:
        raise ValueError("Coverage starts and ends at the same time: pick the hours covered.")
    out: dict[str, Any] = {"days": picked, "start": start_text, "end": end_text}
    full = len(picked) == 7 and start_text == "00:00" and end_text == "24:00"
    out["label"] = "24x7" if full else None
    out["holidays_excluded"] = bool(holidays_excluded)
    if timezone:
        out["timezone"] = timezone
    from db.documents.values import coverage_spec

    parse_spec(coverage_spec(out) or "")  # ValueError explains the problem
    return out


def list_term(items: list[Any]) -> list[str]:
    """Services or certifications, one per row; blanks dropped, duplicates refused."""
    out = [str(i).strip() for i in items if i is not None and str(i).strip()]
    if not out:
        raise ValueError("The list is empty: add an item, or reject the term.")
    if any(";" in i for i in out):
        raise ValueError("One item per row: an item may not contain ';'.")
    if len({i.lower() for i in out}) != len(out):
        raise ValueError("An item appears twice in the list.")
    return out


def text_term(text: Any) -> str:
    out = str(text or "").strip()
    if not out:
        raise ValueError("The value is empty: type the right value, or reject the term.")
    return out


def records_term(
    rows: list[dict[str, Any]], columns: list[str], like: Any = None
) -> list[dict[str, Any]]:
    """Table rows (rates, insurance, parties, credits): blank cells as None, empty rows dropped;
    amounts in money columns checked; cells typed back like the extracted rows (``like``)."""
    types: dict[str, type] = {}
    for r in like if isinstance(like, list) else []:
        for c, v in r.items() if isinstance(r, dict) else ():
            if v is not None:
                types.setdefault(c, type(v))
    out = []
    for row in rows:
        clean = {c: _typed(_cell(row.get(c)), types.get(c), c) for c in columns}
        if all(v is None for v in clean.values()):
            continue
        for c in ("rate", "minimum", "amount"):
            if clean.get(c) is not None:
                clean[c] = money_amount(clean[c], f"{c.capitalize()}")
        if clean.get("currency") is not None:
            clean["currency"] = currency_code(clean["currency"])
        out.append(clean)
    if not out:
        raise ValueError("The table is empty: add a row, or reject the term.")
    return out


def _cell(v: Any) -> Any:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, str):
        return v.strip() or None
    return v


def _typed(v: Any, kind: type | None, column: str) -> Any:
    if v is None or kind in (None, str) or isinstance(v, kind):
        return v
    try:
        if kind is bool:
            return str(v).strip().lower() in ("true", "yes", "1")
        return kind(str(v).strip()) if kind in (int, float) else v
    except ValueError as exc:
        raise ValueError(f"{column.replace('_', ' ').capitalize()} {v!r} is not a number.") from exc


def fields_term(values: dict[str, Any], like: dict[str, Any]) -> dict[str, Any]:
    """A flat record edited key by key, typed back like the extracted one (``like``): text,
    yes/no, a list typed as 'a; b', a duration as {n, unit}."""
    out: dict[str, Any] = {}
    for key, old in like.items():
        new = values.get(key)
        what = key.replace("_", " ").capitalize()
        if isinstance(old, bool):
            out[key] = bool(new)
        elif isinstance(old, list):
            out[key] = [p.strip() for p in str(new or "").split(";") if p.strip()]
        elif isinstance(old, dict) and "n" in old:
            n, unit = new if isinstance(new, tuple) else (None, None)
            out[key] = duration_term(n, str(unit))
        elif isinstance(old, int | float):
            out[key] = _whole(new, what)
        else:
            text = str(new or "").strip()
            out[key] = text or None
    return out


def json_term(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"Not valid JSON (character {exc.pos + 1}: {exc.msg}).") from exc


def correction_text(field_name: str, value: Any) -> str:
    """The text stored as the correction: the readable form when it reads back to ``value``
    (e.g. '45 day', '2027-03-31'), else JSON. Always read back by `parse_correction`."""
    readable = editable_value(field_name, value)
    try:
        if readable and parse_correction(field_name, readable) == value:
            return readable
    except ValueError:
        pass
    text = json.dumps(value, ensure_ascii=False)
    if parse_correction(field_name, text) != value:  # a field whose text form cannot hold it
        raise ValueError(f"This {field_name.replace('_', ' ')} value cannot be stored.")
    return text
