"""Pipeline stages, notice deadlines and auto-renewal roll-forward."""

from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renewals.dates import notice_deadline, roll_end
from renewals.stage import Stage, StageInfo, renewal_stage, stage_for_days, stages

TODAY = date(2025, 6, 15)
NEW_YEAR = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("days", "stage"),
    [
        (365, Stage.ACTIVE),
        (91, Stage.ACTIVE),
        (90, Stage.HEALTH_CHECK),
        (61, Stage.HEALTH_CHECK),
        (60, Stage.PROPOSAL),
        (31, Stage.PROPOSAL),
        (30, Stage.CLOSING),
        (0, Stage.CLOSING),
        (-1, Stage.LAPSED),
    ],
)
def test_stage_boundaries(days, stage):
    assert stage_for_days(days) is stage
    info = renewal_stage(
        end_date=date.fromordinal(TODAY.toordinal() + days), auto_renew=False, today=TODAY
    )
    assert info.stage is stage
    assert info.days_to_key_date == days


@pytest.mark.parametrize(
    ("end", "months", "deadline"),
    [
        (date(2025, 5, 31), 3, date(2025, 2, 28)),  # clamped to February's end
        (date(2024, 5, 31), 3, date(2024, 2, 29)),  # leap year
        (date(2025, 6, 30), 3, date(2025, 3, 30)),  # never snaps forward to 31 Mar
        (date(2025, 3, 31), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2025, 12, 31), 0, date(2025, 12, 31)),
    ],
)
def test_notice_deadline_in_months(end, months, deadline):
    assert notice_deadline(end, notice_months=months) == deadline


@pytest.mark.parametrize(
    ("end", "days", "deadline"),
    [
        (date(2025, 12, 31), 90, date(2025, 10, 2)),
        (date(2024, 3, 31), 31, date(2024, 2, 29)),  # counts the leap day
        (date(2025, 3, 31), 31, date(2025, 2, 28)),
    ],
)
def test_notice_deadline_in_days(end, days, deadline):
    assert notice_deadline(end, notice_days=days) == deadline


def test_notice_deadline_needs_exactly_one_period():
    with pytest.raises(ValueError, match="exactly one"):
        notice_deadline(date(2025, 1, 1))
    with pytest.raises(ValueError, match="exactly one"):
        notice_deadline(date(2025, 1, 1), notice_days=1, notice_months=1)


@pytest.mark.parametrize(
    ("end", "months", "rolled"),
    [
        (date(2027, 2, 28), 12, date(2028, 2, 29)),  # month-end stays month-end
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 1, 31), 2, date(2025, 3, 31)),  # no drift to 28 Mar
        (date(2025, 3, 30), 1, date(2025, 4, 30)),
        (date(2025, 6, 15), 12, date(2026, 6, 15)),
    ],
)
def test_roll_end(end, months, rolled):
    assert roll_end(end, months) == rolled


def test_auto_renew_key_date_is_the_notice_deadline():
    info = renewal_stage(
        end_date=date(2025, 9, 30),
        auto_renew=True,
        notice_months=2,
        renewal_term_months=12,
        today=TODAY,
    )
    assert info == StageInfo(
        Stage.PROPOSAL, 45, date(2025, 7, 30), date(2025, 7, 30), date(2025, 9, 30)
    )


def test_notice_deadline_day_itself_is_still_open():
    info = renewal_stage(
        end_date=date(2025, 9, 13),
        auto_renew=True,
        notice_days=90,
        renewal_term_months=12,
        today=TODAY,
    )
    assert (info.stage, info.days_to_key_date, info.auto_renewals) == (Stage.CLOSING, 0, 0)


def test_passed_deadline_auto_renews_and_restages_on_the_new_term():
    info = renewal_stage(
        end_date=date(2025, 9, 12),
        auto_renew=True,
        notice_days=90,
        renewal_term_months=12,
        today=TODAY,
    )
    assert info == StageInfo(
        stage=Stage.ACTIVE,
        days_to_key_date=364,
        key_date=date(2026, 6, 14),
        notice_deadline=date(2026, 6, 14),
        effective_end=date(2026, 9, 12),
        auto_renewals=1,
        reason="auto-renewed 1 term(s): notice deadline 2025-06-14 passed",
    )


def test_long_expired_monthly_contract_rolls_repeatedly_from_the_original_end():
    info = renewal_stage(
        end_date=date(2020, 1, 31),
        auto_renew=True,
        notice_days=10,
        renewal_term_months=1,
        today=TODAY,
    )
    # 31 Jan 2020 rolled 65 months keeps month end: 30 Jun 2025, deadline 20 Jun.
    assert info.effective_end == date(2025, 6, 30)
    assert info.notice_deadline == date(2025, 6, 20)
    assert (info.stage, info.days_to_key_date, info.auto_renewals) == (Stage.CLOSING, 5, 65)


def test_leap_day_end_rolls_to_28_february():
    info = renewal_stage(
        end_date=date(2024, 2, 29),
        auto_renew=True,
        notice_months=1,
        renewal_term_months=12,
        today=date(2024, 2, 1),
    )
    assert info.effective_end == date(2025, 2, 28)
    assert info.notice_deadline == date(2025, 1, 28)
    assert info.days_to_key_date == 362


def test_not_auto_renewing_contract_lapses_after_its_end():
    info = renewal_stage(end_date=date(2025, 6, 1), auto_renew=False, today=TODAY)
    assert (info.stage, info.days_to_key_date, info.notice_deadline) == (Stage.LAPSED, -14, None)


@pytest.mark.parametrize(
    ("outcome", "stage"),
    [("renewed", Stage.RENEWED), ("Renegotiated", Stage.RENEWED), ("lost", Stage.LOST)],
)
def test_recorded_outcome_overrides_dates(outcome, stage):
    info = renewal_stage(
        end_date=date(2025, 6, 1),
        auto_renew=True,
        notice_days=30,
        renewal_term_months=12,
        outcome=outcome,
        today=TODAY,
    )
    assert (info.stage, info.key_date, info.auto_renewals) == (stage, date(2025, 5, 2), 0)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"end_date": None, "auto_renew": False}, "no end date"),
        ({"end_date": NEW_YEAR, "auto_renew": True}, "auto-renews but has no notice period"),
        (
            {"end_date": NEW_YEAR, "auto_renew": True, "notice_days": 5, "notice_months": 1},
            "both notice days and notice months are set",
        ),
        ({"end_date": NEW_YEAR, "auto_renew": True, "notice_days": -5}, "negative notice period"),
        (
            {"end_date": date(2025, 7, 1), "auto_renew": True, "notice_days": 30},
            "notice deadline 2025-06-01 passed and the renewal term is unknown",
        ),
        (
            {"end_date": NEW_YEAR, "auto_renew": False, "outcome": "maybe"},
            "unknown outcome 'maybe'",
        ),
    ],
)
def test_needs_data_says_why(kwargs, reason):
    info = renewal_stage(today=TODAY, **kwargs)
    assert info.stage is Stage.NEEDS_DATA
    assert info.reason == reason
    assert info.days_to_key_date is None


def test_today_must_be_a_date_not_a_datetime():
    with pytest.raises(TypeError):
        renewal_stage(end_date=date(2026, 1, 1), auto_renew=False, today=datetime(2025, 1, 1))


def test_stages_frame_matches_examples_and_keeps_index():
    frame = pd.DataFrame(
        {
            "end_date": [date(2025, 9, 12), None, date(2025, 6, 1), date(2025, 9, 30)],
            "auto_renew": [True, False, False, True],
            "notice_days": [90, None, None, None],
            "notice_months": [None, None, None, 2],
            "renewal_term_months": [12, None, None, 12],
            "outcome": [None, None, None, "lost"],
        },
        index=[10, 11, 12, 13],
    )
    result = stages(frame, TODAY)
    assert list(result.index) == [10, 11, 12, 13]
    assert list(result["stage"]) == ["active", "needs_data", "lapsed", "lost"]
    assert list(result["days_to_key_date"].astype(object)) == [364, pd.NA, -14, 45]
    assert result.loc[10, "effective_end"] == pd.Timestamp("2026-09-12")
    assert result.loc[10, "auto_renewals"] == 1
    assert result.loc[11, "reason"] == "no end date"


def test_stages_handles_missing_optional_columns_and_empty_frames():
    frame = pd.DataFrame({"end_date": [date(2025, 8, 1)], "auto_renew": [False]})
    assert list(stages(frame, TODAY)["stage"]) == ["proposal"]
    empty = stages(frame.iloc[0:0], TODAY)
    assert len(empty) == 0
    assert "stage" in empty.columns


contract = st.fixed_dictionaries(
    {
        "end_date": st.one_of(st.none(), st.dates(date(2018, 1, 1), date(2030, 12, 31))),
        "auto_renew": st.booleans(),
        "notice_days": st.one_of(st.none(), st.integers(0, 200)),
        "notice_months": st.one_of(st.none(), st.integers(0, 6)),
        "renewal_term_months": st.one_of(st.none(), st.integers(0, 36)),
        "outcome": st.sampled_from([None, "open", "renewed", "renegotiated", "lost"]),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(contract, min_size=1, max_size=25),
    today=st.dates(date(2019, 1, 1), date(2031, 1, 1)),
)
def test_vectorised_stages_agree_with_the_scalar_reference(rows, today):
    result = stages(pd.DataFrame(rows), today)
    for i, row in enumerate(rows):
        info = renewal_stage(today=today, **row)
        got = result.iloc[i]

        def as_date(value):
            return None if pd.isna(value) else value.date()

        days = got["days_to_key_date"]
        assert got["stage"] == info.stage.value, (row, info)
        assert (None if pd.isna(days) else int(days)) == info.days_to_key_date
        assert as_date(got["key_date"]) == info.key_date
        assert as_date(got["notice_deadline"]) == info.notice_deadline
        assert as_date(got["effective_end"]) == info.effective_end
        assert got["auto_renewals"] == info.auto_renewals
        assert got["reason"] == info.reason
