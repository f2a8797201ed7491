"""Portfolio at a glance: counts and value by tier, status and time to end (pure pandas)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd


@dataclass(frozen=True)
class PortfolioSummary:
    active_contracts: int
    clients: int
    value_by_currency: pd.DataFrame
    by_tier: pd.DataFrame
    ending_soon: pd.DataFrame  # active contracts ending in the next 90 days
    missing_value: int


def summarize(contracts: pd.DataFrame, *, today: date) -> PortfolioSummary:
    """Totals over active contracts; values are summed per currency, never across them."""
    ends = _last_days(contracts)
    active = contracts[(contracts["status"] == "active") & (ends.isna() | (ends >= today))]
    valued = active.dropna(subset=["value"])
    by_cur = (
        valued.groupby("currency")["value"]
        .sum()
        .reset_index()
        .sort_values("value", ascending=False)
    )
    by_tier = (
        active.groupby("tier")
        .agg(contracts=("id", "count"))
        .reset_index()
        .sort_values("contracts", ascending=False)
    )
    days = (pd.to_datetime(_last_days(active)) - pd.Timestamp(today)).dt.days
    soon = active.assign(days_left=days)[(days >= 0) & (days <= 90)].sort_values("days_left")
    return PortfolioSummary(
        active_contracts=len(active),
        clients=active["client_id"].nunique(),
        value_by_currency=by_cur,
        by_tier=by_tier,
        ending_soon=soon[
            ["reference", "client", "tier", "end_date", "days_left", "value", "currency"]
        ],
        missing_value=int(active["value"].isna().sum()),
    )


def _last_days(contracts: pd.DataFrame) -> pd.Series:
    """The last day in force (contracts/term.py ``in_force_until``) when the frame has it,
    else ``end_date``: an auto-renewing contract never ends at its initial term's end."""
    column = "in_force_until" if "in_force_until" in contracts else "end_date"
    return contracts[column]
