"""Health score curves, re-weighting of missing inputs, at-risk list and forecast."""

from decimal import Decimal

import pandas as pd
import pytest

from renewals.forecast import UNKNOWN_PROBABILITY, renewal_forecast, renewal_probability
from renewals.health import (
    HealthInputs,
    HealthWeights,
    RedFlags,
    at_risk,
    health_frame,
    score_health,
)

FULL = HealthInputs(
    sla_compliance=0.91,
    hours_used=130,
    hours_contracted=100,
    tickets_last_90=80,
    tickets_previous_90=50,
    csat=3.2,
    paid_on_time_share=0.6,
    days_overdue=45,
)


def test_full_inputs_score_reasons_and_weights():
    result = score_health(FULL)
    # 0.30*84 + 0.20*70 + 0.15*50.5 + 0.20*55 + 0.15*55 = 66.025
    assert result.score == 66.0
    assert result.components == {
        "sla": 84.0,
        "utilisation": 70.0,
        "ticket_trend": 50.5,
        "satisfaction": 55.0,
        "payment": 55.0,
    }
    assert result.missing == ()
    assert result.reasons == (
        "SLA compliance 91.0% < 95%",
        "Utilisation 130% of contracted hours (over-use, best 70-100%)",
        "Tickets rising: 80 in the last 90 days vs 50 before",
        "Satisfaction 3.2/5 < 4.0",
        "Paid on time 60% < 90%",
        "Oldest unpaid invoice 45 days overdue",
    )
    assert result.red_flags == ()


def test_perfect_contract_scores_100_without_reasons():
    result = score_health(
        HealthInputs(
            sla_compliance=0.99,
            hours_used=85,
            hours_contracted=100,
            tickets_last_90=10,
            tickets_previous_90=12,
            csat=5,
            paid_on_time_share=1.0,
            days_overdue=0,
        )
    )
    assert (result.score, result.reasons, result.red_flags) == (100.0, (), ())


@pytest.mark.parametrize(
    ("used", "score"),
    [(0, 0.0), (35, 50.0), (70, 100.0), (100, 100.0), (125, 75.0), (150, 50.0), (200, 0.0)],
)
def test_utilisation_curve_penalises_under_and_over_use(used, score):
    result = score_health(HealthInputs(hours_used=used, hours_contracted=100))
    assert result.components == {"utilisation": score}
    assert result.score == score


def test_missing_inputs_are_reweighted_not_zero():
    result = score_health(HealthInputs(sla_compliance=1.0, csat=1.0))
    # sla 100 at weight .30 and satisfaction 0 at .20 -> 100 * .3/.5 = 60
    assert result.score == 60.0
    assert result.weights == pytest.approx({"sla": 0.6, "satisfaction": 0.4})
    assert result.missing == ("utilisation", "ticket_trend", "payment")


def test_zero_contracted_hours_counts_as_missing():
    result = score_health(HealthInputs(hours_used=10, hours_contracted=0, csat=5))
    assert result.missing == ("sla", "utilisation", "ticket_trend", "payment")
    assert result.score == 100.0


def test_no_data_at_all_gives_no_score():
    result = score_health(HealthInputs())
    assert result.score is None
    assert result.reasons == ("no health data",)


def test_custom_weights_change_the_score_and_are_validated():
    only_sla = HealthWeights(sla=1, utilisation=0, ticket_trend=0, satisfaction=0, payment=0)
    assert score_health(FULL, only_sla).score == 84.0
    with pytest.raises(ValueError):
        HealthWeights(sla=-1)
    with pytest.raises(ValueError):
        HealthWeights(0, 0, 0, 0, 0)


def test_ticket_trend_smoothing_keeps_small_counts_calm():
    # 1 -> 3 tickets: (3 + 5) / (1 + 5) = 1.33, a mild rise, not a 200% surge
    small = score_health(HealthInputs(tickets_last_90=3, tickets_previous_90=1))
    assert (small.score, small.red_flags) == (74.1, ())
    assert score_health(HealthInputs(tickets_last_90=0, tickets_previous_90=0)).score == 100.0
    surge = score_health(HealthInputs(tickets_last_90=40, tickets_previous_90=10))
    assert surge.score == 0.0
    assert surge.red_flags == ("Ticket surge: 40 in the last 90 days vs 10 before",)


def test_red_flags():
    result = score_health(
        HealthInputs(
            sla_compliance=0.80,
            hours_used=20,
            hours_contracted=100,
            csat=2.5,
            days_overdue=75,
        )
    )
    assert result.red_flags == (
        "SLA compliance 80.0% below the 85% floor",
        "Utilisation 20% of contracted hours",
        "Satisfaction 2.5/5 below 3.0",
        "Invoice 75 days overdue",
    )


def test_health_frame_and_at_risk_list():
    inputs = pd.DataFrame(
        {
            "contract_id": [1, 2, 3, 4],
            "sla_compliance": [0.99, 0.80, None, 0.97],
            "csat": [4.8, None, None, 4.0],
            "days_overdue": [None, None, 75.0, 0.0],
            "hours_used": [None, None, None, 40.0],
            "hours_contracted": [None, None, None, 100.0],
        },
        index=[10, 20, 30, 40],
    )
    frame = health_frame(inputs)
    assert list(frame["score"]) == [98.0, 40.0, 16.7, 84.0]
    assert frame.loc[10, "missing"] == ["utilisation", "ticket_trend", "payment"]
    risky = at_risk(frame)
    assert list(risky.index) == [30, 20]
    assert risky.loc[30, "why"] == [  # the reason repeating the red flag is left out
        "Invoice 75 days overdue",
        "Health score 16.7 < 60",
    ]
    assert risky.loc[20, "why"][0] == "SLA compliance 80.0% below the 85% floor"
    assert not any(w.startswith("SLA compliance 80.0% <") for w in risky.loc[20, "why"])
    assert list(at_risk(frame, RedFlags(at_risk_below=90)).index) == [30, 20, 40]


@pytest.mark.parametrize(
    ("score", "probability"),
    [
        (None, "0.5000"),
        (0, "0.1000"),
        (40, "0.3500"),
        (50, "0.4750"),
        (80, "0.8500"),
        (100, "0.9500"),
        (120, "0.9500"),
    ],
)
def test_renewal_probability_table(score, probability):
    assert renewal_probability(score) == Decimal(probability)


def test_forecast_weights_value_per_currency():
    contracts = pd.DataFrame(
        {
            "value": [Decimal("12000.00"), Decimal("5000"), None, Decimal("100")],
            "health_score": [90, None, 50, 33.3],
            "currency": ["EUR", "EUR", "EUR", "USD"],
        }
    )
    forecast = renewal_forecast(contracts)
    assert list(forecast.rows["weighted_value"]) == [
        Decimal("10800.00"),
        Decimal("2500.00"),
        None,
        Decimal("30.81"),
    ]
    eur = forecast.totals["EUR"]
    assert (eur.contracts, eur.total_value, eur.weighted_value, eur.unscored) == (
        2,
        Decimal("17000.00"),
        Decimal("13300.00"),
        1,
    )
    assert forecast.totals["USD"].weighted_value == Decimal("30.81")
    assert forecast.rows.loc[1, "probability"] == UNKNOWN_PROBABILITY


def test_forecast_refuses_float_money():
    with pytest.raises(TypeError, match="Decimal"):
        renewal_forecast(pd.DataFrame({"value": [100.5], "health_score": [80]}))


def test_little_data_gives_low_confidence_not_a_confident_score():
    from renewals.health import HealthInputs, score_health

    thin = score_health(HealthInputs(tickets_last_90=0, tickets_previous_90=0))
    assert thin.score == 100.0 and thin.confidence == 0.15
    assert thin.based_on == "based on 1 of 5 inputs (ticket trend); low confidence"
    full = score_health(
        HealthInputs(
            sla_compliance=0.97,
            hours_used=10,
            hours_contracted=12,
            tickets_last_90=4,
            tickets_previous_90=4,
            csat=4.5,
            paid_on_time_share=1.0,
            days_overdue=0,
        )
    )
    assert full.confidence == 1.0 and full.based_on.endswith("good confidence")
    assert score_health(HealthInputs()).based_on == "no data"
