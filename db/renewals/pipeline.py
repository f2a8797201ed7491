"""The renewal board: every live contract by stage, health, the at-risk list, the forecast."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

import pandas as pd
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db.renewals import health_cache
from db.renewals.contracts import _pipeline_frame
from db.renewals.health_inputs import health_inputs
from db.renewals.weights import health_weights
from db.sla import outcome_cache
from renewals.forecast import renewal_forecast
from renewals.health import HealthWeights, at_risk, health_frame
from renewals.stage import Stage
from renewals.tasks import OPEN_STAGES

BOARD = (
    Stage.HEALTH_CHECK,
    Stage.PROPOSAL,
    Stage.CLOSING,
    Stage.LAPSED,
    Stage.RENEWED,
    Stage.LOST,
    Stage.ACTIVE,
    Stage.NEEDS_DATA,
)
STAGE_LABELS = {
    Stage.ACTIVE: "Active (> 90 days)",
    Stage.HEALTH_CHECK: "90 days: health check",
    Stage.PROPOSAL: "60 days: proposal",
    Stage.CLOSING: "30 days: closing",
    Stage.LAPSED: "Lapsed",
    Stage.RENEWED: "Renewed",
    Stage.LOST: "Lost",
    Stage.NEEDS_DATA: "Needs data",
}


@dataclass(frozen=True)
class Pipeline:
    contracts: pd.DataFrame  # one row per live contract, board columns
    counts: dict[str, int]  # stage -> contracts
    needs_data: pd.DataFrame
    at_risk: pd.DataFrame
    forecast: pd.DataFrame  # per currency
    weights: dict[str, float]
    weights_problem: str | None


BOARD_COLUMNS = [
    "id", "reference", "client", "stage", "key_date", "days_to_key_date", "notice_deadline",
    "effective_end", "value", "currency", "health", "account_manager", "reason",
]  # fmt: skip


def renewal_pipeline(
    *, session: Session, actor: Actor, now: datetime, forecast_days: int = 365
) -> Pipeline:
    """Every live contract by stage, with health, the at-risk list and the forecast."""
    return renewal_pipelines(
        session=session, actor=actor, nows=(now,), forecast_days=forecast_days
    )[0]


def renewal_pipelines(
    *, session: Session, actor: Actor, nows: Sequence[datetime], forecast_days: int = 365
) -> list[Pipeline]:
    """`renewal_pipeline` at each of `nows` (the executive view's now and previous period),
    reading the weights and the health cache's store state once for all of them."""
    require(actor, "work_renewals")
    weights, problem = health_weights(session=session)
    store = health_cache.state(session) if outcome_cache.is_enabled(session) else None
    return [_pipeline(session, now, weights, problem, store, forecast_days) for now in nows]


def _pipeline(
    session: Session,
    now: datetime,
    weights: HealthWeights,
    problem: str | None,
    store: tuple | None,
    forecast_days: int,
) -> Pipeline:
    frame = _pipeline_frame(session, now)
    inputs = health_inputs(session=session, contracts=frame, now=now, store=store)
    scored = health_frame(inputs, weights) if len(inputs) else pd.DataFrame()
    frame = frame.set_index("id", drop=False)
    frame["health"] = scored["score"] if len(scored) else None
    board = frame[BOARD_COLUMNS].reset_index(drop=True)
    counts = {s.value: int((frame["stage"] == s.value).sum()) for s in BOARD}

    needs = frame[frame["stage"] == Stage.NEEDS_DATA.value]
    needs = needs[["id", "reference", "client", "end_date", "auto_renew", "notice_days",
                   "renewal_term_months", "account_manager", "reason"]]  # fmt: skip

    open_stages = [s.value for s in (*OPEN_STAGES, Stage.LAPSED)]
    risky = at_risk(scored) if len(scored) else scored
    risky = risky[risky.index.isin(frame.index[frame["stage"].isin(open_stages)])]
    risk = frame.loc[
        risky.index,
        [
            "id",
            "reference",
            "client",
            "stage",
            "key_date",
            "days_to_key_date",
            "value",
            "currency",
            "account_manager",
        ],
    ]
    if len(risky):
        risk = risk.assign(health=risky["score"], why=risky["why"].map("; ".join))
    else:  # nothing scored (e.g. an empty store): an empty list with the same columns
        risk = risk.assign(health=pd.Series(dtype=float), why=pd.Series(dtype=object))

    days = pd.to_numeric(frame["days_to_key_date"], errors="coerce")
    ahead = frame[frame["stage"].isin([s.value for s in OPEN_STAGES]) & (days <= forecast_days)]
    fc = renewal_forecast(
        pd.DataFrame(
            {
                "value": ahead["value"],
                "currency": ahead["currency"],
                "health_score": ahead["health"],
            }
        )
    )
    forecast = pd.DataFrame(
        [
            {
                "currency": t.currency,
                "contracts": t.contracts,
                "value": t.total_value,
                "weighted value": t.weighted_value,
                "unscored": t.unscored,
            }
            for t in fc.totals.values()
        ],
        columns=["currency", "contracts", "value", "weighted value", "unscored"],
    )
    return Pipeline(
        contracts=board,
        counts=counts,
        needs_data=needs.reset_index(drop=True),
        at_risk=risk.reset_index(drop=True),
        forecast=forecast,
        weights={f.name: getattr(weights, f.name) for f in fields(weights)},
        weights_problem=problem,
    )
