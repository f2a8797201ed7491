"""Properties of business time that must hold for every calendar and every instant."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.calendar import Calendar

YEARS = range(2024, 2028)
CALENDARS = [
    Calendar.from_spec(
        "Mon-Fri 08:00-18:00", "Europe/London", country="GB", subdivision="ENG", years=YEARS
    ),
    Calendar.from_spec("8x5", "America/New_York", country="US", years=YEARS),
    Calendar.from_spec(
        "Mon-Fri 22:00-06:00", "Europe/Berlin", country="DE", subdivision="BY", years=YEARS
    ),
    # Lord Howe moves its clocks by 30 minutes: a DST shape the big zones never test.
    Calendar.from_spec(
        "Mon-Fri 08:00-12:00, 13:00-17:00; Sat 09:00-13:00", "Australia/Lord_Howe", years=YEARS
    ),
    Calendar.from_spec("24x7", "America/New_York", years=YEARS),
]
WALL = CALENDARS[-1]
for _cal in CALENDARS:
    _ = _cal.table  # build once, outside the timed examples

LO = int(datetime(2024, 1, 2, tzinfo=UTC).timestamp())
HI = int(datetime(2027, 11, 30, tzinfo=UTC).timestamp())
instants = st.builds(
    lambda s, us: datetime.fromtimestamp(s, UTC) + timedelta(microseconds=us),
    st.integers(LO, HI),
    st.sampled_from([0, 0, 0, 1, 500_000, 999_999]),
)
# Starts for additions stay far enough from the table end for a month of business time.
early = st.builds(
    lambda s: datetime.fromtimestamp(s, UTC),
    st.integers(LO, int(datetime(2027, 6, 30, tzinfo=UTC).timestamp())),
)
calendars = st.sampled_from(CALENDARS)
PROPERTY = settings(max_examples=300, deadline=None)


@PROPERTY
@given(calendars, instants, instants, instants)
def test_additivity(cal: Calendar, a: datetime, b: datetime, c: datetime) -> None:
    total = cal.business_minutes(a, b) + cal.business_minutes(b, c)
    assert total == pytest.approx(cal.business_minutes(a, c), abs=1e-9)
    assert cal.business_minutes(a, b) == -cal.business_minutes(b, a)


@PROPERTY
@given(instants, instants)
def test_24x7_is_wall_time(a: datetime, b: datetime) -> None:
    assert WALL.business_minutes(a, b) == pytest.approx((b - a) / timedelta(minutes=1), abs=1e-9)


@PROPERTY
@given(calendars, early, st.integers(0, 60 * 24 * 30), st.sampled_from([0, 0.5, 0.25]))
def test_add_inverts_business_minutes(cal: Calendar, a: datetime, whole: int, part: float) -> None:
    minutes = whole + part
    due = cal.add_business_minutes(a, minutes)
    assert due >= a
    assert cal.business_minutes(a, due) == pytest.approx(minutes, abs=1e-9)
    if minutes > 0:  # the due instant is the first one reaching the target: covered just before
        assert cal.is_covered(due - timedelta(microseconds=1))


@PROPERTY
@given(calendars, instants, instants)
def test_add_of_measured_time_lands_at_or_before_end(
    cal: Calendar, a: datetime, b: datetime
) -> None:
    a, b = min(a, b), max(a, b)
    back = cal.add_business_minutes(a, cal.business_minutes(a, b))
    assert back <= b
    assert cal.business_minutes(back, b) == 0
    if cal.is_covered(b):
        assert back == b


@settings(max_examples=60, deadline=None)
@given(
    calendars, st.lists(st.tuples(early, instants, st.integers(0, 20_000)), min_size=1, max_size=40)
)
def test_vectorized_equals_scalar(cal: Calendar, rows: list) -> None:
    starts = np.array([a.replace(tzinfo=None) for a, _, _ in rows], "datetime64[us]")
    ends = np.array([b.replace(tzinfo=None) for _, b, _ in rows], "datetime64[us]")
    seconds = cal.business_seconds_many(starts, ends)
    due = cal.add_business_seconds_many(starts, [m * 60 for _, _, m in rows])
    covered = cal.is_covered_many(ends)
    nxt = cal.next_covered_many(ends)
    for i, (a, b, m) in enumerate(rows):
        assert seconds[i] == pytest.approx(cal.business_minutes(a, b) * 60, abs=1e-6)
        assert due[i] == cal.add_business_minutes(a, m)
        assert covered[i] == cal.is_covered(b)
        assert nxt[i] == cal.next_covered_instant(b)
