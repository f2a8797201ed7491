"""Retry schedule for the notification outbox: pure arithmetic, no clock, no randomness.

After the n-th failed attempt the next one waits ``base x factor^(n-1)``, capped at
``cap``; after ``max_attempts`` attempts the notification is given up (dead). Defaults:
1, 2, 4, 8, 16, 32 minutes, then the 1-hour cap: 8 attempts over about 2 h 3 min, long
enough to ride out a relay restart, short enough that a reminder is not a day late.
Optional jitter spreads retries of many messages that failed together (a relay outage)
so they do not all return in the same second. It is derived from a hash of the
message key and the attempt number, so the schedule stays repeatable and testable.
A permanent SMTP error (see :class:`notify.smtp.SmtpError`) should not be retried at all.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    base: timedelta = timedelta(minutes=1)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 8
    jitter: float = 0.0  # up to this share of each delay is taken off, per message

    def __post_init__(self) -> None:
        if self.base <= timedelta(0) or self.cap < self.base:
            raise ValueError("base must be positive and cap at least base")
        if self.factor < 1 or self.max_attempts < 1 or not 0 <= self.jitter < 1:
            raise ValueError("factor >= 1, max_attempts >= 1, 0 <= jitter < 1")


def _spread(key: str, attempts: int) -> float:
    digest = hashlib.sha256(f"{key}:{attempts}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64  # uniform in [0, 1)


def retry_delay(attempts: int, policy: RetryPolicy | None = None, *, key: str = "") -> timedelta:
    """Wait after ``attempts`` failed attempts (1 = the first try failed)."""
    policy = policy or RetryPolicy()
    if attempts < 1:
        raise ValueError("attempts counts failed attempts and starts at 1")
    base, cap = policy.base.total_seconds(), policy.cap.total_seconds()
    # Compare logarithms: factor ** attempts overflows floats long before attempts runs out.
    if (attempts - 1) * math.log(policy.factor) >= math.log(cap / base):
        delay = cap
    else:
        delay = base * policy.factor ** (attempts - 1)
    if policy.jitter:
        delay *= 1 - policy.jitter * _spread(key, attempts)
    return timedelta(seconds=round(delay, 3))


def next_attempt_at(
    *, attempts: int, now: datetime, policy: RetryPolicy | None = None, key: str = ""
) -> datetime | None:
    """When to try again after ``attempts`` failures, or None when it is time to give up."""
    policy = policy or RetryPolicy()
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if attempts >= policy.max_attempts:
        return None
    return now + retry_delay(attempts, policy, key=key)


def schedule(policy: RetryPolicy | None = None, *, key: str = "") -> list[timedelta]:
    """Every wait between attempts, for documentation and the settings page."""
    policy = policy or RetryPolicy()
    return [retry_delay(n, policy, key=key) for n in range(1, policy.max_attempts)]
