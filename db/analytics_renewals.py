"""The renewal figures of the executive dashboard: decided opportunities (renewal rate,
value retained), the weighted forecast and the at-risk contracts.

The forecast and at-risk list come from the renewal pipeline itself, so the dashboard and
the Renewal pipeline page never disagree; its health inputs are shared between them
(db/renewals/health_cache.py), so the dashboard's two calls (now and the previous period)
and the pipeline page do not each score every contract again while nothing changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Contract, RenewalOpportunity


def opportunities(session: Session) -> pd.DataFrame:
    """Every renewal opportunity with its contract's value and currency."""
    rows = session.execute(
        select(
            RenewalOpportunity.contract_id,
            RenewalOpportunity.term_end,
            RenewalOpportunity.outcome,
            Contract.value,
            Contract.currency,
        ).join(Contract, Contract.id == RenewalOpportunity.contract_id)
    ).all()
    return pd.DataFrame(rows, columns=["contract_id", "term_end", "outcome", "value", "currency"])


def renewal_risk(session: Session, nows: Sequence[datetime], currency: str, ids: list[int]):
    """[(weighted 90-day forecast, at-risk rows)] from the renewal pipeline at each of
    `nows`, one currency."""
    from access.roles import SYSTEM
    from db.renewals.pipeline import renewal_pipelines

    out = []
    for pipe in renewal_pipelines(session=session, actor=SYSTEM, nows=nows, forecast_days=90):
        fc = pipe.forecast[pipe.forecast["currency"] == currency]
        forecast = fc["weighted value"].iloc[0] if len(fc) else None
        risk = pipe.at_risk[(pipe.at_risk["currency"] == currency) & pipe.at_risk["id"].isin(ids)]
        out.append((forecast, risk.drop(columns=["id"])))
    return out


def risk_value(rows: pd.DataFrame):
    """Sum of the contract values of at-risk rows (0 when none)."""
    return sum((v for v in rows["value"].dropna()), start=0)
