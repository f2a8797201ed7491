"""The SLA figures of the executive dashboard: response and resolution compliance of the
period and the one before, the monthly trend and each contract's resolution rate.

Why shared per store state: they evaluate every ticket of both periods (~400k at 1M tickets,
~1 CPU-s in every fresh process) and change only when the store does or the day turns, so
the result goes to a small frame file (`outcome_cache`) keyed by the store's fingerprint and
the call's arguments: another replica, or the app after a restart, reads it instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from analytics import kpis
from db.sla import outcome_cache

TREND_COLUMNS = ["month", "metric", "rate"]
_RATES = ("response", "resolution", "prev_response", "prev_resolution")


@dataclass(frozen=True)
class SlaFigures:
    response: float | None  # share of decided response targets met in the period
    resolution: float | None
    prev_response: float | None  # the same over the period before
    prev_resolution: float | None
    trend: pd.DataFrame  # TREND_COLUMNS: met share per creation month and metric
    by_contract: pd.Series  # contract_id -> met share of its resolution targets (period)

    def frames(self) -> dict[str, pd.DataFrame]:
        rates = {name: [getattr(self, name)] for name in _RATES}
        return {
            "rates": pd.DataFrame(rates, dtype=float),  # None -> NaN
            "trend": self.trend,
            "by_contract": self.by_contract.rename("ok").rename_axis("contract_id").reset_index(),
        }

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame], _session: Session) -> SlaFigures:
        rates = {name: frames["rates"][name].iloc[0] for name in _RATES}
        by = frames["by_contract"]
        return cls(
            **{name: None if pd.isna(v) else float(v) for name, v in rates.items()},
            trend=frames["trend"],
            by_contract=by.set_index("contract_id")["ok"],
        )


def day_start(d: date) -> datetime:
    """The UTC instant a (UTC) day starts: the bound of a period of whole days."""
    return datetime.combine(d, time.min, UTC)


def months(instants: pd.Series) -> pd.Series:
    """'YYYY-MM' of each instant, as `.dt.strftime("%Y-%m")` gives it, formatted once per
    distinct month: strftime per row cost ~0.2 CPU-s over the 600k outcomes at 1M tickets."""
    codes = instants.dt.year * 100 + instants.dt.month
    labels = {c: f"{int(c) // 100:04d}-{int(c) % 100:02d}" for c in codes.dropna().unique()}
    return codes.map(labels).astype("str")


def sla_figures(
    session: Session,
    ids: list[int],
    period: tuple[date, date],
    before: tuple[date, date],
    now: datetime,
) -> SlaFigures | None:
    """The figures of contracts `ids` over `period` and `before` (first and last day each) at
    `now`; None when the SLA engine is not in this build."""
    try:
        from db.sla.outcomes import sla_outcomes
    except ImportError:
        return None

    def compute() -> SlaFigures:
        # One evaluation for both periods (each ticket's outcome is its own), split by creation.
        out = sla_outcomes(session=session, now=now, since=day_start(before[0]), contract_ids=ids)
        created = pd.to_datetime(out["created_at"], utc=True)
        out = out[created < day_start(period[1] + timedelta(days=1))]
        created = created[out.index]
        sla, prev = (
            out[created >= day_start(period[0])],
            out[created < day_start(before[1] + timedelta(1))],
        )
        decided = sla[sla["state"].isin(["met", "breached"])].copy()
        decided["month"] = months(pd.to_datetime(decided["created_at"], utc=True))
        decided["ok"] = decided["state"] == "met"
        trend = (
            decided.groupby(["month", "metric"], as_index=False)["ok"]
            .mean()
            .rename(columns={"ok": "rate"})
        )
        resolution = decided[decided["metric"] == "resolution"]
        return SlaFigures(
            response=kpis.sla_rate(sla, "response"),
            resolution=kpis.sla_rate(sla, "resolution"),
            prev_response=kpis.sla_rate(prev, "response"),
            prev_resolution=kpis.sla_rate(prev, "resolution"),
            trend=trend,
            by_contract=resolution.groupby("contract_id")["ok"].mean(),
        )

    args = repr((sorted(int(i) for i in ids), period, before, now.isoformat()))
    digest = hashlib.sha256(args.encode()).hexdigest()[:16]
    shared = outcome_cache.Shared(
        "executive-sla-v1", SlaFigures.frames, SlaFigures.from_frames, lambda _s: (digest,)
    )
    return outcome_cache.cached(session, compute, shared)
