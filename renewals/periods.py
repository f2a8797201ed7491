"""Monthly usage and SLA series for a contract, the inputs of health checks and rules.

Instants are timezone-aware (stored UTC); they are bucketed by the calendar day in the
contract's zone, because "March" for a client in Sydney is not March in UTC. Partial
months at either end of a range get contracted hours pro rata by day.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

# SLA outcome columns on the tickets frame (values "met" / "breached"; anything else,
# such as "running" or "at_risk", is not decided yet and is not counted).
SLA_COLUMNS = {"response": "response_sla", "resolution": "resolution_sla"}


def local_days(instants: pd.Series, tz: str) -> pd.Series:
    """Midnight of each instant's calendar day in ``tz`` (naive datetime64, NaT kept).

    Plain ``date`` values are already calendar days and pass through unchanged.
    """
    if isinstance(instants.dtype, pd.DatetimeTZDtype):
        aware = instants
    elif instants.dtype == object:
        values = instants.dropna()
        if len(values) and all(type(v) is date for v in values):
            return pd.to_datetime(instants).dt.normalize()
        if any(isinstance(v, datetime) and v.tzinfo is None for v in values):
            raise ValueError("timestamps must be timezone-aware")
        aware = pd.to_datetime(instants, utc=True)
    elif instants.notna().any():
        raise ValueError("timestamps must be timezone-aware")
    else:
        return pd.Series(pd.NaT, index=instants.index, dtype="datetime64[ns]")
    return aware.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()


def in_range(days: pd.Series, start: date, through: date) -> pd.Series:
    """Boolean mask: day within [start, through], inclusive."""
    return (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(through))


def _months(start: date, through: date) -> pd.DataFrame:
    periods = pd.period_range(start, through, freq="M")
    first = pd.Series([max(p.start_time.date(), start) for p in periods])
    last = pd.Series([min(p.end_time.date(), through) for p in periods])
    return pd.DataFrame(
        {
            "period": [str(p) for p in periods],
            "period_start": first,
            "period_end": last,
            "share": [
                ((b - a).days + 1) / p.days_in_month
                for a, b, p in zip(first, last, periods, strict=True)
            ],
        }
    )


def usage_by_period(
    time_entries: pd.DataFrame,
    *,
    start: date,
    through: date,
    hours_per_month: float | None,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Hours used vs contracted per calendar month between ``start`` and ``through``.

    Reads ``started_at`` and ``minutes``. Overage is per month (block hours are billed
    per period), so a quiet month does not cancel a busy one.
    """
    months = _months(start, through)
    days = local_days(time_entries["started_at"], tz)
    mask = in_range(days, start, through)
    hours = pd.to_numeric(time_entries.loc[mask, "minutes"]).astype(float) / 60
    used = hours.groupby(days[mask].dt.strftime("%Y-%m")).sum()
    months["hours_used"] = months["period"].map(used).fillna(0.0).round(2)
    if hours_per_month is None:
        for column in ("hours_contracted", "utilisation", "overage_hours"):
            months[column] = float("nan")
    else:
        contracted = (months["share"] * float(hours_per_month)).round(2)
        months["hours_contracted"] = contracted
        months["utilisation"] = (months["hours_used"] / contracted.where(contracted > 0)).round(4)
        months["overage_hours"] = (months["hours_used"] - contracted).clip(lower=0).round(2)
    return months.drop(columns="share")


def decided_counts(tickets: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """(met, breached) per SLA metric present in ``tickets``."""
    counts = {}
    for metric, column in SLA_COLUMNS.items():
        if column in tickets:
            outcome = tickets[column].astype("string").str.lower()
            counts[metric] = (int((outcome == "met").sum()), int((outcome == "breached").sum()))
    return counts


def sla_by_month(
    tickets: pd.DataFrame, *, start: date, through: date, tz: str = "UTC"
) -> pd.DataFrame:
    """Met / breached per month of ticket creation, per metric and combined.

    ``compliance`` = met / (met + breached) over all metrics; NaN in a month with
    nothing decided (no data is not 100%).
    """
    months = _months(start, through).drop(columns="share")
    days = local_days(tickets["created_at"], tz)
    mask = in_range(days, start, through)
    label = days[mask].dt.strftime("%Y-%m")
    window = tickets[mask]
    months["met"], months["breached"] = 0, 0
    for metric, column in SLA_COLUMNS.items():
        if column not in window:
            continue
        outcome = window[column].astype("string").str.lower()
        met = (outcome == "met").groupby(label).sum()
        breached = (outcome == "breached").groupby(label).sum()
        m = months["period"].map(met).fillna(0).astype(int)
        b = months["period"].map(breached).fillna(0).astype(int)
        months[f"{metric}_compliance"] = (m / (m + b).where(m + b > 0)).round(4)
        months["met"] += m
        months["breached"] += b
    decided = months["met"] + months["breached"]
    months["compliance"] = (months["met"] / decided.where(decided > 0)).round(4)
    return months
