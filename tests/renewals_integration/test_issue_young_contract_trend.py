"""Regressions of the renewal pipeline: young contracts have no ticket trend; an empty store."""

from datetime import UTC, date, datetime, timedelta

import pandas as pd

from db.models import Ticket
from db.renewals.health_inputs import health_inputs
from tests.factories import make_contract

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def _tickets(session, contract, n: int, days_ago: int) -> None:
    for i in range(n):
        session.add(
            Ticket(
                source="t",
                external_id=f"{contract.id}-{days_ago}-{i}",
                client_id=contract.client_id,
                contract_id=contract.id,
                service_type="email",
                priority="P3",
                status="closed",
                created_at=NOW - timedelta(days=days_ago, hours=i),
            )
        )


def test_trend_only_with_a_full_previous_window(session):
    _, young = make_contract(
        session,
        "Young Ltd",
        reference="C-Y",
        start_date=date(2026, 8, 1),
        end_date=date(2027, 7, 31),
    )
    _, old = make_contract(
        session, "Old Ltd", reference="C-O", start_date=date(2025, 1, 1), end_date=date(2027, 7, 31)
    )
    for c in (young, old):
        _tickets(session, c, 5, days_ago=10)
    _tickets(session, old, 2, days_ago=120)
    session.flush()
    frame = pd.DataFrame(
        [
            {
                "id": c.id,
                "start_date": c.start_date,
                "end_date": c.end_date,
                "included_hours": None,
                "timezone": "UTC",
            }
            for c in (young, old)
        ]
    )
    out = health_inputs(session=session, contracts=frame, now=NOW)
    assert pd.isna(out.loc[young.id, "tickets_previous_90"])
    assert pd.isna(out.loc[young.id, "tickets_last_90"])
    assert (out.loc[old.id, "tickets_last_90"], out.loc[old.id, "tickets_previous_90"]) == (5, 2)


def test_issue_pipeline_of_an_empty_store_is_empty_not_an_error(session):
    from access.roles import SYSTEM
    from db.renewals.pipeline import renewal_pipeline

    pipe = renewal_pipeline(session=session, actor=SYSTEM, now=NOW)
    assert pipe.contracts.empty and pipe.at_risk.empty and sum(pipe.counts.values()) == 0
    assert {"health", "why"} <= set(pipe.at_risk.columns)
