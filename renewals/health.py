"""Contract health score (0-100) and the at-risk list.

Five components, each scored 0-100 on a documented curve, then averaged with
:class:`HealthWeights`. A component without data is left out and the remaining weights
are re-normalised, so a missing input never counts as a silent zero; it is listed in
``HealthScore.missing`` instead.

Curves (``np.interp`` between the points, flat outside them):

- **SLA compliance** c against target t: 100 when c >= t, falling linearly to 0 at
  t - 25 points (t = 95%: 91% -> 84, 70% -> 0). Misses are what clients remember.
- **Utilisation** u = hours used / contracted: 0 -> 0, 70% -> 100, 100% -> 100,
  150% -> 50, 200% -> 0. Under-use means the client is paying for value it does not
  see (churn risk); over-use means overage bills or unpaid work (friction, margin).
- **Ticket trend** r = (last 90 days + 5) / (previous 90 days + 5): up to 1.1 -> 100,
  2.0 -> 0. The +5 keeps 1 -> 3 tickets from reading as a 200% surge.
- **Satisfaction** CSAT 1..5 mapped linearly: 1 -> 0, 5 -> 100.
- **Payment** mean of: share of invoices paid on time x 100, and the oldest unpaid
  invoice's days overdue (0 days -> 100, 90+ days -> 0).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

COMPONENTS = ("sla", "utilisation", "ticket_trend", "satisfaction", "payment")
UTILISATION_CURVE = ((0.0, 0.0), (0.7, 100.0), (1.0, 100.0), (1.5, 50.0), (2.0, 0.0))
TREND_CURVE = ((1.1, 100.0), (2.0, 0.0))
TREND_SMOOTHING = 5
SLA_ZERO_BELOW_TARGET = 0.25
OVERDUE_ZERO_DAYS = 90
LOW_CONFIDENCE = 0.6  # under this share of the weight with data, the score is a guess


@dataclass(frozen=True)
class HealthWeights:
    """Relative weight of each component; only ratios matter. Defaults sum to 1.

    SLA leads (30%): it is the promise in the contract. Utilisation and satisfaction
    (20% each) say whether the client gets value; ticket trend and payment (15% each)
    are earlier, noisier signals.
    """

    sla: float = 0.30
    utilisation: float = 0.20
    ticket_trend: float = 0.15
    satisfaction: float = 0.20
    payment: float = 0.15

    def __post_init__(self) -> None:
        values = [getattr(self, f.name) for f in fields(self)]
        if any(v < 0 or math.isnan(v) for v in values) or sum(values) <= 0:
            raise ValueError("health weights must be non-negative with a positive sum")


@dataclass(frozen=True)
class RedFlags:
    """Single signals that put a contract on the at-risk list whatever its score."""

    at_risk_below: float = 60.0
    sla_floor: float = 0.85
    csat_floor: float = 3.0
    days_overdue: float = 60.0
    ticket_surge: float = 2.0  # smoothed ratio, see the module docstring
    under_use: float = 0.30
    over_use: float = 1.50


@dataclass(frozen=True)
class HealthInputs:
    """What the score is computed from; None means "no data", never zero."""

    sla_compliance: float | None = None  # 0..1, met / (met + breached)
    sla_target: float = 0.95
    hours_used: float | None = None
    hours_contracted: float | None = None
    tickets_last_90: int | None = None
    tickets_previous_90: int | None = None
    csat: float | None = None  # mean 1..5
    paid_on_time_share: float | None = None  # 0..1 of invoices paid by their due date
    days_overdue: float | None = None  # oldest unpaid invoice past due, 0 when none


@dataclass(frozen=True)
class HealthScore:
    score: float | None  # 0..100, one decimal; None when no component has data
    components: dict[str, float]
    weights: dict[str, float]  # normalised weights actually applied
    missing: tuple[str, ...]
    reasons: tuple[str, ...]
    red_flags: tuple[str, ...]
    # Share of the full weight that had data: a score from one input of five is a guess,
    # shown beside the score ("based on ..."), never a reason to read it as healthy.
    confidence: float = 0.0

    @property
    def based_on(self) -> str:
        n = len(self.components)
        if n == 0:
            return "no data"
        names = ", ".join(c.replace("_", " ") for c in self.components)
        level = "low" if self.confidence < LOW_CONFIDENCE else "good"
        return f"based on {n} of {len(COMPONENTS)} inputs ({names}); {level} confidence"


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _curve(x: float, points: tuple[tuple[float, float], ...]) -> float:
    xs, ys = zip(*points, strict=True)
    return float(np.interp(x, xs, ys))


def _known(*values: object) -> bool:
    return all(v is not None and not pd.isna(v) for v in values)


def score_health(
    inputs: HealthInputs, weights: HealthWeights | None = None, flags: RedFlags | None = None
) -> HealthScore:
    """Score one contract and say why it is not 100."""
    weights, flags = weights or HealthWeights(), flags or RedFlags()
    i = inputs
    parts: dict[str, float] = {}
    reasons: list[str] = []
    red: list[str] = []

    if _known(i.sla_compliance):
        c, t = float(i.sla_compliance), float(i.sla_target)  # type: ignore[arg-type]
        parts["sla"] = max(0.0, min(100.0, 100 * (1 - (t - c) / SLA_ZERO_BELOW_TARGET)))
        if c < t:
            reasons.append(f"SLA compliance {c * 100:.1f}% < {_pct(t)}")
        if c < flags.sla_floor:
            red.append(f"SLA compliance {c * 100:.1f}% below the {_pct(flags.sla_floor)} floor")

    if _known(i.hours_used, i.hours_contracted) and float(i.hours_contracted) > 0:  # type: ignore[arg-type]
        u = float(i.hours_used) / float(i.hours_contracted)  # type: ignore[arg-type]
        parts["utilisation"] = _curve(u, UTILISATION_CURVE)
        if u < 0.7:
            reasons.append(f"Utilisation {_pct(u)} of contracted hours (under-use, best 70-100%)")
        elif u > 1.0:
            reasons.append(f"Utilisation {_pct(u)} of contracted hours (over-use, best 70-100%)")
        if u < flags.under_use or u > flags.over_use:
            red.append(f"Utilisation {_pct(u)} of contracted hours")

    if _known(i.tickets_last_90, i.tickets_previous_90):
        recent, before = int(i.tickets_last_90), int(i.tickets_previous_90)  # type: ignore[arg-type]
        ratio = (recent + TREND_SMOOTHING) / (before + TREND_SMOOTHING)
        parts["ticket_trend"] = _curve(ratio, TREND_CURVE)
        if ratio > TREND_CURVE[0][0]:
            reasons.append(f"Tickets rising: {recent} in the last 90 days vs {before} before")
        if ratio >= flags.ticket_surge:
            red.append(f"Ticket surge: {recent} in the last 90 days vs {before} before")

    if _known(i.csat):
        s = float(i.csat)  # type: ignore[arg-type]
        parts["satisfaction"] = max(0.0, min(100.0, (s - 1) / 4 * 100))
        if s < 4.0:
            reasons.append(f"Satisfaction {s:.1f}/5 < 4.0")
        if s < flags.csat_floor:
            red.append(f"Satisfaction {s:.1f}/5 below {flags.csat_floor:.1f}")

    payment = []
    if _known(i.paid_on_time_share):
        share = float(i.paid_on_time_share)  # type: ignore[arg-type]
        payment.append(100 * share)
        if share < 0.9:
            reasons.append(f"Paid on time {_pct(share)} < 90%")
    if _known(i.days_overdue):
        days = float(i.days_overdue)  # type: ignore[arg-type]
        payment.append(100 * (1 - min(max(days, 0), OVERDUE_ZERO_DAYS) / OVERDUE_ZERO_DAYS))
        if days > 0:
            reasons.append(f"Oldest unpaid invoice {days:.0f} days overdue")
        if days > flags.days_overdue:
            red.append(f"Invoice {days:.0f} days overdue")
    if payment:
        parts["payment"] = sum(payment) / len(payment)

    missing = tuple(c for c in COMPONENTS if c not in parts)
    raw = {c: getattr(weights, c) for c in parts}
    total = sum(raw.values())
    if total <= 0:
        return HealthScore(None, parts, {}, missing, ("no health data",), tuple(red))
    used = {c: w / total for c, w in raw.items()}
    score = round(sum(parts[c] * used[c] for c in parts), 1)
    parts = {c: round(v, 1) for c, v in parts.items()}
    confidence = round(total / sum(getattr(weights, c) for c in COMPONENTS), 3)
    return HealthScore(score, parts, used, missing, tuple(reasons), tuple(red), confidence)


def health_frame(
    inputs: pd.DataFrame, weights: HealthWeights | None = None, flags: RedFlags | None = None
) -> pd.DataFrame:
    """Score every row; columns named like :class:`HealthInputs` fields, others ignored."""
    names = [f.name for f in fields(HealthInputs)]
    rows = []
    for record in inputs.to_dict("records"):
        values = {k: (None if pd.isna(v) else v) for k, v in record.items() if k in names}
        if "sla_target" in values and values["sla_target"] is None:
            del values["sla_target"]
        result = score_health(HealthInputs(**values), weights, flags)
        row = {"score": result.score, **{c: result.components.get(c) for c in COMPONENTS}}
        row["missing"], row["reasons"] = list(result.missing), list(result.reasons)
        row["red_flags"] = list(result.red_flags)
        row["confidence"] = result.confidence
        rows.append(row)
    columns = ["score", "confidence", *COMPONENTS, "missing", "reasons", "red_flags"]
    frame = pd.DataFrame(rows, index=inputs.index, columns=columns)
    numeric = ["score", *COMPONENTS]
    frame[numeric] = frame[numeric].astype(float)
    return frame


def at_risk(health: pd.DataFrame, flags: RedFlags | None = None) -> pd.DataFrame:
    """Rows of a :func:`health_frame` with a low score or a red flag, worst first.

    Adds ``why``: the red flags, then the score reasons. A contract with no data at all
    is not "at risk" but unknown; it is not listed here (it shows up as needs-data).
    """
    flags = flags or RedFlags()
    low = health["score"] < flags.at_risk_below
    flagged = health["red_flags"].map(bool)
    risky = health[low | flagged].copy()
    risky["why"] = [
        _why(red, score, reasons, flags.at_risk_below)
        for red, score, reasons in zip(
            risky["red_flags"], risky["score"], risky["reasons"], strict=True
        )
    ]
    return risky.sort_values("score", kind="stable")


_TOPICS = ("utilisation", "invoice", "sla compliance", "satisfaction", "ticket")


def _topic(text: str) -> tuple[str | None, str | None]:
    """(what, first number) of a flag or reason: 'Invoice 305 days overdue' and 'Oldest
    unpaid invoice 305 days overdue' say the same thing."""
    low = text.lower()
    what = next((t for t in _TOPICS if t in low), None)
    number = re.search(r"\d[\d.,]*", text)
    return what, number.group(0) if number else None


def _why(red: list[str], score: float, reasons: list[str], threshold: float) -> list[str]:
    """Red flags first, then the score, then the reasons not already said by a red flag."""
    low = [f"Health score {score:.1f} < {threshold:.0f}"] if score < threshold else []
    said = {_topic(r) for r in red}
    return [*red, *low, *(r for r in reasons if _topic(r) not in said)]
