"""Each KPI against a small data set computed by hand."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from analytics import kpis
from analytics.performance import breakdown, suggestions
from analytics.portfolio import summarize

TODAY = date(2026, 11, 23)


def contracts() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # id, ref, client, tier, status, end, value, model, fee, cycle, unit price, units, hours
            (
                1,
                "C-1",
                "Acme",
                "gold",
                "active",
                date(2027, 6, 30),
                Decimal("60000"),
                "fixed",
                Decimal("5000"),
                "monthly",
                None,
                None,
                None,
            ),
            (
                2,
                "C-2",
                "Beta",
                "gold",
                "active",
                date(2027, 1, 31),
                Decimal("36000"),
                "block_hours",
                Decimal("9000"),
                "quarterly",
                None,
                None,
                Decimal("10"),
            ),
            (
                3,
                "C-3",
                "Core",
                "bronze",
                "active",
                None,
                None,
                "per_unit",
                None,
                "monthly",
                Decimal("40"),
                25,
                None,
            ),
            (
                4,
                "C-4",
                "Dune",
                "bronze",
                "expired",
                date(2026, 10, 31),
                Decimal("12000"),
                "fixed",
                Decimal("1000"),
                "monthly",
                None,
                None,
                None,
            ),
        ],
        columns=[
            "id",
            "reference",
            "client",
            "tier",
            "status",
            "end_date",
            "value",
            "pricing_model",
            "recurring_fee",
            "billing_cycle",
            "unit_price",
            "unit_count",
            "included_hours",
        ],
    ).assign(client_id=lambda d: d["id"], currency="GBP")


def test_active_and_mrr():
    live = kpis.active(contracts(), TODAY)
    assert live["id"].tolist() == [1, 2, 3]
    mrr = kpis.monthly_recurring(live)
    # 5000 monthly; 9000 per quarter = 3000 a month; 40 x 25 units = 1000
    assert mrr.to_dict() == {1: Decimal("5000"), 2: Decimal("3000"), 3: Decimal("1000")}
    assert 12 * sum(mrr) == Decimal("108000")


def test_revenue_margin_and_tiers():
    inv = pd.DataFrame(
        {
            "contract_id": [1, 1, 2, 2],
            "period_start": [
                date(2026, 9, 1),
                date(2026, 10, 1),
                date(2026, 10, 1),
                date(2026, 10, 1),
            ],
            "total": [Decimal("5000"), Decimal("5000"), Decimal("9000"), Decimal("-1000")],
            "status": ["paid", "paid", "void", "issued"],
        }
    )
    rev = kpis.revenue_by_contract(inv, date(2026, 9, 1), date(2026, 10, 31))
    assert rev.to_dict() == {1: Decimal("10000"), 2: Decimal("-1000")}
    cost = pd.Series({1: 4000.0, 2: 500.0})
    t = kpis.margin_table(contracts(), rev, cost)
    assert t.set_index("id").loc[1, "margin"] == pytest.approx(0.6)
    assert pd.isna(t.set_index("id").loc[3, "margin"])  # no revenue: no margin, no division
    tiers = kpis.margin_by_tier(t).set_index("tier")
    assert tiers.loc["gold", "revenue"] == 9000.0 and tiers.loc["gold", "cost"] == 4500.0
    assert tiers.loc["gold", "margin"] == pytest.approx(0.5)
    assert pd.isna(tiers.loc["bronze", "margin"])  # no revenue: missing, not 0


def test_utilisation_quadrants():
    used = pd.Series({2: 36.0})
    u = kpis.utilisation_table(contracts(), used, months=3).set_index("id")
    assert u.loc[2, "contracted"] == 30.0 and u.loc[2, "utilisation"] == pytest.approx(1.2)
    assert u.loc[2, "quadrant"] == "upgrade opportunity"
    low = kpis.utilisation_table(contracts(), pd.Series({2: 12.0}), months=3)
    assert low.iloc[0]["quadrant"] == "churn risk"


def test_sla_rate_and_renewal_rates():
    out = pd.DataFrame(
        {
            "metric": ["response"] * 4 + ["resolution"] * 2,
            "state": ["met", "met", "breached", "running", "at_risk", "paused"],
        }
    )
    assert kpis.sla_rate(out, "response") == pytest.approx(2 / 3)
    assert kpis.sla_rate(out, "resolution") is None  # nothing decided: no rate
    opps = pd.DataFrame(
        {
            "term_end": [
                date(2026, 10, 1),
                date(2026, 10, 15),
                date(2026, 9, 1),
                date(2026, 10, 20),
            ],
            "outcome": ["renewed", "lost", "renegotiated", "open"],
            "value": [Decimal("30000"), Decimal("10000"), Decimal("5000"), None],
        }
    )
    rate, retained = kpis.renewal_rates(opps, date(2026, 10, 1), date(2026, 10, 31))
    assert rate == pytest.approx(0.5) and retained == pytest.approx(0.75)
    assert kpis.renewal_rates(opps.iloc[0:0], date(2026, 1, 1), date(2026, 12, 31)) == (None, None)


def test_underperforming_picks_the_worst_tenth_under_target_not_everyone_under_target():
    n = 20
    t = pd.DataFrame(
        {
            "id": range(1, n + 1),
            "reference": [f"C-{i}" for i in range(1, n + 1)],
            "client": ["A"] * n,
            "tier": ["gold"] * n,
            # All but the two best are under the 35% target; only the lowest 10% are picked.
            "margin": [0.05, 0.10] + [0.20] * 16 + [0.5, 0.6],
        }
    )
    sla = pd.Series({i: 0.97 for i in range(1, n + 1)} | {7: 0.80, 8: 0.90})
    u = kpis.underperforming(t, sla, kpis.Targets())
    # Worst first: by the distance under target (30 points of margin, then 25, 18.5, 8.5).
    assert u["reference"].tolist() == ["C-1", "C-2", "C-7", "C-8"]
    assert u["why"].tolist()[::2] == [
        "margin 5%, among the lowest 10% (target 35%)",
        "SLA compliance 80.0%, among the lowest 10% (target 98.5%)",
    ]


def test_underperforming_is_empty_when_the_bottom_is_on_target():
    t = pd.DataFrame(
        {
            "id": [1, 2],
            "reference": ["a", "b"],
            "client": ["A", "B"],
            "tier": ["gold"] * 2,
            "margin": [0.40, 0.50],
        }
    )
    assert kpis.underperforming(t, pd.Series({1: 0.99, 2: 1.0}), kpis.Targets()).empty


def test_tile_status_against_floor_and_band():
    rate = kpis.Kpi("Renewal rate", 0.71, 0.80, "share", target=0.94)
    assert rate.status == "below target" and rate.change == pytest.approx(-0.09)
    assert kpis.Kpi("Margin", 0.40, None, "share", target=0.35).status == "on target"
    band = (250.0, 300.0)
    assert kpis.Kpi("Contracts per admin", 275, None, "score", target=band).status == "on target"
    assert kpis.Kpi("Contracts per admin", 320, None, "score", target=band).status == (
        "above target"
    )
    assert kpis.Kpi("Tickets", 10, 5, "count").status is None


def test_portfolio_summary_sums_per_currency():
    df = contracts()
    df.loc[0, "currency"] = "USD"
    s = summarize(df, today=TODAY)
    assert s.active_contracts == 3 and s.missing_value == 1
    assert dict(
        zip(s.value_by_currency["currency"], s.value_by_currency["value"], strict=True)
    ) == {"USD": Decimal("60000"), "GBP": Decimal("36000")}


def test_performance_breakdown_and_suggestions():
    t = pd.DataFrame(
        {
            "ticket_id": [1, 2, 3, 4],
            "reference": ["C-1"] * 4,
            "client": ["A"] * 4,
            "technician": ["T"] * 4,
            "service_type": ["email", "email", "network", "network"],
            "resolved_at": [1, 1, 1, None],
            "csat": [5, 3, None, None],
            "resolution_min": [60.0, 180.0, 600.0, float("nan")],
            "created_at": pd.to_datetime(["2026-11-02"] * 4, utc=True),
        }
    )
    b = breakdown(t, "service type").set_index("service type")
    assert b.loc["email", "median_resolution_h"] == 2.0 and b.loc["email", "csat"] == 4.0
    assert b.loc["network", "resolved"] == 0.5
    assert b.loc["email", "p90_resolution_h"] == pytest.approx(2.8)  # 1 h and 3 h
    assert b.loc["network", "p90_resolution_h"] == 10.0  # the open ticket has no minutes
    assert list(b.columns)[:4] == ["tickets", "resolved", "median_resolution_h", "p90_resolution_h"]
    util = pd.DataFrame(
        {
            "reference": ["C-1"],
            "client": ["A"],
            "utilisation": [1.5],
            "used": [15.0],
            "contracted": [10.0],
        }
    )
    margins = pd.DataFrame(
        {
            "reference": ["C-1"],
            "client": ["A"],
            "margin": [0.1],
            "revenue": [Decimal("100")],
            "cost": [90.0],
        }
    )
    s = suggestions(util, margins, breakdown(t, "service type"))
    assert s["suggestion"].tolist() == ["pricing adjustment", "restructuring", "service scaling"]
    assert "network: 50% of tickets" in s.iloc[2]["why"]
