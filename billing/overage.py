"""Per-period use of contracted hours: overage history, upgrade candidates, under-users.

A contract is "over" in a period when it used more than its included hours plus the
hours rolled in; an upgrade candidate is over in at least 3 of its last 4 periods
(both numbers are parameters). An under-user used at most half of what it had in at
least 3 of its last 4 periods: a renewal conversation (right-size or prove value).
Hours here are analytics (float), not money.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from billing.blockhours import BlockHoursState
from billing.model import ContractBilling, TimeEntry, Usage
from billing.periods import iter_periods
from billing.pricing import BlockHours, block_usage

HISTORY_COLUMNS = [
    "contract_id",
    "client_id",
    "period_start",
    "included_hours",
    "rollover_in_hours",
    "available_hours",
    "used_hours",
    "overage_hours",
    "share_used",
    "over",
]


def overage_history(usage: pd.DataFrame) -> pd.DataFrame:
    """Add available, overage, share used and the over flag to per-period usage.

    Input columns: contract_id, client_id, period_start, included_hours, used_hours and
    optionally rollover_in_hours (0 when absent).
    """
    frame = usage.copy()
    if "rollover_in_hours" not in frame.columns:
        frame["rollover_in_hours"] = 0.0
    for col in ("included_hours", "rollover_in_hours", "used_hours"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float).fillna(0.0)
    frame["available_hours"] = frame["included_hours"] + frame["rollover_in_hours"]
    frame["overage_hours"] = (frame["used_hours"] - frame["available_hours"]).clip(lower=0.0)
    available = frame["available_hours"].where(frame["available_hours"] > 0)
    frame["share_used"] = frame["used_hours"] / available
    frame["over"] = frame["overage_hours"] > 0
    frame = frame.sort_values(["contract_id", "period_start"], kind="stable")
    return frame[HISTORY_COLUMNS].reset_index(drop=True)


def block_hours_history(
    contract: ContractBilling, entries: Iterable[TimeEntry], *, until: date
) -> pd.DataFrame:
    """Run the block-hours ledger over every period of a contract that ends by `until`."""
    if not isinstance(contract.pricing, BlockHours):
        raise ValueError(f"contract {contract.contract_id} is not priced in block hours")
    entries = list(entries)
    state: BlockHoursState | None = None
    rows = []
    for period in iter_periods(contract, until=until):
        if period.end > until:
            break
        inside = [e for e in entries if period.contains(e.local_date(contract.timezone))]
        step = block_usage(contract, period, Usage(inside, block_state=state))
        state = step.next_state()
        rows.append(
            {
                "contract_id": contract.contract_id,
                "client_id": contract.client_id,
                "period_start": period.start,
                "included_hours": float(step.included_hours),
                "rollover_in_hours": float(step.rollover_in_hours),
                "used_hours": float(step.used_hours),
            }
        )
    columns = HISTORY_COLUMNS[:5] + ["used_hours"]
    return overage_history(pd.DataFrame(rows, columns=columns))


def _last_periods(history: pd.DataFrame, window: int, before: date | None) -> pd.DataFrame:
    frame = history if before is None else history[history["period_start"] < before]
    frame = frame.sort_values(["contract_id", "period_start"], kind="stable")
    return frame.groupby("contract_id", sort=True, group_keys=False).tail(window)


def _summary(recent: pd.DataFrame, flag: pd.Series, name: str) -> pd.DataFrame:
    recent = recent.assign(_flag=flag.to_numpy())
    out = recent.groupby(["client_id", "contract_id"], sort=True).agg(
        periods=("period_start", "size"),
        **{name: ("_flag", "sum")},
        overage_hours=("overage_hours", "sum"),
        mean_share_used=("share_used", "mean"),
        last_period_start=("period_start", "max"),
    )
    return out.reset_index()


def upgrade_candidates(
    history: pd.DataFrame, *, window: int = 4, min_over: int = 3, before: date | None = None
) -> pd.DataFrame:
    """Contracts over their hours in >= `min_over` of their last `window` periods."""
    recent = _last_periods(history, window, before)
    out = _summary(recent, recent["over"], "periods_over")
    return out[out["periods_over"] >= min_over].reset_index(drop=True)


def under_users(
    history: pd.DataFrame,
    *,
    window: int = 4,
    min_under: int = 3,
    max_share: float = 0.5,
    before: date | None = None,
) -> pd.DataFrame:
    """Contracts that used <= `max_share` of their hours in >= `min_under` of the last periods."""
    recent = _last_periods(history, window, before)
    under = recent["share_used"].le(max_share) & recent["available_hours"].gt(0)
    out = _summary(recent, under, "periods_under")
    return out[out["periods_under"] >= min_under].reset_index(drop=True)
