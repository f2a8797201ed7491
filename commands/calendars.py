"""`calendars list|show|create|set-hours|set-zone|set-region|add-holiday|remove-holiday`."""

from __future__ import annotations

import sys
from datetime import date, datetime


def _run(fn) -> int:
    from access.roles import SYSTEM
    from db.engine import open_store, session_scope

    try:
        with session_scope(open_store()) as s:
            print(fn(s, SYSTEM))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--from {text!r}: use an ISO instant, e.g. 2027-01-01T00:00+00:00"
        ) from None
    if at.tzinfo is None:
        raise ValueError(f"--from {text!r} has no offset: add one (e.g. +00:00).")
    return at


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD).") from None


def cal_list(args) -> int:
    from db.calendars import calendars_frame

    def go(s, actor):
        frame = calendars_frame(session=s, actor=actor)
        return frame.to_string(index=False) if len(frame) else "No calendars."

    return _run(go)


def cal_show(args) -> int:
    from db.calendars import calendar_detail

    def go(s, actor):
        d = calendar_detail(session=s, actor=actor, calendar_id=args.id, year=args.year)
        out = [f"{d['id']} {d['name']}: {d['describe']}", "", "Versions:"]
        out.append(d["versions"].to_string(index=False) if len(d["versions"]) else "  (none)")
        out += ["", f"Holidays {args.year}:"]
        out.append(d["holidays"].to_string(index=False) if len(d["holidays"]) else "  (none)")
        return "\n".join(out)

    return _run(go)


def cal_create(args) -> int:
    from db.calendars import create_calendar

    def go(s, actor):
        row = create_calendar(session=s, actor=actor, name=args.name, spec=args.hours,
                              timezone=args.zone, country=args.country,
                              subdivision=args.subdivision)  # fmt: skip
        return f"Calendar {row.id} {row.name!r} created."

    return _run(go)


def _change(args, **change) -> int:
    from db.calendars import change_calendar

    def go(s, actor):
        v = change_calendar(session=s, actor=actor, calendar_id=args.id,
                            valid_from=_when(args.valid_from), **change)  # fmt: skip
        since = f"{v.valid_from:%Y-%m-%d %H:%M} UTC"
        return f"Calendar {args.id} version {v.version} valid from {since}: {v.note}."

    return _run(go)


def cal_set_hours(args) -> int:
    return _change(args, spec=args.hours)


def cal_set_zone(args) -> int:
    return _change(args, timezone=args.zone)


def cal_set_region(args) -> int:
    if args.none:
        return _change(args, clear_region=True)
    return _change(args, country=args.country, subdivision=args.subdivision or "")


def cal_add_holiday(args) -> int:
    try:
        day = _day(args.day)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return _change(args, add_holidays={day: args.name})


def cal_remove_holiday(args) -> int:
    try:
        day = _day(args.day)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return _change(args, remove_holidays=[day])


def register(sub, commands) -> None:
    cal = sub.add_parser("calendars", help="coverage calendars").add_subparsers(
        dest="cmd", required=True
    )
    cal.add_parser("list", help="every calendar")
    commands["calendars list"] = cal_list
    p = cal.add_parser("show", help="one calendar: hours, versions, a year's holidays")
    p.add_argument("id", type=int)
    p.add_argument("--year", type=int, default=date.today().year)
    commands["calendars show"] = cal_show
    p = cal.add_parser("create", help="a new calendar")
    p.add_argument("--name", required=True)
    p.add_argument("--hours", required=True, help="'8x5', 'Mon-Fri 08:00-12:00, 13:00-18:00'")
    p.add_argument("--zone", required=True, help="IANA zone, e.g. Europe/London")
    p.add_argument("--country", help="holidays of this country (ISO code, e.g. GB)")
    p.add_argument("--subdivision", help="and subdivision (e.g. SCT, NY)")
    commands["calendars create"] = cal_create

    def change(name: str, help_text: str):
        q = cal.add_parser(name, help=help_text + " (a new version; earlier tickets keep theirs)")
        q.add_argument("id", type=int)
        q.add_argument("--from", dest="valid_from", help="valid from (ISO instant; default now)")
        return q

    p = change("set-hours", "change the weekly hours")
    p.add_argument("hours")
    commands["calendars set-hours"] = cal_set_hours
    p = change("set-zone", "change the time zone")
    p.add_argument("zone")
    commands["calendars set-zone"] = cal_set_zone
    p = change("set-region", "change whose public holidays apply")
    p.add_argument("--country")
    p.add_argument("--subdivision")
    p.add_argument("--none", action="store_true", help="no public holidays")
    commands["calendars set-region"] = cal_set_region
    p = change("add-holiday", "add an own date (office closure)")
    p.add_argument("day", help="YYYY-MM-DD")
    p.add_argument("--name", default="Office closed")
    commands["calendars add-holiday"] = cal_add_holiday
    p = change("remove-holiday", "remove an own date")
    p.add_argument("day", help="YYYY-MM-DD")
    commands["calendars remove-holiday"] = cal_remove_holiday
