"""Contract date arithmetic: notice deadlines and auto-renewal roll-forward.

Two conventions, chosen on purpose:

- **Notice deadline** = end date minus the notice period. Months use
  ``dateutil.relativedelta``, which clamps to the month's last day (31 May - 3 months =
  28 Feb, or 29 Feb in a leap year). It never snaps *forward* to a month end: when in
  doubt the earlier deadline is the safe one (30 Jun - 3 months = 30 Mar, not 31 Mar).
- **Renewal roll-forward** keeps month-end contracts at month end: a term ending 28 Feb
  2027 renews to 29 Feb 2028, one ending 31 Jan renews month by month to 28 Feb, 31 Mar,
  ... Each roll is computed from the original end date (end + k x term), never chained,
  so clamping cannot drift the day (31 Jan -> 28 Feb -> 28 Mar would be wrong).

The scalar functions are the reference; the ``*_array`` versions are their numpy
equivalents for whole DataFrames and are tested against them.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import numpy as np
from dateutil.relativedelta import relativedelta


def is_month_end(day: date) -> bool:
    """True when ``day`` is the last day of its month."""
    return day.day == calendar.monthrange(day.year, day.month)[1]


def notice_deadline(
    end_date: date, *, notice_days: int | None = None, notice_months: int | None = None
) -> date:
    """Last day to give notice of non-renewal: end date minus the notice period."""
    if (notice_days is None) == (notice_months is None):
        raise ValueError("give exactly one of notice_days or notice_months")
    if notice_days is not None:
        return end_date - timedelta(days=notice_days)
    return end_date - relativedelta(months=notice_months)


def roll_end(end_date: date, months: int) -> date:
    """End date ``months`` later, keeping month-end contracts at month end."""
    rolled = end_date + relativedelta(months=months)
    if is_month_end(end_date):
        rolled = rolled.replace(day=calendar.monthrange(rolled.year, rolled.month)[1])
    return rolled


# --- numpy equivalents (datetime64[D] arrays) -------------------------------------------


def add_months_array(
    days: np.ndarray, months: np.ndarray, snap_month_end: np.ndarray
) -> np.ndarray:
    """Vectorised ``relativedelta(months=...)`` with optional snapping to month end."""
    month = days.astype("datetime64[M]")
    day_index = (days - month.astype("datetime64[D]")).astype(np.int64)
    target = month + months.astype("timedelta64[M]")
    target_first = target.astype("datetime64[D]")
    month_length = ((target + 1).astype("datetime64[D]") - target_first).astype(np.int64)
    day_index = np.minimum(day_index, month_length - 1)
    day_index = np.where(snap_month_end, month_length - 1, day_index)
    return target_first + day_index.astype("timedelta64[D]")


def is_month_end_array(days: np.ndarray) -> np.ndarray:
    """Element-wise :func:`is_month_end`."""
    return (days + 1).astype("datetime64[M]") != days.astype("datetime64[M]")


def notice_deadline_array(
    end: np.ndarray, notice_days: np.ndarray, notice_months: np.ndarray, use_months: np.ndarray
) -> np.ndarray:
    """Element-wise :func:`notice_deadline`; ``use_months`` picks the months column."""
    by_days = end - notice_days.astype("timedelta64[D]")
    no_snap = np.zeros(len(end), dtype=bool)
    by_months = add_months_array(end, -notice_months, no_snap)
    return np.where(use_months, by_months, by_days)


def roll_end_array(end: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Element-wise :func:`roll_end`."""
    return add_months_array(end, months, is_month_end_array(end))
