"""Renewal outcomes and what they add up to: renewal rate and value retained.

Definitions (over outcomes decided in a period, one currency at a time):

- renewal rate = (renewed + renegotiated) / decided;
- value retention (net) = new value of kept contracts / previous value of all decided
  ones; above 100% when uplifts and upgrades outweigh losses;
- gross retention = (previous value - previous value of lost) / previous value, which
  ignores uplifts and so never exceeds 100%.

Every ratio is None when its denominator is zero: "no renewals due" is not 0%.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

import pandas as pd

from renewals.periods import local_days


class Outcome(StrEnum):
    RENEWED = "renewed"
    RENEGOTIATED = "renegotiated"
    LOST = "lost"


@dataclass(frozen=True)
class OutcomeRecord:
    """A closed renewal; ``validate`` enforces what each outcome must carry."""

    contract_id: int
    outcome: Outcome
    decided_on: date
    previous_value: Decimal
    new_value: Decimal | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        outcome = Outcome(self.outcome)
        object.__setattr__(self, "outcome", outcome)
        if outcome is Outcome.LOST:
            if not (self.reason and self.reason.strip()):
                raise ValueError("a lost renewal needs a reason")
            if self.new_value:
                raise ValueError("a lost renewal has no new value")
        elif self.new_value is None:
            raise ValueError(f"a {outcome.value} contract needs its new value")


@dataclass(frozen=True)
class RenewalRate:
    start: date
    end: date
    decided: int
    renewed: int
    renegotiated: int
    lost: int
    rate: float | None
    value_up: Decimal  # previous value of everything decided
    value_retained: Decimal  # new value of what was kept
    value_lost: Decimal  # previous value of what was lost
    value_retention: float | None
    gross_retention: float | None
    lost_reasons: dict[str, int]


def _ratio(part: Decimal | int, whole: Decimal | int) -> float | None:
    return round(float(Decimal(part) / Decimal(whole)), 4) if whole else None


def _money(value: object) -> Decimal:
    if value is None or pd.isna(value):
        return Decimal("0.00")
    if isinstance(value, float):
        raise TypeError(f"{value!r} is a float; money must be Decimal")
    return Decimal(str(value))


def renewal_rate(outcomes: pd.DataFrame, *, start: date, end: date, tz: str = "UTC") -> RenewalRate:
    """Rates over outcomes decided between ``start`` and ``end`` (inclusive).

    Reads ``outcome``, ``decided_on`` (dates, or aware instants bucketed in ``tz``),
    ``previous_value``, ``new_value``, optional ``reason`` and ``currency``. Rows whose
    outcome is open are ignored; several currencies in the period is an error.
    """
    column = outcomes["decided_on"] if len(outcomes) else pd.Series(dtype="datetime64[ns]")
    days = local_days(column, tz)
    text = outcomes["outcome"].astype("string").str.strip().str.lower()
    unknown = set(text.dropna()) - {o.value for o in Outcome} - {"open"}
    if unknown:
        raise ValueError(f"unknown outcomes: {sorted(unknown)}")
    mask = (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end)) & (text != "open")
    rows = outcomes[mask.fillna(False)]
    kinds = text[mask.fillna(False)]
    if "currency" in rows and rows["currency"].nunique() > 1:
        raise ValueError("outcomes in several currencies: compute one currency at a time")

    previous = [_money(v) for v in rows["previous_value"]]
    new = [_money(v) for v in rows["new_value"]]
    kept = (kinds != Outcome.LOST.value).to_list()
    value_up = sum(previous, Decimal("0.00"))
    retained = sum((n for n, k in zip(new, kept, strict=True) if k), Decimal("0.00"))
    lost_value = sum((p for p, k in zip(previous, kept, strict=True) if not k), Decimal("0.00"))
    reasons = rows["reason"] if "reason" in rows else pd.Series(None, index=rows.index)
    lost_reasons = Counter(
        str(r).strip() if r is not None and not pd.isna(r) else "unspecified"
        for r, k in zip(reasons, kept, strict=True)
        if not k
    )
    counts = kinds.value_counts()
    renewed = int(counts.get(Outcome.RENEWED.value, 0))
    renegotiated = int(counts.get(Outcome.RENEGOTIATED.value, 0))
    decided = len(rows)
    return RenewalRate(
        start=start,
        end=end,
        decided=decided,
        renewed=renewed,
        renegotiated=renegotiated,
        lost=decided - renewed - renegotiated,
        rate=_ratio(renewed + renegotiated, decided),
        value_up=value_up,
        value_retained=retained,
        value_lost=lost_value,
        value_retention=_ratio(retained, value_up),
        gross_retention=_ratio(value_up - lost_value, value_up),
        lost_reasons=dict(sorted(lost_reasons.items())),
    )
