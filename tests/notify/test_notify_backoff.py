"""Retry schedule: exponential, capped, bounded, repeatable jitter."""

from datetime import UTC, datetime, timedelta

import pytest

from notify.backoff import RetryPolicy, next_attempt_at, retry_delay, schedule

NOW = datetime(2025, 6, 16, 7, 30, tzinfo=UTC)


def test_default_schedule_doubles_to_the_cap():
    minutes = [d / timedelta(minutes=1) for d in schedule()]
    assert minutes == [1, 2, 4, 8, 16, 32, 60]
    assert sum(schedule(), timedelta()) == timedelta(hours=2, minutes=3)


def test_next_attempt_and_giving_up():
    assert next_attempt_at(attempts=1, now=NOW) == NOW + timedelta(minutes=1)
    assert next_attempt_at(attempts=7, now=NOW) == NOW + timedelta(hours=1)
    assert next_attempt_at(attempts=8, now=NOW) is None
    policy = RetryPolicy(base=timedelta(seconds=30), factor=3, cap=timedelta(minutes=10),
                         max_attempts=5)  # fmt: skip
    assert [retry_delay(n, policy).total_seconds() for n in range(1, 5)] == [30, 90, 270, 600]
    assert next_attempt_at(attempts=5, now=NOW, policy=policy) is None


def test_huge_attempt_counts_do_not_overflow():
    assert retry_delay(10**6) == timedelta(hours=1)
    assert retry_delay(5000, RetryPolicy(factor=10)) == timedelta(hours=1)


def test_jitter_is_bounded_and_repeatable():
    policy = RetryPolicy(jitter=0.5)
    first = schedule(policy, key="notification:42")
    assert first == schedule(policy, key="notification:42")
    assert first != schedule(policy, key="notification:43")
    for got, full in zip(first, schedule(), strict=True):
        assert full * 0.5 <= got <= full


def test_validation():
    with pytest.raises(ValueError):
        next_attempt_at(attempts=1, now=datetime(2025, 1, 1))
    with pytest.raises(ValueError):
        retry_delay(0)
    for bad in ({"base": timedelta(0)}, {"cap": timedelta(seconds=1)}, {"factor": 0.5},
                {"max_attempts": 0}, {"jitter": 1.0}):  # fmt: skip
        with pytest.raises(ValueError):
            RetryPolicy(**bad)
