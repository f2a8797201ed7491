"""Coverage-hours text: parse "8x5" or "Mon-Fri 08:00-18:00; Sat 09:00-13:00", describe back.

Weekly hours are kept as 7 tuples (Mon=0) of (start, end) minutes since local midnight,
end up to 1440 (24:00). Overnight text such as "Mon-Fri 22:00-06:00" is split over two days,
so every stored window lies inside one local day: that is what lets the calendar convert
each window to UTC on its own and stay exact across DST changes.
"""

from __future__ import annotations

import re
from datetime import time as dt_time

WeekHours = tuple[tuple[tuple[int, int], ...], ...]

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_ALIASES = {
    **{name.lower(): i for i, name in enumerate(DAY_NAMES)},
    **{
        full: i
        for i, full in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    "tues": 1,
    "thur": 3,
    "thurs": 3,
}
_ALL_DAYS = ("daily", "everyday", "every day", "mon-sun", "all")

# Preset -> (days, start minute, end minute). "8x5" is the classic 09:00-17:00 office day.
PRESETS: dict[str, tuple[tuple[int, ...], int, int]] = {
    "24x7": (tuple(range(7)), 0, 1440),
    "8x5": (tuple(range(5)), 9 * 60, 17 * 60),
    "9x5": (tuple(range(5)), 8 * 60, 17 * 60),
    "10x5": (tuple(range(5)), 8 * 60, 18 * 60),
    "12x5": (tuple(range(5)), 7 * 60, 19 * 60),
    "8x6": (tuple(range(6)), 9 * 60, 17 * 60),
    "12x7": (tuple(range(7)), 7 * 60, 19 * 60),
}

_DASH = re.compile(r"\s*[-–—]\s*|\s+to\s+", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")
_RANGE = re.compile(r"(\d{1,2}(?::\d{2})?)\s*(?:-|–|—|to)\s*(\d{1,2}(?::\d{2})?)")


def _minutes(text: str, spec: str) -> int:
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"Cannot read time '{text}' in coverage spec '{spec}' (use HH:MM)")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise ValueError(f"Time '{text}' out of range in coverage spec '{spec}'")
    return hour * 60 + minute


def _day(text: str, spec: str) -> int:
    key = text.strip().lower().rstrip(".")
    if key not in _DAY_ALIASES:
        raise ValueError(f"Unknown day '{text.strip()}' in coverage spec '{spec}' (use Mon..Sun)")
    return _DAY_ALIASES[key]


def _days(text: str, spec: str) -> list[int]:
    """'Mon-Fri', 'Mon, Wed, Fri', 'Sat', 'Fri-Mon' (wraps), 'daily'."""
    text = text.strip()
    if not text:
        raise ValueError(
            f"Unknown coverage spec '{spec}': name the days, e.g. 'Mon-Fri 08:00-18:00', "
            f"or use a preset ({', '.join(PRESETS)})"
        )
    if text.lower() in _ALL_DAYS:
        return list(range(7))
    days: list[int] = []
    for part in re.split(r"\s*[,/&]\s*|\s+and\s+", text, flags=re.IGNORECASE):
        ends = _DASH.split(part)
        if len(ends) == 1:
            days.append(_day(ends[0], spec))
        elif len(ends) == 2:
            first, last = _day(ends[0], spec), _day(ends[1], spec)
            days.extend((first + k) % 7 for k in range((last - first) % 7 + 1))
        else:
            raise ValueError(f"Cannot read days '{part}' in coverage spec '{spec}'")
    return days


def _normalise(per_day: list[list[tuple[int, int]]]) -> WeekHours:
    """Sort and merge overlapping or touching windows of each day."""
    week = []
    for windows in per_day:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(windows):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        week.append(tuple(merged))
    return tuple(week)


def _to_minute(value: object) -> int:
    """Minutes since midnight from an int, a datetime.time or 'HH:MM' (24:00 allowed)."""
    if isinstance(value, dt_time):
        return value.hour * 60 + value.minute
    if isinstance(value, str):
        return _minutes(value, value)
    return int(value)  # type: ignore[call-overload]


def normalise_hours(hours: object) -> WeekHours:
    """Validate 7 days of (start, end) pairs (minutes, time or 'HH:MM'); merge overlaps."""
    days = list(hours)  # type: ignore[call-overload]
    if len(days) != 7:
        raise ValueError(f"Weekly hours need 7 days (Mon..Sun), got {len(days)}")
    per_day: list[list[tuple[int, int]]] = []
    for i, windows in enumerate(days):
        checked = []
        for start, end in windows:
            a, b = _to_minute(start), _to_minute(end)
            if not (0 <= a < b <= 1440):
                raise ValueError(
                    f"Window {start}-{end} on {DAY_NAMES[i]} must open before it closes"
                )
            checked.append((a, b))
        per_day.append(checked)
    return _normalise(per_day)


def parse_spec(spec: str) -> WeekHours:
    """Turn a preset name or explicit text into weekly hours; ValueError says what is wrong."""
    return _normalise(_windows(spec))


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def check_no_overlap(spec: str) -> WeekHours:
    """parse_spec, refusing windows of one day that overlap (touching is fine): a managed
    calendar says each hour once, so a typo like 08:00-18:00, 12:00-20:00 is caught."""
    for day, windows in enumerate(_windows(spec)):
        ordered = sorted(windows)
        for (s1, e1), (s2, e2) in zip(ordered, ordered[1:], strict=False):
            if s2 < e1:
                raise ValueError(
                    f"Overlapping windows on {DAY_NAMES[day]}: {_hhmm(s1)}-{_hhmm(e1)} and "
                    f"{_hhmm(s2)}-{_hhmm(e2)} in '{spec}'; "
                    "give each hour once (e.g. 08:00-12:00, 13:00-18:00)"
                )
    return parse_spec(spec)


def _windows(spec: str) -> list[list[tuple[int, int]]]:
    """Each day's windows as written (not merged)."""
    text = spec.strip()
    preset = PRESETS.get(text.lower().replace(" ", ""))
    per_day: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    if preset:
        days, start, end = preset
        for day in days:
            per_day[day].append((start, end))
        return per_day
    if not text:
        raise ValueError("Empty coverage spec: use a preset such as '8x5' or 'Mon-Fri 08:00-18:00'")
    for clause in filter(None, (c.strip() for c in re.split(r"[;\n]", text))):
        match = _RANGE.search(clause)
        if not match:
            raise ValueError(
                f"Unknown coverage spec '{spec}': use a preset ({', '.join(PRESETS)}) "
                "or text like 'Mon-Fri 08:00-18:00; Sat 09:00-13:00'"
            )
        days = _days(clause[: match.start()], spec)
        ranges = clause[match.start() :]
        for start_text, end_text in _RANGE.findall(ranges):
            start, end = _minutes(start_text, spec), _minutes(end_text, spec)
            if start == end and start % 1440 == 0:
                start, end = 0, 1440  # "00:00-00:00" and "00:00-24:00" both mean all day
            if start == end:
                raise ValueError(f"Empty window {start_text}-{end_text} in coverage spec '{spec}'")
            for day in days:
                if end > start:
                    per_day[day].append((start, end))
                else:  # overnight: split at local midnight
                    per_day[day].append((start, 1440))
                    if end:
                        per_day[(day + 1) % 7].append((0, end))
        leftover = _RANGE.sub("", ranges).strip(" ,")
        if leftover:
            raise ValueError(f"Cannot read '{leftover}' in coverage spec '{spec}'")
    return per_day


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def describe_hours(hours: WeekHours) -> str:
    """Plain words: 'Mon–Fri 08:00–18:00; Sat 09:00–13:00', '24x7', 'no coverage'."""
    if all(day == ((0, 1440),) for day in hours):
        return "24x7"
    groups: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
    for i, windows in enumerate(hours):
        if groups and groups[-1][2] == windows and groups[-1][1] == i - 1:
            groups[-1] = (groups[-1][0], i, windows)
        else:
            groups.append((i, i, windows))
    parts = []
    for first, last, windows in groups:
        if not windows:
            continue
        days = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]}–{DAY_NAMES[last]}"
        times = ", ".join(f"{_hhmm(s)}–{_hhmm(e)}" for s, e in windows)
        parts.append(f"{days} {times}")
    return "; ".join(parts) or "no coverage"
