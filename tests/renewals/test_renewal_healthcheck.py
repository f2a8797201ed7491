"""The 90-day health check compiled from tickets, hours and invoices (see conftest)."""

from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from renewals.health import HealthInputs
from renewals.healthcheck import Term, paid_on_dates, terms_for, to_health_inputs
from renewals.periods import local_days, sla_by_month, usage_by_period

TZ = "Europe/Berlin"  # the zone of the conftest records


def at(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_terms_for_month_end_and_leap_years():
    assert terms_for(date(2025, 6, 30), 12) == (
        Term(date(2024, 7, 1), date(2025, 6, 30)),
        Term(date(2023, 7, 1), date(2024, 6, 30)),
    )
    current, previous = terms_for(date(2025, 2, 28), 12)
    assert current == Term(date(2024, 3, 1), date(2025, 2, 28))
    assert previous == Term(date(2023, 3, 1), date(2024, 2, 29))


def test_current_term_report(check):
    c = check.current
    assert c.through == date(2025, 4, 1)
    assert (c.tickets_opened, c.tickets_resolved) == (5, 4)
    assert c.sla_met == {"response": 3, "resolution": 3}
    assert c.sla_breached == {"response": 1, "resolution": 1}
    assert c.sla_compliance == {"response": 0.75, "resolution": 0.75}
    assert c.sla_compliance_overall == 0.75
    assert (c.median_response_minutes, c.avg_response_minutes) == (15.0, 23.8)
    assert (c.median_resolution_minutes, c.avg_resolution_minutes) == (360.0, 555.0)
    assert (c.hours_used, c.hours_contracted) == (105.0, 180.67)
    assert (c.utilisation, c.overage_hours) == (0.5812, 12.0)
    assert (c.csat_avg, c.csat_responses) == (3.33, 3)
    assert c.invoices_issued == 4
    assert (c.invoices_paid_on_time, c.invoices_paid_late, c.invoices_unpaid_overdue) == (1, 1, 2)
    assert (c.on_time_share, c.avg_days_late, c.max_days_overdue) == (0.25, 10.0, 60)
    assert c.amount_outstanding == Decimal("1250.00")


def test_previous_term_report(check):
    p = check.previous
    assert (p.tickets_opened, p.tickets_resolved, p.sla_compliance_overall) == (2, 2, 0.5)
    assert (p.median_response_minutes, p.median_resolution_minutes) == (75.0, 1560.0)
    assert (p.hours_used, p.hours_contracted, p.utilisation, p.overage_hours) == (
        40.0,
        240.0,
        0.1667,
        10.0,
    )
    assert (p.csat_avg, p.on_time_share, p.avg_days_late, p.max_days_overdue) == (4.0, 0.5, 20.0, 0)
    assert p.amount_outstanding == Decimal("0.00")


def test_deltas_and_trend(check):
    assert check.deltas == {
        "tickets_opened": 3,
        "tickets_resolved": 2,
        "sla_compliance_overall": 0.25,
        "median_response_minutes": -60.0,
        "avg_response_minutes": -51.2,
        "median_resolution_minutes": -1200.0,
        "avg_resolution_minutes": -1005.0,
        "hours_used": 65.0,
        "utilisation": 0.4145,
        "overage_hours": 2.0,
        "csat_avg": -0.67,
        "on_time_share": -0.25,
        "avg_days_late": -10.0,
        "max_days_overdue": 60,
    }
    assert (check.tickets_last_90, check.tickets_previous_90) == (3, 1)
    assert len(check.usage) == 22
    assert list(check.usage["period"][-5:]) == [
        "2024-12",
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
    ]


def test_to_health_inputs(check):
    assert to_health_inputs(check) == HealthInputs(
        sla_compliance=0.75,
        sla_target=0.95,
        hours_used=105.0,
        hours_contracted=180.67,
        tickets_last_90=3,
        tickets_previous_90=1,
        csat=3.33,
        paid_on_time_share=0.25,
        days_overdue=60,
    )


def test_usage_by_period_prorates_partial_months(time_entries):
    usage = usage_by_period(
        time_entries, start=date(2025, 2, 15), through=date(2025, 3, 10), hours_per_month=28, tz=TZ
    )
    assert usage.to_dict("list") == {
        "period": ["2025-02", "2025-03"],
        "period_start": [date(2025, 2, 15), date(2025, 3, 1)],
        "period_end": [date(2025, 2, 28), date(2025, 3, 10)],
        "hours_used": [0.0, 23.0],
        "hours_contracted": [14.0, 9.03],
        "utilisation": [0.0, 2.5471],
        "overage_hours": [0.0, 13.97],
    }


def test_sla_by_month(tickets):
    monthly = sla_by_month(tickets, start=date(2025, 1, 1), through=date(2025, 3, 31), tz=TZ)
    assert list(monthly["met"]) == [1, 1, 0]
    assert list(monthly["breached"]) == [1, 1, 0]
    assert list(monthly["compliance"][:2]) == [0.5, 0.5]
    assert pd.isna(monthly["compliance"].iloc[2])  # nothing decided is not 100%
    assert list(monthly["response_compliance"][:2]) == [0.0, 1.0]


def test_local_days_buckets_by_contract_zone_and_refuses_naive_instants():
    days = local_days(pd.Series([at("2024-06-30 22:30")]), TZ)
    assert days.iloc[0] == pd.Timestamp("2024-07-01")
    assert local_days(pd.Series([date(2024, 6, 30)]), "America/New_York").iloc[0] == pd.Timestamp(
        "2024-06-30"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        local_days(pd.Series([datetime(2024, 1, 1, 12)]), TZ)
    with pytest.raises(ValueError, match="timezone-aware"):
        local_days(pd.Series(pd.to_datetime(["2024-01-01 12:00"])), TZ)


def test_paid_on_dates_from_partial_payments():
    invoices = pd.DataFrame({"id": [1, 2, 3], "total": [Decimal("100.00")] * 3})
    payments = pd.DataFrame(
        {
            "invoice_id": [1, 1, 2, 3, 1],
            "paid_on": [date(2025, 1, 10), date(2025, 1, 5), date(2025, 1, 7), date(2025, 2, 1),
                        date(2025, 3, 1)],
            "amount": [Decimal("60.00"), Decimal("40.00"), Decimal("99.99"), Decimal("100.00"),
                       Decimal("5.00")],
        }
    )  # fmt: skip
    assert list(paid_on_dates(invoices, payments)) == [date(2025, 1, 10), None, date(2025, 2, 1)]
