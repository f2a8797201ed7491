"""Performance analytics for managers: volumes, resolution times, CSAT, and suggestions.

Pure pandas. `tickets` has one row per ticket: ticket_id, contract_id, reference, client,
service_type, technician, created_at, resolved_at, csat, resolution_min (business minutes
from the SLA engine, NaN while open).
"""

from __future__ import annotations

import pandas as pd

DIMENSIONS = {
    "contract": "reference",
    "client": "client",
    "service type": "service_type",
    "technician": "technician",
}


def breakdown(tickets: pd.DataFrame, by: str) -> pd.DataFrame:
    """Tickets, resolved share, median/p90 resolution (business hours) and mean CSAT."""
    col = DIMENSIONS[by]
    t = tickets.assign(
        resolved=tickets["resolved_at"].notna(), res_h=tickets["resolution_min"] / 60
    )
    groups = t.groupby(col, dropna=False)
    g = groups.agg(
        tickets=("ticket_id", "count"),
        resolved=("resolved", "mean"),
        median_resolution_h=("res_h", "median"),
        csat=("csat", "mean"),
        csat_responses=("csat", "count"),
    )
    # One vectorised quantile (NaN where no ticket resolved), not a Python call per group.
    g.insert(3, "p90_resolution_h", groups["res_h"].quantile(0.9))
    return g.reset_index().rename(columns={col: by}).sort_values("tickets", ascending=False)


def weekly_volume(tickets: pd.DataFrame) -> pd.DataFrame:
    week = (
        pd.to_datetime(tickets["created_at"], utc=True)
        .dt.tz_convert(None)
        .dt.to_period("W")
        .dt.start_time
    )
    return (
        tickets.assign(week=week)
        .groupby(["week", "service_type"], as_index=False)
        .agg(tickets=("ticket_id", "count"))
    )


def suggestions(
    utilisation: pd.DataFrame, margins: pd.DataFrame, by_service: pd.DataFrame
) -> pd.DataFrame:
    """Explicit rules, each with the data behind it.

    - pricing adjustment: used > 110% of contracted hours (bill the real usage or upgrade);
    - restructuring: margin under 15% (rate card or scope no longer fits the work);
    - service scaling: a service type with >= 10% of tickets and median resolution above
      the overall median x 1.5 (add capacity or automation there).
    """
    rows = []
    for r in utilisation.dropna(subset=["utilisation"]).itertuples():
        if r.utilisation > 1.1:
            rows.append(
                {
                    "contract": r.reference,
                    "client": r.client,
                    "suggestion": "pricing adjustment",
                    "why": f"used {r.used:.0f} h of {r.contracted:.0f} h contracted "
                    f"({r.utilisation:.0%})",
                }
            )
        elif r.utilisation < 0.5:
            rows.append(
                {
                    "contract": r.reference,
                    "client": r.client,
                    "suggestion": "right-size",
                    "why": f"used {r.used:.0f} h of {r.contracted:.0f} h "
                    f"({r.utilisation:.0%}): churn risk at renewal",
                }
            )
    for r in margins.itertuples():
        if r.margin is not None and r.margin < 0.15:
            rows.append(
                {
                    "contract": r.reference,
                    "client": r.client,
                    "suggestion": "restructuring",
                    "why": f"margin {r.margin:.0%} (revenue {float(r.revenue):,.0f}, "
                    f"cost {r.cost:,.0f})",
                }
            )
    total = by_service["tickets"].sum()
    overall = by_service["median_resolution_h"].median()
    for r in by_service.itertuples():
        share = r.tickets / total if total else 0
        if share >= 0.1 and overall and r.median_resolution_h > 1.5 * overall:
            rows.append(
                {
                    "contract": "all",
                    "client": "all",
                    "suggestion": "service scaling",
                    "why": f"{r._1}: {share:.0%} of tickets, median resolution "
                    f"{r.median_resolution_h:.1f} h vs {overall:.1f} h overall",
                }
            )
    return pd.DataFrame(rows, columns=["contract", "client", "suggestion", "why"])
