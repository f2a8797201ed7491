"""The bulk clock's one-table lookups give exactly what each calendar's own clock gives.

`sla.clock._Combined` lays every calendar's window table on one axis and searches it through
buckets (`_Sorted`); `_by_ticket_then_start` replaces a lexsort. These compare each with the
plain form it replaced, on calendars that stress it (DST zones, 24x7, overnight, split days).
"""

import numpy as np
import pandas as pd
import pytest

from sla.calendar import Calendar, CalendarRangeError
from sla.clock import _by_ticket_then_start, _Combined, _Sorted, evaluate

YEARS = range(2023, 2027)
CALENDARS = [
    Calendar.from_spec("Mon-Fri 08:00-18:00", "Europe/London", country="GB", years=YEARS),
    Calendar.from_spec("24x7", "America/New_York", country="US", years=YEARS),
    Calendar.from_spec("Mon-Fri 22:00-06:00", "Europe/Warsaw", country="PL", years=YEARS),
    Calendar.from_spec("Mon-Fri 08:00-12:00, 13:00-17:00", "Europe/Paris", years=YEARS),
    Calendar.from_spec("Sun-Thu 08:00-17:00", "Asia/Jerusalem", country="IL", years=YEARS),
    Calendar.from_spec("10x5", "Australia/Sydney", country="AU", years=YEARS),
]


def _instants(cal: Calendar, rng: np.random.Generator, n: int) -> np.ndarray:
    """Random instants plus every window edge (and one microsecond either side)."""
    table = cal.table
    edges = np.concatenate([table.starts, table.ends, [table.lo, table.hi]])
    around = np.concatenate([edges, edges - 1, edges + 1])
    around = around[(around >= table.lo) & (around <= table.hi)]
    return np.concatenate([rng.integers(table.lo, table.hi + 1, n), around])


def test_combined_clock_and_inverse_equal_each_calendars_own() -> None:
    rng = np.random.default_rng(5)
    combined = _Combined(CALENDARS)
    codes, times, clocks = [], [], []
    for k, cal in enumerate(CALENDARS):
        t = _instants(cal, rng, 20_000)
        total = int(cal.table.cum_end[-1])
        c = np.concatenate([rng.integers(-5, total + 1, 20_000), cal.table.cum_end, [0, total]])
        codes.append((np.full(len(t), k), np.full(len(c), k)))
        times.append(t)
        clocks.append(c)
        assert np.array_equal(combined.f(np.full(len(t), k), t), cal.clock_us(t))
        assert np.array_equal(combined.finv(np.full(len(c), k), c), cal.instant_us(c))
    # mixed rows in one call, shuffled
    t_codes = np.concatenate([a for a, _ in codes])
    t_all = np.concatenate(times)
    order = rng.permutation(len(t_all))
    expected = np.concatenate([cal.clock_us(t) for cal, t in zip(CALENDARS, times, strict=True)])
    assert np.array_equal(combined.f(t_codes[order], t_all[order]), expected[order])
    c_codes = np.concatenate([b for _, b in codes])
    c_all = np.concatenate(clocks)
    expected = np.concatenate([cal.instant_us(c) for cal, c in zip(CALENDARS, clocks, strict=True)])
    order = rng.permutation(len(c_all))
    assert np.array_equal(combined.finv(c_codes[order], c_all[order]), expected[order])


def test_combined_clock_refuses_instants_outside_a_calendars_range() -> None:
    combined = _Combined(CALENDARS)
    lo = CALENDARS[1].table.lo
    with pytest.raises(CalendarRangeError):
        combined.f(np.array([0, 1]), np.array([CALENDARS[0].table.lo, lo - 1]))
    total = int(CALENDARS[2].table.cum_end[-1])
    with pytest.raises(CalendarRangeError):
        combined.finv(np.array([2]), np.array([total + 1]))


@pytest.mark.parametrize("kind", ["uniform", "duplicates", "clustered"])
def test_bucketed_search_equals_searchsorted(kind: str) -> None:
    rng = np.random.default_rng(11)
    if kind == "uniform":
        values = np.sort(rng.integers(0, 10**12, 5_000))
    elif kind == "duplicates":
        values = np.sort(rng.integers(0, 50, 5_000)) * 10**6
    else:  # most values in one spot: deeper than MAX_DEPTH, so the fallback is used
        values = np.sort(np.concatenate([rng.integers(0, 100, 4_000), [10**12]]))
    index = _Sorted(values)
    x = np.concatenate([rng.integers(-10, values[-1] + 10, 50_000), values, values - 1])
    assert np.array_equal(index.right(x), np.searchsorted(values, x, side="right"))
    assert np.array_equal(index.left(x), np.searchsorted(values, x, side="left"))


def test_pause_order_is_the_lexsort_order() -> None:
    rng = np.random.default_rng(3)
    pos = rng.integers(0, 300, 4_000)
    start = rng.integers(0, 10**9, 4_000)
    order = _by_ticket_then_start(pos, start)
    assert order is not None
    expected = np.lexsort((start, pos))
    assert np.array_equal(pos[order], pos[expected])
    assert np.array_equal(start[order], start[expected])
    already = np.lexsort((start, pos))
    assert _by_ticket_then_start(pos[already], start[already]) is None


def test_evaluate_equals_per_calendar_evaluation() -> None:
    """One call over mixed calendars = one call per calendar (each its own small table)."""
    rng = np.random.default_rng(9)
    n = 3_000
    keys = [f"k{i}" for i in range(len(CALENDARS))]
    calendars = dict(zip(keys, CALENDARS, strict=True))
    lo = pd.Timestamp("2023-02-01", tz="UTC").value // 1000
    hi = pd.Timestamp("2026-06-01", tz="UTC").value // 1000
    created = rng.integers(lo, hi, n)
    hour = 3_600_000_000
    as_time = lambda us: pd.DatetimeIndex(us.astype("datetime64[us]")).tz_localize("UTC")  # noqa: E731
    nat = np.iinfo(np.int64).min
    resolved = created + rng.integers(1, 90 * hour, n)
    tickets = pd.DataFrame(
        {
            "ticket_id": rng.permutation(n) * 7 + 3,
            "calendar_key": np.array(keys)[rng.integers(0, len(keys), n)],
            "created_at": as_time(created),
            "first_response_at": as_time(
                np.where(rng.random(n) < 0.1, nat, created + rng.integers(0, 6 * hour, n))
            ),
            "resolved_at": as_time(np.where(rng.random(n) < 0.1, nat, resolved)),
            "response_target_min": rng.choice([30.0, 60.0, np.nan], n),
            "resolution_target_min": rng.choice([240.0, 960.0, 2880.0], n),
            "pause_response": rng.random(n) < 0.5,
        }
    )
    owner = rng.integers(0, n, 2 * n)
    start = created[owner] + rng.integers(-hour, 60 * hour, len(owner))
    end = np.where(
        rng.random(len(owner)) < 0.05, nat, start + rng.integers(1, 20 * hour, len(owner))
    )
    pauses = pd.DataFrame(
        {
            "ticket_id": tickets["ticket_id"].to_numpy()[owner],
            "start": as_time(start),
            "end": as_time(end),
        }
    )
    now = pd.Timestamp("2026-07-01", tz="UTC").to_pydatetime()
    together = evaluate(tickets, pauses, calendars=calendars, now=now)
    parts = []
    for key in keys:
        mine = tickets[tickets["calendar_key"] == key]
        own = pauses[pauses["ticket_id"].isin(mine["ticket_id"])]
        parts.append(evaluate(mine, own, calendars={key: calendars[key]}, now=now))
    alone = pd.concat(parts, ignore_index=True)
    columns = ["elapsed_min", "due_at", "stopped_at", "minutes_left", "target_min"]
    a = together.set_index(["ticket_id", "metric"]).sort_index()
    b = alone.set_index(["ticket_id", "metric"]).sort_index()
    pd.testing.assert_frame_equal(a[columns], b[columns])
    assert (a["state"].astype(object).fillna("-") == b["state"].astype(object).fillna("-")).all()
    assert set(a["state"].dropna().astype(str)) >= {"met", "breached"}
