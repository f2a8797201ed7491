"""Renewal recommendations: explicit rules, each with its evidence and a proposed price.

Rules, in the order they are reported (the first recommendation carries the price to
propose; later ones are additional actions):

- ``over_use``: in >= 3 of the last 4 periods the hours used exceeded contracted hours
  by more than 10% -> the smallest bigger tier covering the average demand of those
  periods, or, without one, more hours.
- ``under_use``: in >= 3 of the last 4 periods less than 50% was used -> right-size to
  the smallest tier covering the busiest period plus 20% headroom, or fewer hours.
- ``sla_remediation``: combined SLA compliance below target in >= 2 of the last 3
  months -> a remediation plan; the price stays flat (no uplift while we miss SLAs).
- ``payment_risk``: the oldest unpaid invoice is more than 60 days overdue, or fewer than
  70% of invoices were paid on time -> collect first, renew at the current price billed in
  advance (no uplift, and never "renew as is" while money is owed).
- ``renew_as_is``: none of the above -> same plan with the standard uplift (3%).

Tier prices are list prices: a tier change is proposed at the tier's price without an
extra uplift. Hours added or removed outside the catalogue are priced at
``CurrentPlan.extra_hour_price`` or, without one, pro rata of the current price per hour.
Prices are per month, rounded to cents (ROUND_HALF_UP) once, here. Periods should be
complete months (leave the running month out).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

import pandas as pd

CENT = Decimal("0.01")


class Rule(StrEnum):
    OVER_USE = "over_use"
    UNDER_USE = "under_use"
    SLA_REMEDIATION = "sla_remediation"
    PAYMENT_RISK = "payment_risk"
    RENEW_AS_IS = "renew_as_is"


@dataclass(frozen=True)
class Tier:
    name: str
    hours_per_month: Decimal
    price_per_month: Decimal


@dataclass(frozen=True)
class CurrentPlan:
    tier: str | None
    hours_per_month: Decimal
    price_per_month: Decimal
    extra_hour_price: Decimal | None = None  # monthly price of one contracted hour


@dataclass(frozen=True)
class RecommendRules:
    uplift: Decimal = Decimal("0.03")
    window: int = 4
    over_by: float = 0.10
    over_min_periods: int = 3
    under_below: float = 0.50
    under_min_periods: int = 3
    right_size_headroom: float = 0.20
    sla_target: float = 0.95
    sla_window: int = 3
    sla_min_misses: int = 2
    overdue_days: float = 60.0
    on_time_floor: float = 0.70

    def __post_init__(self) -> None:
        if self.uplift < 0 or self.window < 1 or self.sla_window < 1:
            raise ValueError("uplift must be >= 0 and windows >= 1")
        if self.over_min_periods > self.window or self.under_min_periods > self.window:
            raise ValueError("minimum periods cannot exceed the window")


@dataclass(frozen=True)
class Recommendation:
    rule: Rule
    summary: str
    current_price: Decimal  # per month
    proposed_price: Decimal  # per month
    proposed_tier: str | None
    proposed_hours: Decimal
    data: dict[str, object] = field(default_factory=dict)  # the evidence behind the rule

    @property
    def price_difference(self) -> Decimal:
        return self.proposed_price - self.current_price


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}%"


def _hour_price(plan: CurrentPlan) -> Decimal:
    if plan.extra_hour_price is not None:
        return plan.extra_hour_price
    if plan.hours_per_month <= 0:
        raise ValueError("no extra_hour_price and no hours to derive one from")
    return plan.price_per_month / plan.hours_per_month


def _hours(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("1"), ROUND_CEILING)


def _resize(
    plan: CurrentPlan, tiers: Sequence[Tier], need: float, *, bigger: bool
) -> tuple[str | None, Decimal, Decimal]:
    """(tier, hours, price) for a plan covering ``need`` hours, up or down from now."""
    current = plan.hours_per_month
    options = [t for t in tiers if (t.hours_per_month > current) == bigger]
    options = [t for t in options if t.hours_per_month != current]
    fits = [t for t in options if t.hours_per_month >= Decimal(str(need))]
    pick = min(fits, key=lambda t: t.hours_per_month) if fits else None
    if pick is not None:
        return pick.name, pick.hours_per_month, _cents(pick.price_per_month)
    hours = max(_hours(need), Decimal("1"))
    price = plan.price_per_month + (hours - plan.hours_per_month) * _hour_price(plan)
    return plan.tier, hours, _cents(max(price, Decimal("0")))


def _usage_rule(
    usage: pd.DataFrame, plan: CurrentPlan, tiers: Sequence[Tier], rules: RecommendRules
) -> Recommendation | None:
    window = usage.tail(rules.window)
    used = window["hours_used"].astype(float)
    contracted = window["hours_contracted"].astype(float)
    share = used / contracted.where(contracted > 0)
    evidence = {
        "periods": list(window["period"]),
        "hours_used": [round(v, 2) for v in used],
        "hours_contracted": [round(v, 2) for v in contracted],
        "utilisation": [None if math.isnan(v) else round(v, 4) for v in share],
    }
    over = used > contracted * (1 + rules.over_by)
    if int(over.sum()) >= rules.over_min_periods:
        demand = round(float(used[over].mean()), 2)
        tier, hours, price = _resize(plan, tiers, demand, bigger=True)
        what = f"tier {tier}" if tier != plan.tier else f"{hours} hours per month"
        return Recommendation(
            Rule.OVER_USE,
            f"Used more than {rules.over_by:.0%} over contracted hours in "
            f"{int(over.sum())} of the last {len(window)} periods: move to {what}.",
            plan.price_per_month,
            price,
            tier,
            hours,
            evidence | {"periods_over": int(over.sum()), "average_demand_hours": demand},
        )
    under = share < rules.under_below
    if int(under.sum()) >= rules.under_min_periods:
        need = round(float(used.max()) * (1 + rules.right_size_headroom), 2)
        tier, hours, price = _resize(plan, tiers, need, bigger=False)
        what = f"tier {tier}" if tier != plan.tier else f"{hours} hours per month"
        return Recommendation(
            Rule.UNDER_USE,
            f"Used less than {rules.under_below:.0%} of contracted hours in "
            f"{int(under.sum())} of the last {len(window)} periods: right-size to {what}.",
            plan.price_per_month,
            price,
            tier,
            hours,
            evidence | {"periods_under": int(under.sum()), "right_size_hours": need},
        )
    return None


def _sla_rule(sla: pd.DataFrame, plan: CurrentPlan, rules: RecommendRules) -> Recommendation | None:
    window = sla.tail(rules.sla_window)
    compliance = window["compliance"].astype(float)
    target = window["target"].astype(float) if "target" in window else rules.sla_target
    missed = compliance < target  # a month with nothing decided (NaN) is not a miss
    if int(missed.sum()) < rules.sla_min_misses:
        return None
    return Recommendation(
        Rule.SLA_REMEDIATION,
        f"SLA compliance below target in {int(missed.sum())} of the last {len(window)} "
        "months: agree a remediation plan and renew at the current price.",
        plan.price_per_month,
        _cents(plan.price_per_month),
        plan.tier,
        plan.hours_per_month,
        {
            "months": list(window["period"]),
            "compliance": [None if math.isnan(v) else round(v, 4) for v in compliance],
            "target": rules.sla_target if "target" not in window else list(target),
            "months_missed": int(missed.sum()),
        },
    )


def _payment_rule(
    days_overdue: float | None, on_time: float | None, plan: CurrentPlan, rules: RecommendRules
) -> Recommendation | None:
    late = days_overdue is not None and days_overdue > rules.overdue_days
    slow = on_time is not None and on_time < rules.on_time_floor
    if not (late or slow):
        return None
    why = []
    if late:
        why.append(f"the oldest unpaid invoice is {days_overdue:.0f} days overdue")
    if slow:
        why.append(f"only {on_time:.0%} of invoices were paid on time")
    return Recommendation(
        Rule.PAYMENT_RISK,
        f"Payment trouble: {' and '.join(why)}. Collect what is owed before renewing, then "
        "renew at the current price, billed in advance, without uplift.",
        plan.price_per_month,
        _cents(plan.price_per_month),
        plan.tier,
        plan.hours_per_month,
        {
            "days overdue": days_overdue,
            "paid on time": None if on_time is None else f"{on_time:.0%}",
        },
    )


def recommend(
    *,
    plan: CurrentPlan,
    usage: pd.DataFrame | None = None,
    sla: pd.DataFrame | None = None,
    tiers: Sequence[Tier] = (),
    rules: RecommendRules | None = None,
    days_overdue: float | None = None,
    paid_on_time: float | None = None,
) -> list[Recommendation]:
    """Every rule that fires, payment trouble first; ``renew_as_is`` only when none does.

    usage: ``period``, ``hours_used``, ``hours_contracted`` (oldest first);
    sla: ``period``, ``compliance`` and optional ``target`` (oldest first);
    days_overdue / paid_on_time: the client's payment record (share 0..1).
    """
    rules = rules or RecommendRules()
    found = [_payment_rule(days_overdue, paid_on_time, plan, rules)]
    if usage is not None and not usage.empty:
        found.append(_usage_rule(usage, plan, tiers, rules))
    if sla is not None and not sla.empty:
        found.append(_sla_rule(sla, plan, rules))
    result = [r for r in found if r is not None]
    if result:
        return result
    price = _cents(plan.price_per_month * (1 + rules.uplift))
    return [
        Recommendation(
            Rule.RENEW_AS_IS,
            f"Renew as is with the standard {_percent(rules.uplift)} uplift.",
            plan.price_per_month,
            price,
            plan.tier,
            plan.hours_per_month,
            {"uplift": _percent(rules.uplift)},
        )
    ]
