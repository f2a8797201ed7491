"""Extracted terms mapped onto a contract's own fields (dates, term, renewal, notice, value,
fees, rates, coverage calendar), and the result an Apply reports: the part of applying a
document that reads terms, apart from the checks and the write in `db.documents.apply`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.documents.values import coverage_spec, decimal_or_none
from db.models import Calendar, Contract


@dataclass
class ApplyResult:
    contract_id: int
    applied: list[str] = field(default_factory=list)  # "field: old -> new" lines
    skipped: list[str] = field(default_factory=list)  # terms that could not be mapped, and why
    policy_id: int | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)  # diff rows of EXTRA_MAPPERS
    diff: list[dict[str, Any]] = field(default_factory=list)  # field, current, proposed, page


def months(d: Any) -> int | None:
    if isinstance(d, dict) and isinstance(d.get("n"), int):
        return {"month": d["n"], "year": 12 * d["n"]}.get(d.get("unit"))
    return None


def days(d: Any) -> int | None:
    if isinstance(d, dict) and isinstance(d.get("n"), int):
        return {"day": 1, "week": 7, "month": 30, "year": 365}.get(d.get("unit"), 0) * d[
            "n"
        ] or None
    return None


def iso_date(v: Any) -> date | None:
    try:
        return date.fromisoformat(str(v)) if isinstance(v, str) else None
    except ValueError:
        return None


# Which extracted term a contract field comes from (its page is the diff's source page).
SOURCE = {
    "start_date": "effective_date", "end_date": "expiration_date", "evergreen": "expiration_date",
    "term_months": "initial_term", "auto_renew": "auto_renewal",
    "renewal_term_months": "renewal_term", "notice_days": "notice_period",
    "value": "contract_value", "currency": "contract_value", "recurring_fee": "recurring_fees",
    "billing_cycle": "recurring_fees", "included_hours": "recurring_fees",
    "hourly_rate": "hourly_rates", "role_rates": "hourly_rates",
    "after_hours_multiplier": "hourly_rates", "calendar_id": "coverage_hours",
}  # fmt: skip


def map_terms(
    session: Session,
    contract: Contract,
    terms: dict[str, Any],
    data: dict[str, Any],
    result: ApplyResult,
    *,
    amendment: bool = False,
) -> None:
    start = iso_date(terms.get("effective_date"))
    if start is not None and not amendment:  # an amendment's date is when its changes start
        data["start_date"] = start
    end = terms.get("expiration_date")
    if end == "perpetual":
        data["end_date"] = None  # runs until notice or termination (contracts/term.py)
        data["evergreen"] = True
    elif (end_date := iso_date(end)) is not None:
        data["end_date"] = end_date
    elif end:
        result.skipped.append("expiration date: not a calendar date")
    if (term := months(terms.get("initial_term"))) is not None:
        data["term_months"] = term
    if isinstance(terms.get("auto_renewal"), bool):
        data["auto_renew"] = terms["auto_renewal"]
    if terms.get("renewal_term") == "perpetual":
        data["evergreen"] = True  # runs on after the initial term until a party gives notice
    elif "renewal_term" in terms:
        renewal = months(terms["renewal_term"])
        if renewal is None:
            result.skipped.append("renewal term: not in months or years")
        else:
            data["renewal_term_months"] = renewal
    if (notice := days(terms.get("notice_period"))) is not None:
        data["notice_days"] = notice
    value = terms.get("contract_value")
    if isinstance(value, dict) and decimal_or_none(value.get("amount")) is not None:
        data["value"] = decimal_or_none(value["amount"])
        data["currency"] = value.get("currency") or data["currency"]
    fees = terms.get("recurring_fees")
    if isinstance(fees, list) and fees and isinstance(fees[0], dict):
        fee = fees[0]
        if decimal_or_none(fee.get("amount")) is not None:
            data["recurring_fee"] = decimal_or_none(fee["amount"])
            cycle = {"month": "monthly", "quarter": "quarterly", "year": "annual"}
            data["billing_cycle"] = cycle.get(fee.get("period"), data["billing_cycle"])
            if not isinstance(value, dict) and fee.get("currency"):
                data["currency"] = fee["currency"]
            if fee.get("included_hours") is not None:
                data["included_hours"] = decimal_or_none(fee["included_hours"])
    rates = terms.get("hourly_rates")
    if isinstance(rates, list) and rates:
        _map_rates([r for r in rates if isinstance(r, dict)], data, result)
    coverage = terms.get("coverage_hours")
    if isinstance(coverage, dict):
        calendar_id, why = _matching_calendar(session, contract, coverage)
        if calendar_id is None:
            result.skipped.append(f"coverage hours: {why}")
        else:
            data["calendar_id"] = calendar_id


def _map_rates(rates: list[dict], data: dict[str, Any], result: ApplyResult) -> None:
    standard = [r for r in rates if r.get("kind") == "standard" and decimal_or_none(r.get("rate"))]
    after = [r for r in rates if r.get("kind") == "after_hours" and decimal_or_none(r.get("rate"))]
    base = next((r for r in standard if not r.get("role")), standard[0] if standard else None)
    if base is not None:
        data["hourly_rate"] = decimal_or_none(base["rate"])
    roles = {str(r["role"]): str(decimal_or_none(r["rate"])) for r in standard if r.get("role")}
    if roles:
        data["role_rates"] = roles
    if after:
        pair = next((r for r in after if base and r.get("role") == base.get("role")), after[0])
        reference = decimal_or_none(base["rate"]) if base else data.get("hourly_rate")
        if reference:
            data["after_hours_multiplier"] = (decimal_or_none(pair["rate"]) / reference).quantize(
                Decimal("0.0001")
            )
        else:
            result.skipped.append("after-hours rate: no standard rate to compare with")


def _matching_calendar(
    session: Session, contract: Contract, coverage: dict[str, Any]
) -> tuple[int | None, str]:
    from sla.coverage_spec import parse_spec

    spec = coverage_spec(coverage)
    try:
        wanted = parse_spec(spec or "")
    except ValueError:
        return None, f"cannot read {spec!r} as coverage hours"
    matches = []
    for cal in session.scalars(select(Calendar).order_by(Calendar.id)):
        try:
            if parse_spec(cal.spec) == wanted:
                matches.append(cal)
        except ValueError:
            continue
    if not matches:
        return None, f"no calendar has the hours {spec!r}; create one, then apply again"
    if any(c.id == contract.calendar_id for c in matches):
        return contract.calendar_id, ""
    if len(matches) == 1:
        return matches[0].id, ""
    same_zone = [c for c in matches if c.timezone == contract.timezone]
    if len(same_zone) == 1:
        return same_zone[0].id, ""
    names = ", ".join(c.name for c in matches)
    return None, f"several calendars have the hours {spec!r} ({names}); pick one on the contract"
