"""Small, hand-checked records for one contract: two terms of tickets, hours, invoices.

Current term 2024-07-01..2025-06-30, previous 2023-07-01..2024-06-30, contract zone
Europe/Berlin, 20 contracted hours a month, health check run on 2025-04-01.
"""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from renewals.healthcheck import health_check, terms_for

TZ = "Europe/Berlin"
TODAY = date(2025, 4, 1)
HOURS_PER_MONTH = 20


def at(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


@pytest.fixture
def tickets() -> pd.DataFrame:
    rows = [
        # previous term
        ("2023-09-01 08:00", "2023-09-01 08:30", "2023-09-01 12:00", 5, "met", "met"),
        ("2024-02-01 08:00", "2024-02-01 10:00", "2024-02-03 08:00", 3, "breached", "breached"),
        # 2024-06-30 22:30 UTC is 1 July in Berlin: current term
        ("2024-06-30 22:30", "2024-06-30 22:40", "2024-07-01 02:30", 4, "met", "met"),
        ("2024-10-10 09:00", "2024-10-10 09:20", "2024-10-10 17:00", 4, "met", "met"),
        ("2025-01-15 09:00", "2025-01-15 10:00", "2025-01-16 09:00", 2, "breached", "met"),
        ("2025-02-20 09:00", "2025-02-20 09:05", "2025-02-20 10:00", None, "met", "breached"),
        ("2025-03-25 09:00", None, None, None, "running", None),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["created_at", "first_response_at", "resolved_at", "csat", "response_sla",
                 "resolution_sla"],
    )  # fmt: skip
    for column in ("created_at", "first_response_at", "resolved_at"):
        frame[column] = pd.to_datetime(frame[column]).dt.tz_localize("UTC")
    return frame


@pytest.fixture
def time_entries() -> pd.DataFrame:
    hours = {
        "2023-08-10": 10,
        "2024-01-10": 30,
        "2024-09-10": 15,
        "2024-12-10": 25,
        "2025-01-10": 24,
        "2025-02-10": 18,
        "2025-03-10": 23,
        "2025-04-01 22:30": 2,  # 2 April in Berlin: after the check day, not counted
    }
    return pd.DataFrame(
        {"started_at": [at(k) for k in hours], "minutes": [h * 60 for h in hours.values()]}
    )


@pytest.fixture
def invoices() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "issue_date": [date(2023, 8, 1), date(2024, 1, 1), date(2024, 8, 1),
                           date(2024, 11, 1), date(2025, 1, 1), date(2025, 2, 1)],
            "due_date": [date(2023, 8, 31), date(2024, 1, 31), date(2024, 8, 31),
                         date(2024, 12, 1), date(2025, 1, 31), date(2025, 3, 3)],
            "total": [Decimal("500.00")] * 4 + [Decimal("600.00"), Decimal("650.00")],
            "paid_on": [date(2023, 8, 20), date(2024, 2, 20), date(2024, 8, 30),
                        date(2024, 12, 11), None, None],
            "status": ["paid", "paid", "paid", "paid", "issued", "issued"],
        }
    )  # fmt: skip


@pytest.fixture
def check(tickets, time_entries, invoices):
    current, previous = terms_for(date(2025, 6, 30), 12)
    return health_check(
        tickets=tickets,
        time_entries=time_entries,
        invoices=invoices,
        current=current,
        previous=previous,
        hours_per_month=HOURS_PER_MONTH,
        today=TODAY,
        tz=TZ,
    )
