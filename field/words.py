"""Plain-words SLA lines for a technician on site (pure)."""

from __future__ import annotations


def duration_words(minutes: int, *, business: bool) -> str:
    """'1 business hour', '30 minutes', '2 business days' (8-hour business day)."""
    unit_day = 8 * 60 if business else 24 * 60
    kind = "business " if business else ""
    if minutes % unit_day == 0 and minutes >= unit_day:
        n = minutes // unit_day
        return f"{n} {kind}day{'s' if n != 1 else ''}"
    if minutes % 60 == 0 and minutes >= 60:
        n = minutes // 60
        return f"{n} {kind}hour{'s' if n != 1 else ''}"
    return f"{minutes} {kind}minute{'s' if minutes != 1 else ''}"


def sla_line(priority: str, response: int, resolution: int, coverage: str, *, is_24x7: bool) -> str:
    """'P1: respond within 1 business hour, resolve within 1 business day (Mon–Fri 08:00–18:00)'."""
    business = not is_24x7
    where = "24x7" if is_24x7 else coverage
    return (
        f"{priority}: respond within {duration_words(response, business=business)}, "
        f"resolve within {duration_words(resolution, business=business)} ({where})"
    )
