"""Coverage calendar: weekly hours in an IANA zone minus holidays, and business time over it.

Business time is computed from a per-calendar table of covered windows in UTC, with the
cumulative covered time before each window. Elapsed business time between a and b is then
F(b) - F(a), and a due time is F^-1(F(start) + target), both one `numpy.searchsorted` away.
Windows are converted to UTC one by one, so DST is exact (a 24x7 weekend across the spring
change is 47 h). All arithmetic is on int64 microseconds: exact, no float drift.

Conventions:
- windows are half-open [open, close): an instant at closing time is not covered;
- F^-1 returns the earliest instant with a given clock value, so a due time that lands on
  closing time is that closing time, not the next opening (the pandas CustomBusinessHour
  pitfall);
- naive numpy/pandas arrays are read as UTC; scalar datetimes must be aware.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib
import numpy as np
import pandas as pd

from sla.coverage_spec import WeekHours, describe_hours, normalise_hours, parse_spec

US = 1_000_000  # microseconds per second
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_YEARS = range(2015, 2036)


class CalendarRangeError(ValueError):
    """An instant lies outside the years a calendar's window table was built for."""


@dataclass(frozen=True)
class _Table:
    starts: np.ndarray  # int64 us, sorted, non-overlapping
    ends: np.ndarray
    cum: np.ndarray  # covered us before each window
    cum_end: np.ndarray  # covered us up to each window's end
    lo: int  # first instant of the range (local Jan 1 of first_year)
    hi: int  # end of the range (local Jan 1 after last_year)


@dataclass(frozen=True)
class Calendar:
    """Weekly open hours (Mon=0; minutes since local midnight) in `tz`, minus `holidays`.

    `first_year`..`last_year` bound the window table; instants outside raise
    CalendarRangeError rather than silently counting as uncovered.
    """

    tz: str
    hours: WeekHours
    holidays: frozenset[date] = frozenset()
    first_year: int = DEFAULT_YEARS.start
    last_year: int = DEFAULT_YEARS.stop - 1
    _table: _Table | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"Unknown time zone '{self.tz}' (use an IANA name)") from exc
        if self.first_year > self.last_year:
            raise ValueError(f"first_year {self.first_year} is after last_year {self.last_year}")
        object.__setattr__(self, "hours", normalise_hours(self.hours))
        if not any(self.hours):
            raise ValueError("Coverage hours are empty: a calendar needs at least one window")
        object.__setattr__(self, "holidays", frozenset(self.holidays))

    @classmethod
    def from_spec(
        cls,
        spec: str,
        tz: str,
        *,
        country: str | None = None,
        subdivision: str | None = None,
        extra_holidays: Iterable[date | str] = (),
        years: Iterable[int] = DEFAULT_YEARS,
    ) -> Calendar:
        """Build from "8x5"/"24x7"/... or "Mon-Fri 08:00-18:00; Sat 09:00-13:00".

        Holidays of `country`/`subdivision` (the `holidays` package, observed days included)
        are resolved now for `years` and stored as explicit dates, so a package upgrade or a
        region mix-up cannot silently change an existing contract's clock.
        """
        year_list = sorted(set(years))
        if not year_list:
            raise ValueError("years must not be empty")
        days: set[date] = {
            d if isinstance(d, date) else date.fromisoformat(d) for d in extra_holidays
        }
        if country:
            try:
                found = holidays_lib.country_holidays(country, subdiv=subdivision, years=year_list)
            except NotImplementedError as exc:
                raise ValueError(
                    f"Unknown holiday country/subdivision {country}/{subdivision}"
                ) from exc
            days.update(found.keys())
        return cls(tz, parse_spec(spec), frozenset(days), year_list[0], year_list[-1])

    # ---- table -------------------------------------------------------------------------

    @property
    def table(self) -> _Table:
        """The window table, built once per calendar on first use (a few ms)."""
        if self._table is None:
            object.__setattr__(self, "_table", self._build())
        assert self._table is not None
        return self._table

    def _build(self) -> _Table:
        first = np.datetime64(f"{self.first_year}-01-01", "D")
        after = np.datetime64(f"{self.last_year + 1}-01-01", "D")
        days = np.arange(first, after)
        weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
        off = np.isin(days, np.array(sorted(self.holidays), dtype="datetime64[D]"))
        local_starts, local_ends = [], []
        for wd, windows in enumerate(self.hours):
            open_days = days[(weekday == wd) & ~off].astype("datetime64[m]")
            for start, end in windows:
                local_starts.append(open_days + np.timedelta64(start, "m"))
                local_ends.append(open_days + np.timedelta64(end, "m"))
        starts = self._to_utc(np.concatenate(local_starts or [days[:0]]), earliest=True)
        ends = self._to_utc(np.concatenate(local_ends or [days[:0]]), earliest=False)
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
        keep = ends > starts
        starts, ends = starts[keep], ends[keep]
        if len(starts):  # merge windows that touch or overlap (24x7 becomes one window)
            reach = np.maximum.accumulate(ends)
            new = np.concatenate([[True], starts[1:] > reach[:-1]])
            ends = np.maximum.reduceat(ends, np.flatnonzero(new))
            starts = starts[new]
        lengths = ends - starts
        cum_end = np.cumsum(lengths)
        bounds = self._to_utc(np.array([first, after], dtype="datetime64[m]"), earliest=True)
        return _Table(starts, ends, cum_end - lengths, cum_end, int(bounds[0]), int(bounds[1]))

    def _to_utc(self, local: np.ndarray, *, earliest: bool) -> np.ndarray:
        """Local wall times -> UTC us. Gaps move to the change; repeated hours pick a side."""
        index = pd.DatetimeIndex(local.astype("datetime64[s]"))
        kwargs = {"nonexistent": "shift_forward"}
        a = index.tz_localize(self.tz, ambiguous=np.ones(len(index), bool), **kwargs)
        b = index.tz_localize(self.tz, ambiguous=np.zeros(len(index), bool), **kwargs)
        a_us, b_us = a.as_unit("us").asi8, b.as_unit("us").asi8
        return np.minimum(a_us, b_us) if earliest else np.maximum(a_us, b_us)

    def _check(self, t: np.ndarray) -> None:
        table = self.table
        if len(t) and (t.min() < table.lo or t.max() > table.hi):
            bad = t[(t < table.lo) | (t > table.hi)][0]
            raise CalendarRangeError(
                f"{_from_us(int(bad)).isoformat()} is outside this calendar's range "
                f"{self.first_year}-{self.last_year}; build it with wider years"
            )

    # ---- the clock F and its inverse, on int64 microseconds -----------------------------

    def clock_us(self, t: np.ndarray) -> np.ndarray:
        """F(t): covered microseconds from the start of the table to each instant t (us)."""
        t = np.asarray(t, dtype=np.int64)
        self._check(t)
        table = self.table
        if not len(table.starts):
            return np.zeros_like(t)
        i = np.searchsorted(table.starts, t, side="right") - 1
        j = np.maximum(i, 0)
        inside = np.minimum(t - table.starts[j], table.ends[j] - table.starts[j])
        return np.where(i < 0, 0, table.cum[j] + inside)

    def instant_us(self, clock: np.ndarray) -> np.ndarray:
        """F^-1: the earliest instant (us) whose clock value is `clock`."""
        clock = np.asarray(clock, dtype=np.int64)
        table = self.table
        total = int(table.cum_end[-1]) if len(table.cum_end) else 0
        if len(clock) and clock.max() > total:
            raise CalendarRangeError(
                f"A due time falls after the end of this calendar's range "
                f"{self.first_year}-{self.last_year}; build it with wider years"
            )
        i = np.minimum(np.searchsorted(table.cum_end, clock, side="left"), len(table.starts) - 1)
        out = table.starts[i] + (clock - table.cum[i])
        return np.where(clock <= 0, table.lo, out)

    # ---- vectorized public forms ---------------------------------------------------------

    def business_seconds_many(self, starts: object, ends: object) -> np.ndarray:
        """Covered seconds between paired instants (float, sign kept, NaN for NaT)."""
        a, a_nat = to_us(starts)
        b, b_nat = to_us(ends)
        nat = a_nat | b_nat
        diff = self.clock_us(np.where(nat, self.table.lo, b)) - self.clock_us(
            np.where(nat, self.table.lo, a)
        )
        return np.where(nat, np.nan, diff / US)

    def add_business_seconds_many(self, starts: object, seconds: object) -> pd.DatetimeIndex:
        """Instants reached after `seconds` covered seconds from each start (UTC; NaT kept)."""
        a, nat = to_us(starts)
        secs = np.asarray(seconds, dtype=np.float64)
        nat = nat | np.isnan(secs)
        a = np.where(nat, self.table.lo, a)
        amount = np.round(np.where(nat, 0, secs) * US).astype(np.int64)
        out = self.instant_us(self.clock_us(a) + amount)
        out = np.where(amount >= 0, np.maximum(out, a), out)
        return from_us_many(np.where(nat, np.iinfo(np.int64).min, out))

    def is_covered_many(self, instants: object) -> np.ndarray:
        """True where the instant lies inside an open window (NaT -> False)."""
        t, nat = to_us(instants)
        t = np.where(nat, self.table.lo, t)
        self._check(t)
        table = self.table
        i = np.searchsorted(table.starts, t, side="right") - 1
        j = np.maximum(i, 0)
        return (i >= 0) & (t < table.ends[j]) & ~nat if len(table.starts) else np.zeros_like(nat)

    def next_covered_many(self, instants: object) -> pd.DatetimeIndex:
        """Each instant if covered, else the next opening (NaT stays NaT)."""
        t, nat = to_us(instants)
        t = np.where(nat, self.table.lo, t)
        covered = self.is_covered_many(t.astype("datetime64[us]"))
        table = self.table
        k = np.searchsorted(table.starts, t, side="right")
        if np.any(~covered & ~nat & (k >= len(table.starts))):
            raise CalendarRangeError(f"No opening before the end of {self.last_year}")
        nxt = table.starts[np.minimum(k, len(table.starts) - 1)]
        out = np.where(covered, t, nxt)
        return from_us_many(np.where(nat, np.iinfo(np.int64).min, out))

    # ---- scalar conveniences ---------------------------------------------------------------

    def business_minutes(self, start: datetime, end: datetime) -> float:
        """Covered minutes from start to end; negative when end < start."""
        a, b = self.clock_us(np.array([as_us(start), as_us(end)]))
        return (int(b) - int(a)) / (60 * US)

    def add_business_minutes(self, start: datetime, minutes: float) -> datetime:
        """The instant `minutes` covered minutes after start (aware, UTC)."""
        return self.add_business_seconds_many(
            np.array([as_us(start)], "datetime64[us]"), [minutes * 60]
        )[0].to_pydatetime()

    def is_covered(self, t: datetime) -> bool:
        """Whether the instant is inside coverage (closing time itself is not)."""
        return bool(self.is_covered_many(np.array([as_us(t)], "datetime64[us]"))[0])

    def next_covered_instant(self, t: datetime) -> datetime:
        """t itself when covered, else the next opening (UTC)."""
        return self.next_covered_many(np.array([as_us(t)], "datetime64[us]"))[0].to_pydatetime()

    def holidays_in(self, year: int | None = None) -> list[date]:
        """Holidays that remove coverage (fall on a day with open hours), optionally one year."""
        return sorted(
            d for d in self.holidays if self.hours[d.weekday()] and (year is None or d.year == year)
        )

    def describe(self, *, year: int | None = None) -> str:
        """'Mon–Fri 08:00–18:00 (Europe/London), excl. 8 holidays' (holidays on open days)."""
        text = f"{describe_hours(self.hours)} ({self.tz})"
        n = len(self.holidays_in(year))
        if n:
            text += f", excl. {n} holiday{'s' if n != 1 else ''}"
            if year is not None:
                text += f" in {year}"
        return text


def as_us(t: datetime) -> int:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"Naive datetime {t.isoformat()}: pass an aware datetime (store UTC)")
    return (t - _EPOCH) // timedelta(microseconds=1)


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def to_us(values: object) -> tuple[np.ndarray, np.ndarray]:
    """Instants (Series, DatetimeIndex, datetime64 array, list of aware datetimes) -> UTC us."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "i":
        return values.astype(np.int64), np.zeros(len(values), bool)
    index = pd.DatetimeIndex(values if not isinstance(values, Sequence) else list(values))
    if index.tz is not None:
        index = index.tz_convert("UTC")
    us = index.as_unit("us").asi8
    return us, np.asarray(index.isna())


def from_us_many(us: np.ndarray) -> pd.DatetimeIndex:
    """UTC microseconds (int64 min = NaT) -> aware DatetimeIndex."""
    return pd.DatetimeIndex(np.asarray(us, np.int64).view("datetime64[us]")).tz_localize("UTC")
