"""Coverage calendars from the store as `sla.Calendar` objects (holidays exactly as stored)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import Calendar as CalendarRow
from sla import Calendar

ALWAYS = "24x7"


def load_calendars(*, session: Session) -> dict[int | str, Calendar]:
    """Calendar id -> Calendar, plus the key "24x7" (UTC) for round-the-clock targets."""
    out: dict[int | str, Calendar] = {ALWAYS: Calendar.from_spec("24x7", "UTC")}
    rows = session.scalars(select(CalendarRow).options(selectinload(CalendarRow.holidays)))
    for row in rows:
        out[row.id] = Calendar.from_spec(
            row.spec, row.timezone, extra_holidays=[h.day for h in row.holidays]
        )
    return out
