"""Coverage calendars from the store as `sla.Calendar` objects, and their management.

Holidays: the `holidays` package's days for the calendar's country / subdivision, generated
for every year the data needs (tickets and time entries, today, and two years ahead), plus
the calendar's own dates (calendar_holidays rows; each version keeps its own list).

Versions: a change (hours, zone, region, a holiday) writes a new calendar_versions row valid
from the change; tickets created before it keep the version they were created under, so
past SLA results do not move. A calendar never changed has no version rows: its current row
is its only version. Keys: the calendar id (int) is the current version (coverage split,
field view); "id@version-id" is one version (the SLA engine, see db/sla/in_force.py).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from access.roles import Actor, require
from db import audit
from db.models import Calendar as CalendarRow
from db.models import CalendarHoliday, CalendarVersion, Ticket, TimeEntry
from sla import Calendar
from sla.coverage_spec import check_no_overlap

ALWAYS = "24x7"
PERMISSION = "work_sla"
# The years a calendar's table covers at least; data outside widens it (no fixed range).
FIRST_YEAR, LAST_YEAR = 2015, 2035


def data_years(session: Session, today: date | None = None) -> range:
    """Every year the store's tickets and time entries need (and two after the last, for due
    times), today, and at least FIRST_YEAR..LAST_YEAR."""
    today = today or date.today()
    lo, hi = min(today.year, FIRST_YEAR), max(today.year + 2, LAST_YEAR)
    for col in (Ticket.created_at, TimeEntry.started_at):
        # Two selects: alone, each is one step down its index; together, a scan of every row.
        first, last = session.scalar(select(func.min(col))), session.scalar(select(func.max(col)))
        if first is not None:
            lo, hi = min(lo, first.year), max(hi, last.year + 2)
    return range(lo, hi + 1)


def _build(spec, tz, country, subdivision, custom, years: range) -> Calendar:
    return _built(spec, tz, country, subdivision, tuple(sorted(set(custom), key=str)), years)


@functools.lru_cache(maxsize=512)
def _built(spec, tz, country, subdivision, custom: tuple, years: range) -> Calendar:
    """One Calendar per distinct definition in this process: the holidays of 20 years and
    the window table (built on first use, kept on the frozen object) cost ~40 ms each, and
    every page loads every calendar."""
    return Calendar.from_spec(
        spec, tz, country=country, subdivision=subdivision, extra_holidays=custom, years=years
    )


def load_calendars(*, session: Session, today: date | None = None) -> dict[int | str, Calendar]:
    """Calendar id -> current Calendar; "id@version" -> each stored version; "24x7" (UTC)."""
    years = data_years(session, today)
    out: dict[int | str, Calendar] = {ALWAYS: _built("24x7", "UTC", None, None, (), years)}
    rows = session.scalars(select(CalendarRow).options(selectinload(CalendarRow.holidays)))
    for row in rows:
        custom = [h.day for h in row.holidays]
        out[row.id] = _build(row.spec, row.timezone, row.country, row.subdivision, custom, years)
    for v in session.scalars(select(CalendarVersion)):
        out[f"{v.calendar_id}@{v.id}"] = _build(
            v.spec, v.timezone, v.country, v.subdivision, v.custom_holidays or [], years
        )
    return out


def calendars_as_rows(calendars: Mapping[str, Calendar]) -> pd.DataFrame:
    """Calendars as plain rows (key, zone, hours, holidays, years), to keep in a frame file:
    rebuilding them from these skips the `holidays` package (~80 ms a country)."""
    return pd.DataFrame(
        {
            "key": list(calendars),
            "tz": [c.tz for c in calendars.values()],
            "hours": [json.dumps(c.hours) for c in calendars.values()],
            "holidays": [
                json.dumps(sorted(d.isoformat() for d in c.holidays)) for c in calendars.values()
            ],
            "first_year": [c.first_year for c in calendars.values()],
            "last_year": [c.last_year for c in calendars.values()],
        }
    )


def calendars_from_rows(frame: pd.DataFrame) -> dict[str, Calendar]:
    """The calendars `calendars_as_rows` wrote, equal to the originals."""
    return {
        str(r.key): Calendar(
            r.tz,
            json.loads(r.hours),
            frozenset(date.fromisoformat(d) for d in json.loads(r.holidays)),
            int(r.first_year),
            int(r.last_year),
        )
        for r in frame.itertuples(index=False)
    }


def calendar_versions_frame(session: Session) -> pd.DataFrame:
    """(calendar_id, version id, valid_from) of every stored version (for as-of matching)."""
    rows = session.execute(
        select(CalendarVersion.calendar_id, CalendarVersion.id, CalendarVersion.valid_from)
    ).all()
    frame = pd.DataFrame(rows, columns=["calendar_id", "calv", "eff_at"])
    frame["eff_at"] = pd.to_datetime(frame["eff_at"], utc=True).astype("datetime64[us, UTC]")
    return frame


# ---- management ---------------------------------------------------------------------------


def _zone(tz: str) -> str:
    clean = (tz or "").strip()
    try:
        ZoneInfo(clean)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"Unknown time zone {tz!r}: use an IANA name such as Europe/London or America/New_York."
        ) from None
    return clean


def _region(country: str | None, subdivision: str | None) -> tuple[str | None, str | None]:
    code = (country or "").strip().upper() or None
    sub = (subdivision or "").strip().upper() or None
    if code is None:
        if sub:
            raise ValueError("A subdivision needs its country (e.g. country US, subdivision NY).")
        return None, None
    try:
        holidays_lib.country_holidays(code, subdiv=sub, years=[date.today().year])
    except NotImplementedError:
        raise ValueError(
            f"No holidays known for country {code!r}: use an ISO code the holidays package "
            "knows (GB, US, DE, AU ...)."
        ) from None
    except ValueError as exc:  # unknown subdivision
        raise ValueError(f"Subdivision {sub!r} of {code}: {exc}") from None
    return code, sub


def _get(session: Session, calendar_id: int) -> CalendarRow:
    row = session.get(CalendarRow, calendar_id)
    if row is None:
        raise ValueError(f"Calendar id {calendar_id} does not exist (see `calendars list`).")
    return row


def _snapshot(row: CalendarRow, number: int, valid_from: datetime, note: str, actor: Actor):
    return CalendarVersion(
        calendar_id=row.id,
        version=number,
        valid_from=valid_from,
        spec=row.spec,
        timezone=row.timezone,
        country=row.country,
        subdivision=row.subdivision,
        custom_holidays=sorted(h.day.isoformat() for h in row.holidays),
        note=note[:200],
        created_by_id=actor.user_id,
    )


def _versions(session: Session, calendar_id: int) -> list[CalendarVersion]:
    return list(
        session.scalars(
            select(CalendarVersion)
            .where(CalendarVersion.calendar_id == calendar_id)
            .order_by(CalendarVersion.version)
        )
    )


def _check(row: CalendarRow) -> None:
    """The calendar as it now stands must build (so a bad change is refused, not stored)."""
    check_no_overlap(row.spec)
    Calendar.from_spec(row.spec, row.timezone, country=row.country, subdivision=row.subdivision)


def create_calendar(
    *,
    session: Session,
    actor: Actor,
    name: str,
    spec: str,
    timezone: str,
    country: str | None = None,
    subdivision: str | None = None,
) -> CalendarRow:
    """A new calendar (version 1, valid from the start of time: no ticket predates it)."""
    require(actor, PERMISSION)
    clean = " ".join((name or "").split())
    if not clean:
        raise ValueError("Give the calendar a name (e.g. 'UK office hours').")
    if session.scalar(select(CalendarRow.id).where(CalendarRow.name == clean)) is not None:
        raise ValueError(f"A calendar named {clean!r} already exists: change that one instead.")
    code, sub = _region(country, subdivision)
    row = CalendarRow(name=clean, spec=spec.strip(), timezone=_zone(timezone), country=code,
                      subdivision=sub)  # fmt: skip
    _check(row)
    session.add(row)
    session.flush()
    start = datetime(1970, 1, 1, tzinfo=UTC)
    session.add(_snapshot(row, 1, start, "created", actor))
    session.flush()
    audit.record(session=session, actor=actor, entity="calendar", entity_id=row.id,
                 action="create", field="spec", new=f"{row.spec} ({row.timezone})")  # fmt: skip
    return row


def change_calendar(
    *,
    session: Session,
    actor: Actor,
    calendar_id: int,
    spec: str | None = None,
    timezone: str | None = None,
    country: str | None = None,
    subdivision: str | None = None,
    add_holidays: dict[date, str] | None = None,
    remove_holidays: list[date] | None = None,
    valid_from: datetime | None = None,
    clear_region: bool = False,
) -> CalendarVersion:
    """Change a calendar from `valid_from` (default now): a new version; earlier tickets keep
    the version they were created under. Nothing is written when the change is refused."""
    require(actor, PERMISSION)
    row = _get(session, calendar_id)
    when = valid_from or datetime.now(UTC)
    if when.tzinfo is None:
        raise ValueError("valid_from must be an aware instant (UTC).")
    versions = _versions(session, row.id)
    if versions and when <= versions[-1].valid_from:
        raise ValueError(
            f"Version {versions[-1].version} is valid from {versions[-1].valid_from:%Y-%m-%d %H:%M}"
            " UTC: a change must be valid after it."
        )
    notes = []
    new_spec = row.spec if spec is None else spec.strip()
    new_tz = row.timezone if timezone is None else _zone(timezone)
    if clear_region:
        code, sub = None, None
    elif country is not None or subdivision is not None:
        code, sub = _region(country if country is not None else row.country, subdivision)
    else:
        code, sub = row.country, row.subdivision
    check_no_overlap(new_spec)
    Calendar.from_spec(new_spec, new_tz, country=code, subdivision=sub)
    for what, old, new in (
        ("hours", row.spec, new_spec),
        ("zone", row.timezone, new_tz),
        ("region", f"{row.country}/{row.subdivision}", f"{code}/{sub}"),
    ):
        if old != new:
            notes.append(f"{what} {old} -> {new}")  # fmt: skip
    if not versions:  # never changed: what it was until now becomes version 1
        session.add(_snapshot(row, 1, datetime(1970, 1, 1, tzinfo=UTC), "as first stored", actor))
    row.spec, row.timezone, row.country, row.subdivision = new_spec, new_tz, code, sub
    have = {h.day: h for h in row.holidays}
    for day, name in sorted((add_holidays or {}).items()):
        if day not in have:
            row.holidays.append(CalendarHoliday(day=day, name=(name or "Holiday")[:120]))
            notes.append(f"holiday {day} added")
    for day in remove_holidays or []:
        if day not in have:
            raise ValueError(f"{day} is not one of this calendar's own holidays.")
        row.holidays.remove(have[day])
        notes.append(f"holiday {day} removed")
    if not notes:
        raise ValueError("Nothing to change: the calendar already says that.")
    number = (versions[-1].version if versions else 1) + 1
    session.flush()
    version = _snapshot(row, number, when, "; ".join(notes), actor)
    session.add(version)
    session.flush()
    audit.record(session=session, actor=actor, entity="calendar", entity_id=row.id,
                 action="update", field=f"version {number}", new="; ".join(notes))  # fmt: skip
    return version


def calendars_frame(*, session: Session, actor: Actor) -> pd.DataFrame:
    require(actor, PERMISSION)
    rows = session.scalars(
        select(CalendarRow).options(selectinload(CalendarRow.holidays)).order_by(CalendarRow.name)
    ).all()
    counts = dict(
        session.execute(
            select(CalendarVersion.calendar_id, func.count()).group_by(CalendarVersion.calendar_id)
        ).all()
    )
    return pd.DataFrame(
        [
            {"id": r.id, "name": r.name, "hours": r.spec, "zone": r.timezone,
             "holidays of": "/".join(x for x in (r.country, r.subdivision) if x) or "-",
             "own dates": len(r.holidays), "versions": counts.get(r.id, 1)}
            for r in rows
        ],
        columns=["id", "name", "hours", "zone", "holidays of", "own dates", "versions"],
    )  # fmt: skip


def calendar_detail(*, session: Session, actor: Actor, calendar_id: int, year: int) -> dict:
    """The calendar, its versions and its holidays of `year` (package days and own dates)."""
    require(actor, PERMISSION)
    row = _get(session, calendar_id)
    cal = Calendar.from_spec(
        row.spec, row.timezone, country=row.country, subdivision=row.subdivision,
        extra_holidays=[h.day for h in row.holidays], years=[year],
    )  # fmt: skip
    names = {}
    if row.country:
        names.update(
            holidays_lib.country_holidays(row.country, subdiv=row.subdivision, years=[year])
        )
    names.update({h.day: f"{h.name} (own date)" for h in row.holidays})
    holidays = pd.DataFrame(
        [{"day": d, "weekday": f"{d:%a}", "name": names.get(d, "")}
         for d in sorted(d for d in cal.holidays if d.year == year)],
        columns=["day", "weekday", "name"],
    )  # fmt: skip
    versions = pd.DataFrame(
        [{"version": v.version, "valid_from": v.valid_from, "hours": v.spec, "zone": v.timezone,
          "region": "/".join(x for x in (v.country, v.subdivision) if x) or "-", "note": v.note}
         for v in _versions(session, row.id)],
        columns=["version", "valid_from", "hours", "zone", "region", "note"],
    )  # fmt: skip
    return {
        "id": row.id, "name": row.name, "describe": cal.describe(year=year),
        "spec": row.spec, "timezone": row.timezone, "country": row.country,
        "subdivision": row.subdivision, "holidays": holidays, "versions": versions,
    }  # fmt: skip
