"""Recommendation rules: each fires on its evidence, with its price."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from renewals.periods import sla_by_month
from renewals.recommend import CurrentPlan, RecommendRules, Rule, Tier, recommend

SILVER = CurrentPlan("silver", Decimal("20"), Decimal("1000.00"))
TIERS = [
    Tier("bronze", Decimal("10"), Decimal("550.00")),
    Tier("silver", Decimal("20"), Decimal("1000.00")),
    Tier("gold", Decimal("30"), Decimal("1400.00")),
    Tier("platinum", Decimal("60"), Decimal("2500.00")),
]


def usage(*used: float, contracted: float = 20) -> pd.DataFrame:
    periods = [f"2025-{m:02d}" for m in range(1, len(used) + 1)]
    return pd.DataFrame(
        {"period": periods, "hours_used": used, "hours_contracted": [contracted] * len(used)}
    )


def sla(*compliance: float | None, target: float | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "period": [f"2025-{m:02d}" for m in range(1, len(compliance) + 1)],
            "compliance": [float("nan") if c is None else c for c in compliance],
        }
    )
    if target is not None:
        frame["target"] = target
    return frame


def test_renew_as_is_with_standard_uplift():
    [rec] = recommend(plan=SILVER, usage=usage(15, 18, 20, 22), sla=sla(0.97, 0.99, 0.96))
    assert rec.rule is Rule.RENEW_AS_IS
    assert rec.proposed_price == Decimal("1030.00")
    assert rec.price_difference == Decimal("30.00")
    assert rec.summary == "Renew as is with the standard 3% uplift."


def test_uplift_is_configurable():
    rules = RecommendRules(uplift=Decimal("0.025"))
    [rec] = recommend(plan=CurrentPlan(None, Decimal("10"), Decimal("999.99")), rules=rules)
    assert rec.proposed_price == Decimal("1024.99")  # 1024.989750 rounded half up
    assert rec.summary == "Renew as is with the standard 2.5% uplift."


def test_over_use_three_of_four_periods_moves_to_the_tier_covering_demand():
    # 22 hours is exactly 10% over: not counted; 22.5, 25, 27.5 are.
    [rec] = recommend(plan=SILVER, usage=usage(40, 22.5, 22, 25, 27.5), tiers=TIERS)
    assert rec.rule is Rule.OVER_USE
    assert (rec.proposed_tier, rec.proposed_hours) == ("gold", Decimal("30"))
    assert (rec.proposed_price, rec.price_difference) == (Decimal("1400.00"), Decimal("400.00"))
    assert rec.data["periods"] == ["2025-02", "2025-03", "2025-04", "2025-05"]
    assert rec.data["periods_over"] == 3
    assert rec.data["average_demand_hours"] == 25.0
    assert rec.summary == (
        "Used more than 10% over contracted hours in 3 of the last 4 periods: move to tier gold."
    )


def test_over_use_two_of_four_does_not_fire():
    [rec] = recommend(plan=SILVER, usage=usage(25, 25, 20, 20), tiers=TIERS)
    assert rec.rule is Rule.RENEW_AS_IS


def test_over_use_without_a_bigger_tier_adds_hours_at_the_extra_hour_price():
    plan = CurrentPlan("custom", Decimal("20"), Decimal("1000.00"), Decimal("45.50"))
    [rec] = recommend(plan=plan, usage=usage(25, 26.2, 24, 30))
    # demand = mean(25, 26.2, 24, 30) = 26.3 -> 27 hours, 7 more at 45.50
    assert (rec.proposed_tier, rec.proposed_hours) == ("custom", Decimal("27"))
    assert rec.proposed_price == Decimal("1318.50")
    assert rec.summary.endswith("move to 27 hours per month.")


def test_extra_hours_default_to_pro_rata_price():
    plan = CurrentPlan(None, Decimal("30"), Decimal("1000.00"))
    [rec] = recommend(plan=plan, usage=usage(40, 40, 40, 40, contracted=30))
    assert (rec.proposed_hours, rec.proposed_price) == (Decimal("40"), Decimal("1333.33"))


def test_under_use_right_sizes_to_a_smaller_tier():
    [rec] = recommend(plan=SILVER, usage=usage(9, 8, 12, 7), tiers=TIERS)
    # busiest 12 h + 20% headroom = 14.4 h: bronze (10 h) is too small, so hours are
    # cut to 15 at the pro rata price of 50.00 per hour.
    assert rec.rule is Rule.UNDER_USE
    assert (rec.proposed_tier, rec.proposed_hours, rec.proposed_price) == (
        "silver",
        Decimal("15"),
        Decimal("750.00"),
    )
    assert rec.data["periods_under"] == 3
    assert rec.data["right_size_hours"] == 14.4


def test_under_use_picks_the_smallest_tier_that_still_fits():
    plan = CurrentPlan("platinum", Decimal("60"), Decimal("2500.00"))
    [rec] = recommend(plan=plan, usage=usage(20, 22, 18, 25, contracted=60), tiers=TIERS)
    assert (rec.rule, rec.proposed_tier, rec.proposed_price) == (
        Rule.UNDER_USE,
        "gold",
        Decimal("1400.00"),
    )
    assert rec.price_difference == Decimal("-1100.00")


def test_sla_misses_in_two_of_last_three_months_call_for_remediation_at_flat_price():
    [rec] = recommend(plan=SILVER, sla=sla(0.5, 0.99, 0.90, 0.94))
    assert rec.rule is Rule.SLA_REMEDIATION
    assert rec.proposed_price == Decimal("1000.00")
    assert rec.data == {
        "months": ["2025-02", "2025-03", "2025-04"],
        "compliance": [0.99, 0.9, 0.94],
        "target": 0.95,
        "months_missed": 2,
    }


def test_months_without_decided_tickets_are_not_misses():
    [rec] = recommend(plan=SILVER, sla=sla(0.5, None, None))
    assert rec.rule is Rule.RENEW_AS_IS


def test_per_month_target_column_is_used():
    [rec] = recommend(plan=SILVER, sla=sla(0.90, 0.90, 0.90, target=0.85))
    assert rec.rule is Rule.RENEW_AS_IS


def test_rules_combine_usage_first_then_sla(check, tickets):
    complete = check.usage[check.usage["period"] <= "2025-03"]
    monthly = sla_by_month(
        tickets, start=date(2025, 1, 1), through=date(2025, 3, 31), tz="Europe/Berlin"
    )
    recs = recommend(plan=SILVER, usage=complete, sla=monthly, tiers=TIERS)
    assert [r.rule for r in recs] == [Rule.OVER_USE, Rule.SLA_REMEDIATION]
    assert recs[0].data["hours_used"] == [25.0, 24.0, 18.0, 23.0]
    assert (recs[0].proposed_tier, recs[0].proposed_price) == ("gold", Decimal("1400.00"))
    assert recs[1].data["compliance"] == [0.5, 0.5, None]


def test_rules_are_validated():
    with pytest.raises(ValueError):
        RecommendRules(uplift=Decimal("-0.01"))
    with pytest.raises(ValueError):
        RecommendRules(window=2)


def test_payment_trouble_replaces_renew_as_is_and_keeps_the_price():
    from renewals.recommend import Rule, recommend

    plan = CurrentPlan(tier="gold", hours_per_month=Decimal("20"), price_per_month=Decimal("1000"))
    (rec,) = recommend(plan=plan, days_overdue=280, paid_on_time=0.95)
    assert rec.rule == Rule.PAYMENT_RISK
    assert rec.proposed_price == Decimal("1000.00")
    assert "280 days overdue" in rec.summary
    (slow,) = recommend(plan=plan, days_overdue=0, paid_on_time=0.5)
    assert slow.rule == Rule.PAYMENT_RISK and "only 50% of invoices" in slow.summary
    (fine,) = recommend(plan=plan, days_overdue=10, paid_on_time=0.95)
    assert fine.rule == Rule.RENEW_AS_IS and fine.data == {"uplift": "3%"}
