# ruff: noqa: E501 - diff rows read best on one line
"""Coverage hours -> a calendar on the contract: reused when one of the contract's calendars has
those hours, else created, with the holidays the clause excludes (the `holidays` package, for
the country of the governing law or the time zone).

Part of the Apply mapper for the general extractor's terms (db/documents/apply_live.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.documents.apply_homes import diff_row as _row
from db.documents.values import coverage_spec
from db.models import Calendar, CalendarHoliday, Contract

_ZONES = {"eastern": "America/New_York", "central": "America/Chicago", "mountain": "America/Denver",
          "pacific": "America/Los_Angeles", "et": "America/New_York", "est": "America/New_York",
          "ct": "America/Chicago", "cst": "America/Chicago", "mt": "America/Denver", "pt": "America/Los_Angeles",
          "pst": "America/Los_Angeles", "gmt": "Europe/London", "bst": "Europe/London", "utc": "UTC",
          "cet": "Europe/Paris", "aest": "Australia/Sydney"}  # fmt: skip
_COUNTRIES = {"england": ("GB", "ENG"), "england and wales": ("GB", "ENG"), "wales": ("GB", "WLS"),
              "scotland": ("GB", "SCT"), "northern ireland": ("GB", "NIR"), "united kingdom": ("GB", None),
              "ireland": ("IE", None), "germany": ("DE", None), "france": ("FR", None),
              "netherlands": ("NL", None), "switzerland": ("CH", None), "canada": ("CA", None),
              "australia": ("AU", None), "israel": ("IL", None), "united states": ("US", None)}  # fmt: skip


def _region(contract: Contract, terms: dict[str, Any], zone: str) -> tuple[str | None, str | None]:
    """(country, subdivision) for the holidays: governing law first, then the time zone."""
    import holidays

    law = str(terms.get("governing_law") or "").lower()
    law = re.sub(r"\b(?:the\s+)?(?:laws?\s+of|state\s+of|commonwealth\s+of)\b|[^a-z ]", " ", law)
    law = " ".join(law.split())
    if law in _COUNTRIES:
        return _COUNTRIES[law]
    states = {k.lower(): v for k, v in holidays.US.subdivisions_aliases.items()}
    if law in states:
        return "US", states[law]
    if zone.startswith("America/") and zone not in ("America/Toronto", "America/Vancouver"):
        return "US", None
    if zone == "Europe/London":
        return "GB", None
    return None, None


def _regional(country: str, generic: str | None) -> bool:
    """Public holidays are the nation's (federal in the US); a region's own only where they
    differ by nation (UK bank holidays) or the clause says state holidays."""
    return country == "GB" or generic in ("state", "provincial")


def _holiday_days(country: str, subdiv: str | None, named: list[str], generic: str | None,
                  years: range) -> list[tuple[date, str]]:  # fmt: skip
    import holidays

    from extraction.rules.pricing import HOLIDAY_PATTERNS

    regional = _regional(country, generic)
    found = holidays.country_holidays(country, subdiv=subdiv if regional else None, years=years)
    days = sorted(found.items())
    if named:
        patterns = [re.compile(HOLIDAY_PATTERNS[n], re.I) for n in named if n in HOLIDAY_PATTERNS]
        days = [(d, n) for d, n in days if any(p.search(n) for p in patterns)]
    return [(d, n[:120]) for d, n in days]


def apply_calendar(
    session: Session, contract: Contract, terms: dict[str, Any], document_id: int | None
) -> list[dict[str, Any]]:
    """Diff rows of pointing `contract` at a calendar with the document's coverage hours."""
    from sla.coverage_spec import parse_spec

    coverage = terms.get("coverage_hours")
    if not isinstance(coverage, dict):
        return []
    spec = coverage_spec(coverage)
    try:
        wanted = parse_spec(spec or "")
    except ValueError:
        return [_row("calendar", None, spec, "coverage hours unclear - no calendar created")]
    hol = terms.get("holidays") if isinstance(terms.get("holidays"), dict) else {}
    excluded = (
        bool(hol.get("excluded", coverage.get("holidays_excluded", False)))
        if (hol or "holidays_excluded" in coverage)
        else False
    )
    zone = _ZONES.get(
        str(coverage.get("timezone") or "")
        .lower()
        .replace(" time", "")
        .replace("standard", "")
        .strip(),
        contract.timezone,
    )
    rows: list[dict[str, Any]] = []
    cal = session.get(Calendar, contract.calendar_id) if contract.calendar_id else None
    own = cal is not None and cal.name.startswith(contract.reference)
    try:
        same = cal is not None and parse_spec(cal.spec) == wanted
    except ValueError:
        same = False
    if cal is not None and cal.name.endswith(f"(document {document_id})"):
        same, own = True, True  # the IT mapper built it from this document's office hours
    needs_holidays = excluded and (
        hol.get("named") or hol.get("generic") or coverage.get("holidays_excluded")
    )
    if same and (not needs_holidays or cal.holidays):
        return rows
    if cal is None or not same or not own:
        name = f"{contract.reference} coverage {spec}"[:120]
        cal = session.scalar(select(Calendar).where(Calendar.name == name))
        if cal is None:
            cal = Calendar(name=name, spec=str(spec), timezone=zone)
            session.add(cal)
            session.flush()
            rows.append(
                _row(
                    "calendar",
                    contract.calendar_id,
                    {"name": name, "spec": spec, "timezone": zone},
                    "created: no calendar of this contract had these hours",
                )
            )
        old, contract.calendar_id = contract.calendar_id, cal.id
        if not rows:
            rows.append(_row("calendar", old, {"name": name, "spec": spec}))
    if needs_holidays and not cal.holidays:
        country, subdiv = _region(contract, terms, cal.timezone)
        if country is None:
            rows.append(
                _row(
                    "calendar.holidays",
                    None,
                    None,
                    "the contract excludes holidays but names no country - add them on the calendar",
                )
            )
            return rows
        last = (
            contract.in_force_until
            or contract.end_date
            or date(contract.start_date.year + 3, 12, 31)
        )
        years = range(contract.start_date.year, min(last.year, contract.start_date.year + 10) + 1)
        days = _holiday_days(
            country, subdiv, list(hol.get("named") or []), hol.get("generic"), years
        )
        # The calendar's region generates the holidays of the years past these rows (see
        # db.calendars), so it names only what the clause excludes: the nation's days (a
        # region only when regional), none when it lists the holidays by name.
        if hol.get("named"):
            cal.country, cal.subdivision = None, None
        else:
            cal.country = country
            cal.subdivision = subdiv if _regional(country, hol.get("generic")) else None
        for d, n in days:
            cal.holidays.append(CalendarHoliday(day=d, name=n))
        rows.append(_row("calendar.holidays", None, f"{len(days)} days, {country}{'-' + subdiv if subdiv else ''} {years.start}-{years.stop - 1}",
                         "named: " + ", ".join(hol["named"]) if hol.get("named") else f"{hol.get('generic') or 'public'} holidays"))  # fmt: skip
    return rows
