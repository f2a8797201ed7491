"""Coverage calendar: specs, holidays, DST, closing time, sign, time zones, range."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from sla.calendar import Calendar, CalendarRangeError
from sla.coverage_spec import describe_hours, parse_spec

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
YEARS = range(2024, 2028)
OFFICE = Calendar.from_spec(
    "Mon-Fri 08:00-18:00", "Europe/London", country="GB", subdivision="ENG", years=YEARS
)


def at(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("24x7", "24x7"),
        ("8x5", "Mon–Fri 09:00–17:00"),
        ("9x5", "Mon–Fri 08:00–17:00"),
        ("10x5", "Mon–Fri 08:00–18:00"),
        ("12x5", "Mon–Fri 07:00–19:00"),
        ("8x6", "Mon–Sat 09:00–17:00"),
        ("12x7", "Mon–Sun 07:00–19:00"),
        ("Mon-Fri 08:00-18:00; Sat 09:00-13:00", "Mon–Fri 08:00–18:00; Sat 09:00–13:00"),
        ("Mon-Fri 08:00-12:00, 13:00-17:00", "Mon–Fri 08:00–12:00, 13:00–17:00"),
        ("mon, wed, fri 9-17", "Mon 09:00–17:00; Wed 09:00–17:00; Fri 09:00–17:00"),
        ("Daily 00:00-24:00", "24x7"),
        ("Mon–Sun 00:00–00:00", "24x7"),
        (
            "Mon-Fri 22:00-06:00",
            "Mon 22:00–24:00; Tue–Fri 00:00–06:00, 22:00–24:00; Sat 00:00–06:00",
        ),
    ],
)
def test_specs_read_and_describe(spec: str, words: str) -> None:
    assert describe_hours(parse_spec(spec)) == words


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "Empty coverage spec"),
        ("9to5", "Unknown coverage spec '9to5'"),
        ("Funday 08:00-17:00", "Unknown day 'Funday'"),
        ("Mon-Fri 08:00-25:00", "out of range"),
        ("Mon-Fri 18:00-18:00", "Empty window"),
        ("Mon-Fri 08:00-17:00 lunch", "Cannot read 'lunch'"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Calendar.from_spec(spec, "Europe/London")


def test_bad_zone_country_and_empty_hours_are_rejected() -> None:
    with pytest.raises(ValueError, match="Coverage hours are empty"):
        Calendar("UTC", ((),) * 7)
    with pytest.raises(ValueError, match="Unknown time zone 'Mars/Olympus'"):
        Calendar.from_spec("8x5", "Mars/Olympus")
    with pytest.raises(ValueError, match="Unknown holiday country"):
        Calendar.from_spec("8x5", "Europe/London", country="XX")


def test_describe_counts_holidays_that_remove_coverage() -> None:
    cal = Calendar.from_spec(
        "Mon-Fri 08:00-18:00", "Europe/London", country="GB", subdivision="ENG", years=[2026]
    )
    # 9 bank holidays in England in 2026; Boxing Day falls on a Saturday.
    assert len(cal.holidays) == 9
    assert cal.describe() == "Mon–Fri 08:00–18:00 (Europe/London), excl. 8 holidays"
    assert OFFICE.describe(year=2026) == (
        "Mon–Fri 08:00–18:00 (Europe/London), excl. 8 holidays in 2026"
    )
    assert Calendar.from_spec("24x7", "UTC").describe() == "24x7 (UTC)"


@pytest.mark.parametrize(
    ("tz", "start", "end", "hours"),
    [
        (LONDON, (2025, 3, 29, 12), (2025, 3, 31, 12), 47),  # spring forward
        (LONDON, (2025, 10, 25, 12), (2025, 10, 27, 12), 49),  # fall back
        (NEW_YORK, (2025, 3, 8, 12), (2025, 3, 10, 12), 47),
        (NEW_YORK, (2025, 11, 1, 12), (2025, 11, 3, 12), 49),
    ],
)
def test_24x7_across_dst_is_real_elapsed_time(tz, start, end, hours) -> None:
    cal = Calendar.from_spec("24x7", tz.key, years=YEARS)
    assert cal.business_minutes(at(tz, *start), at(tz, *end)) == hours * 60


@pytest.mark.parametrize(
    ("spec", "day", "minutes"),
    [
        ("Sun 00:00-06:00", date(2025, 3, 30), 300),  # 00:00 GMT .. 06:00 BST
        ("Sun 00:00-06:00", date(2025, 10, 26), 420),  # 00:00 BST .. 06:00 GMT
        ("Sun 01:30-03:00", date(2025, 3, 30), 60),  # 01:30 never happens: opens at 02:00 BST
        ("Sun 01:00-02:00", date(2025, 10, 26), 120),  # the repeated hour is open twice
    ],
)
def test_windows_containing_a_dst_change(spec: str, day: date, minutes: int) -> None:
    cal = Calendar.from_spec(spec, "Europe/London", years=YEARS)
    midnight = at(LONDON, day.year, day.month, day.day)
    assert cal.business_minutes(midnight, midnight.replace(day=day.day + 1)) == minutes


@pytest.mark.parametrize("tz", [LONDON, NEW_YORK])
def test_office_hours_keep_local_opening_across_dst(tz: ZoneInfo) -> None:
    cal = Calendar.from_spec("Mon-Fri 08:00-18:00", tz.key, years=YEARS)
    friday, monday = (2025, 3, 28, 17), (2025, 3, 31, 9)
    if tz is NEW_YORK:
        friday, monday = (2025, 3, 7, 17), (2025, 3, 10, 9)
    assert cal.business_minutes(at(tz, *friday), at(tz, *monday)) == 120
    assert cal.next_covered_instant(at(tz, *friday[:3], 19)) == at(tz, *monday[:3], 8)


def test_germany_and_bavaria_have_different_days_off() -> None:
    germany = Calendar.from_spec("Mon-Fri 09:00-17:00", "Europe/Berlin", country="DE", years=[2025])
    bavaria = Calendar.from_spec(
        "Mon-Fri 09:00-17:00", "Europe/Berlin", country="DE", subdivision="BY", years=[2025]
    )
    assert (len(germany.holidays), len(bavaria.holidays)) == (9, 12)
    epiphany = (at(BERLIN, 2025, 1, 6), at(BERLIN, 2025, 1, 7))
    corpus_christi = (at(BERLIN, 2025, 6, 19), at(BERLIN, 2025, 6, 20))
    assert germany.business_minutes(*epiphany) == 480
    assert bavaria.business_minutes(*epiphany) == 0
    assert germany.business_minutes(*corpus_christi) == 480
    assert bavaria.business_minutes(*corpus_christi) == 0


def test_holidays_are_local_days_not_utc_days() -> None:
    cal = Calendar.from_spec("24x7", "America/New_York", country="US", years=[2025])
    # 02:00 UTC on 4 July is still 3 July in New York: covered.
    assert cal.is_covered(datetime(2025, 7, 4, 2, tzinfo=UTC))
    assert not cal.is_covered(datetime(2025, 7, 5, 2, tzinfo=UTC))  # 22:00 on the 4th
    assert cal.business_minutes(at(NEW_YORK, 2025, 7, 3), at(NEW_YORK, 2025, 7, 6)) == 2 * 1440


def test_due_time_on_closing_time_is_closing_time() -> None:
    monday_9 = at(LONDON, 2026, 1, 5, 9)
    assert OFFICE.add_business_minutes(monday_9, 540) == at(LONDON, 2026, 1, 5, 18)
    assert OFFICE.add_business_minutes(monday_9, 541) == at(LONDON, 2026, 1, 6, 8, 1)
    assert OFFICE.business_minutes(monday_9, at(LONDON, 2026, 1, 5, 18)) == 540
    assert not OFFICE.is_covered(at(LONDON, 2026, 1, 5, 18))
    assert OFFICE.is_covered(at(LONDON, 2026, 1, 5, 17, 59))
    assert OFFICE.is_covered(at(LONDON, 2026, 1, 5, 8))


def test_created_outside_hours_starts_at_next_opening() -> None:
    saturday = at(LONDON, 2026, 1, 10, 11)
    assert OFFICE.next_covered_instant(saturday) == at(LONDON, 2026, 1, 12, 8)
    assert OFFICE.add_business_minutes(saturday, 60) == at(LONDON, 2026, 1, 12, 9)
    assert OFFICE.add_business_minutes(saturday, 0) == saturday
    assert OFFICE.business_minutes(saturday, at(LONDON, 2026, 1, 12, 9)) == 60


def test_negative_difference_keeps_its_sign() -> None:
    tuesday, monday = at(LONDON, 2026, 1, 6, 10), at(LONDON, 2026, 1, 5, 10)
    assert OFFICE.business_minutes(tuesday, monday) == -600
    wall = Calendar.from_spec("24x7", "Europe/London", years=YEARS)
    assert wall.business_minutes(tuesday, monday) == -1440


def test_contract_zone_decides_not_the_user_zone() -> None:
    berlin_office = Calendar.from_spec("8x5", "Europe/Berlin", years=YEARS)
    # A New York user at 03:00 is at 09:00 in Berlin: the office has just opened.
    assert berlin_office.is_covered(at(NEW_YORK, 2026, 1, 5, 3))
    assert not berlin_office.is_covered(at(NEW_YORK, 2026, 1, 5, 11, 30))
    assert (
        berlin_office.business_minutes(at(NEW_YORK, 2026, 1, 5, 2), at(NEW_YORK, 2026, 1, 5, 12))
        == 480
    )
    assert berlin_office.add_business_minutes(at(NEW_YORK, 2026, 1, 5, 2), 1) == datetime(
        2026, 1, 5, 8, 1, tzinfo=UTC
    )


def test_instants_outside_the_table_raise() -> None:
    with pytest.raises(CalendarRangeError, match="outside this calendar's range 2024-2027"):
        OFFICE.business_minutes(at(LONDON, 2026, 1, 5), at(LONDON, 2030, 1, 5))
    with pytest.raises(CalendarRangeError, match="after the end of this calendar's range"):
        OFFICE.add_business_minutes(at(LONDON, 2027, 12, 30), 10_000)
    with pytest.raises(ValueError, match="Naive datetime"):
        OFFICE.business_minutes(datetime(2026, 1, 5), datetime(2026, 1, 6))


def test_vectorized_forms_handle_nat_and_naive_utc_arrays() -> None:
    starts = pd.Series(
        pd.to_datetime(["2026-01-05 09:00", None, "2026-01-10 12:00"]).tz_localize(LONDON.key)
    )
    ends = np.array(["2026-01-05T10:30", "2026-01-05T10:30", "2026-01-12T09:00"], "datetime64[us]")
    seconds = OFFICE.business_seconds_many(starts, ends)
    assert seconds[0] == 5400 and np.isnan(seconds[1]) and seconds[2] == 3600
    due = OFFICE.add_business_seconds_many(starts, [540 * 60, 60, 60])
    assert due[0] == at(LONDON, 2026, 1, 5, 18) and due[2] == at(LONDON, 2026, 1, 12, 8, 1)
    assert due.isna().tolist() == [False, True, False]
    covered = OFFICE.is_covered_many(ends)
    assert covered.tolist() == [True, True, True]
    nxt = OFFICE.next_covered_many(pd.DatetimeIndex(["2026-01-10 12:00", None], tz="UTC"))
    assert nxt[0] == at(LONDON, 2026, 1, 12, 8) and nxt.isna().tolist() == [False, True]


def test_window_table_is_built_once_and_24x7_is_one_window() -> None:
    wall = Calendar.from_spec("24x7", "Europe/London", years=YEARS)
    assert len(wall.table.starts) == 1
    assert wall.table is wall.table
    assert len(OFFICE.table.starts) == 4 * 261 - len(OFFICE.holidays_in()) + 1  # 2024 has 262


def test_extra_holidays_are_added_to_the_country_set() -> None:
    cal = Calendar.from_spec(
        "Mon-Fri 08:00-18:00",
        "Europe/London",
        country="GB",
        subdivision="ENG",
        extra_holidays=["2026-12-24", date(2026, 12, 31)],
        years=[2026],
    )
    assert cal.holidays_in(2026)[-4:] == [
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2026, 12, 31),
    ]
    assert (
        cal.business_minutes(at(LONDON, 2026, 12, 21), at(LONDON, 2027, 1, 1)) == 5 * 600
    )  # 21-23, 29, 30


def test_weekly_hours_accept_times_strings_or_minutes() -> None:
    week = [[("08:00", "18:00")]] * 4 + [[(time(8), time(18))]] + [[], [(0, "24:00")]]
    cal = Calendar("Europe/London", week)
    assert cal.hours == (((480, 1080),),) * 5 + ((), ((0, 1440),))
    assert cal.describe() == "Mon–Fri 08:00–18:00; Sun 00:00–24:00 (Europe/London)"
    with pytest.raises(ValueError, match="Window 18:00-08:00 on Mon must open before it closes"):
        Calendar("UTC", [[("18:00", "08:00")]] + [[]] * 6)
