"""Plain words for a technician on site: SLA targets and durations (pure).

Business durations are said in hours, never "business days": a day of coverage is 9 hours on
one calendar and 12 on another, so "1 business day" would be a guess. Wall-clock (24x7)
targets may use days when they divide evenly.
"""

from __future__ import annotations


def duration_words(minutes: int, *, business: bool) -> str:
    """'30 minutes', '1 business hour', '2.5 business hours', '3 days' (24x7 only)."""
    kind = "business " if business else ""
    if not business and minutes >= 1440 and minutes % 1440 == 0:
        n = minutes // 1440
        return f"{n} day{'s' if n != 1 else ''}"
    if minutes >= 60 and minutes % 30 == 0:
        hours = minutes / 60
        text = f"{hours:g}"
        return f"{text} {kind}hour{'s' if hours != 1 else ''}"
    return f"{minutes} {kind}minute{'s' if minutes != 1 else ''}"


def sla_line(priority: str, response: int, resolution: int, coverage: str, *, is_24x7: bool) -> str:
    """'P1: respond within 1 business hour, resolve within 8 business hours, Mon–Fri 08:00–18:00'.

    ``coverage`` is the calendar's own description (``sla.Calendar.describe``); a 24x7 target
    is wall time whatever the contract's calendar says.
    """
    business = not is_24x7
    where = "24x7" if is_24x7 else coverage
    return (
        f"{priority}: respond within {duration_words(response, business=business)}, "
        f"resolve within {duration_words(resolution, business=business)}, {where}"
    )
