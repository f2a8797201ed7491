"""Renewal forecast: contract value weighted by the chance of renewing.

The chance comes from the health score through a documented piecewise-linear table
(:data:`PROBABILITY_CURVE`), calibrated on the intuition account managers use: a
contract scoring 80+ almost always renews, one under 40 usually needs rescuing. A
contract without a score gets :data:`UNKNOWN_PROBABILITY` (a coin toss) and is flagged,
so unknowns neither inflate nor vanish from the forecast. Probabilities are rounded to
four decimals and weighted values to cents (ROUND_HALF_UP), once, here. Totals are per
currency: amounts in different currencies are never added together.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

# (health score, probability of renewal)
PROBABILITY_CURVE = ((0.0, 0.10), (40.0, 0.35), (60.0, 0.60), (80.0, 0.85), (100.0, 0.95))
UNKNOWN_PROBABILITY = Decimal("0.5000")
CENT = Decimal("0.01")


def renewal_probability(score: float | None) -> Decimal:
    """Chance of renewal for a health score (0..100), from :data:`PROBABILITY_CURVE`."""
    if score is None or pd.isna(score):
        return UNKNOWN_PROBABILITY
    xs, ys = zip(*PROBABILITY_CURVE, strict=True)
    p = float(np.interp(min(max(float(score), 0.0), 100.0), xs, ys))
    return Decimal(str(round(p, 4))).quantize(Decimal("0.0001"))


def _money(value: object) -> Decimal | None:
    if value is None or pd.isna(value):
        return None
    if isinstance(value, float):
        raise TypeError(f"contract value {value!r} is a float; money must be Decimal")
    return Decimal(str(value)) if not isinstance(value, Decimal) else value


@dataclass(frozen=True)
class CurrencyForecast:
    currency: str
    contracts: int
    total_value: Decimal
    weighted_value: Decimal
    unscored: int  # contracts forecast at the unknown probability


@dataclass(frozen=True)
class RenewalForecast:
    rows: pd.DataFrame  # input rows + probability, weighted_value, scored
    totals: dict[str, CurrencyForecast]


def renewal_forecast(contracts: pd.DataFrame) -> RenewalForecast:
    """Weight each contract's ``value`` (Decimal) by its ``health_score``.

    Reads ``value``, ``health_score`` and ``currency`` (default "USD"). Rows without a
    value are kept with a weighted value of None and not counted in the totals.
    """
    rows = contracts.copy()
    if "currency" not in rows:
        rows["currency"] = "USD"
    scores = rows["health_score"] if "health_score" in rows else pd.Series(None, index=rows.index)
    rows["scored"] = scores.notna()
    rows["probability"] = [renewal_probability(s) for s in scores]
    rows["value"] = [_money(v) for v in rows["value"]]
    rows["weighted_value"] = [
        None if v is None else (v * p).quantize(CENT, ROUND_HALF_UP)
        for v, p in zip(rows["value"], rows["probability"], strict=True)
    ]
    totals: dict[str, CurrencyForecast] = {}
    valued = rows[rows["weighted_value"].notna()]
    for currency, group in valued.groupby("currency", sort=True):
        totals[str(currency)] = CurrencyForecast(
            currency=str(currency),
            contracts=len(group),
            total_value=sum(group["value"], Decimal("0.00")),
            weighted_value=sum(group["weighted_value"], Decimal("0.00")),
            unscored=int((~group["scored"]).sum()),
        )
    return RenewalForecast(rows, totals)
