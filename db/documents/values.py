"""Term values as a reviewer reads and types them: editable text, corrections, coverage specs."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

DATE_FIELDS = ("agreement_date", "effective_date", "expiration_date")
DURATION_FIELDS = ("initial_term", "renewal_term", "notice_period", "warranty_duration")
TEXT_FIELDS = ("provider", "customer", "governing_law", "document_type")
PERPETUAL_FIELDS = ("expiration_date", "renewal_term")  # 'perpetual': until a party ends it
LIST_FIELDS = ("included_services", "excluded_services", "certifications")
_DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def decimal_or_none(v: Any) -> Decimal | None:
    """An extracted amount as a Decimal; None when absent or not a number."""
    try:
        return Decimal(str(v)) if v is not None else None
    except InvalidOperation:
        return None


def editable_value(field_name: str, normalized: Any) -> str:
    """The normalized value as the text a reviewer edits (and `parse_correction` reads back)."""
    if normalized is None:
        return ""
    if field_name in DURATION_FIELDS and isinstance(normalized, dict) and "n" in normalized:
        return f"{normalized['n']} {normalized.get('unit', 'day')}"
    if field_name == "auto_renewal":
        return "yes" if normalized else "no"
    if field_name in LIST_FIELDS and isinstance(normalized, list):
        return "; ".join(str(v) for v in normalized)
    if field_name == "coverage_hours" and isinstance(normalized, dict):
        return coverage_spec(normalized) or json.dumps(normalized)
    if isinstance(normalized, str):
        return normalized
    return json.dumps(normalized, ensure_ascii=False)


def parse_correction(field_name: str, text: str) -> Any:
    """A reviewer's corrected text as a normalized value; ValueError says how to write it."""
    raw = text.strip()
    if not raw:
        raise ValueError("The corrected value is empty: type the right value, or reject the term.")
    if field_name in PERPETUAL_FIELDS and raw.lower() in ("perpetual", "evergreen", "indefinite"):
        return "perpetual"  # runs on until a party ends it (db/documents/term_fields.py)
    if field_name in DATE_FIELDS:
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            from dateutil import parser

            try:
                return parser.parse(raw, dayfirst=False).date().isoformat()
            except (ValueError, OverflowError) as exc:
                hint = " (or 'perpetual')" if field_name in PERPETUAL_FIELDS else ""
                raise ValueError(f"{raw!r} is not a date: write it as 2026-09-01{hint}.") from exc
    if field_name in DURATION_FIELDS and raw.startswith("{"):
        return _json(field_name, raw)
    if field_name in DURATION_FIELDS:
        m = re.fullmatch(r"(\d+)\s*(business_day|day|week|month|year)s?", raw, re.IGNORECASE)
        if not m:
            hint = " (or 'perpetual')" if field_name in PERPETUAL_FIELDS else ""
            raise ValueError(
                f"{raw!r} is not a duration: write it as '12 month' or '60 day'{hint}."
            )
        return {"n": int(m.group(1)), "unit": m.group(2).lower()}
    if field_name == "auto_renewal":
        if raw.lower() in ("yes", "true", "y", "1"):
            return True
        if raw.lower() in ("no", "false", "n", "0"):
            return False
        raise ValueError("Auto-renewal is 'yes' or 'no'.")
    if field_name in TEXT_FIELDS:
        return raw
    if field_name in LIST_FIELDS:
        return [p.strip() for p in re.split(r"[;\n]", raw) if p.strip()]
    if field_name == "coverage_hours" and not raw.startswith("{"):
        from sla.coverage_spec import parse_spec

        parse_spec(raw)  # ValueError explains the accepted forms
        return {"spec": raw}
    return _json(field_name, raw)


def _json(field_name: str, raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"The corrected {field_name.replace('_', ' ')} must keep the JSON form shown "
            f"(problem at character {exc.pos + 1}: {exc.msg})."
        ) from exc


def coverage_spec(normalized: dict[str, Any]) -> str | None:
    """Coverage hours as a calendar spec ('24x7', 'Mon-Fri 08:00-17:00'), None if unclear."""
    if normalized.get("spec"):
        return str(normalized["spec"])
    if normalized.get("label") == "24x7":
        return "24x7"
    days, start, end = normalized.get("days"), normalized.get("start"), normalized.get("end")
    if not days or not start or not end:
        return normalized.get("label")
    idx = sorted(_DAY_CODES.index(d) for d in days if d in _DAY_CODES)
    names = [d.capitalize() for d in _DAY_CODES]
    if idx and idx == list(range(idx[0], idx[-1] + 1)) and len(idx) > 1:
        day_text = f"{names[idx[0]]}-{names[idx[-1]]}"
    else:
        day_text = ", ".join(names[i] for i in idx)
    return f"{day_text} {start}-{end}"
