"""Bulk demo work: tickets with business-hours patterns, pauses, time entries, invoices.

Vectorised with NumPy so 200k tickets take seconds; rows leave as lists of dicts for a
Core bulk insert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from demo.catalogue import SERVICE_TYPES, TIER_TARGETS

PRIORITY_P = [0.05, 0.2, 0.5, 0.25]
# Rough UTC offsets of the demo calendars' zones: enough to put work in office hours.
TZ_OFFSET_H = {
    "Europe/London": 0,
    "America/New_York": -5,
    "America/Chicago": -6,
    "Europe/Berlin": 1,
    "Australia/Sydney": 10,
    "UTC": 0,
}


@dataclass(frozen=True)
class ContractRow:
    id: int
    client_id: int
    tier: str
    start: date
    end: date
    tz: str
    is_24x7: bool
    included: tuple[str, ...]
    weight: float
    usage: float  # multiplier of contracted hours actually used
    hourly_rate: Decimal
    technicians: tuple[int, ...]


def tickets_frame(
    rng: np.random.Generator, contracts: list[ContractRow], n: int, now: datetime
) -> pd.DataFrame:
    """n tickets spread over the contracts' active days in the last two years."""
    window_start = (now - timedelta(days=730)).date()
    starts = np.array([max(c.start, window_start).toordinal() for c in contracts])
    ends = np.array([min(c.end, now.date()).toordinal() for c in contracts])
    span = np.maximum(ends - starts, 1)
    # Tickets per day, not per contract: a contract active for a month gets a month's worth.
    weights = np.array([c.weight for c in contracts], dtype=float) * span
    idx = rng.choice(len(contracts), size=n, p=weights / weights.sum())
    day = starts[idx] + (rng.random(n) * span[idx]).astype(int)
    # Weekdays mostly: push 90% of weekend tickets to the following Monday.
    weekday = (day - 1) % 7  # date.fromordinal(1) is a Monday
    weekend = weekday >= 5
    move = weekend & (rng.random(n) < 0.9)
    day = np.where(move, day + (7 - weekday), day)
    day = np.minimum(day, ends[idx])
    local_hour = np.clip(rng.normal(11.5, 2.8, n), 0, 23.99)
    offsets = np.array([TZ_OFFSET_H.get(c.tz, 0) for c in contracts])[idx]
    epoch_days = day - date(1970, 1, 1).toordinal()
    created_s = epoch_days * 86400 + ((local_hour - offsets) * 3600).astype(np.int64)
    latest = int(now.timestamp()) - 300
    created = pd.to_datetime(np.minimum(created_s, latest), unit="s", utc=True)

    prio_i = rng.choice(4, size=n, p=PRIORITY_P)
    prio = np.array(["P1", "P2", "P3", "P4"])[prio_i]
    tiers = np.array([c.tier for c in contracts])[idx]
    resp_t = np.empty(n)
    res_t = np.empty(n)
    for tier, table in TIER_TARGETS.items():
        for p_i, p in enumerate(["P1", "P2", "P3", "P4"]):
            m = (tiers == tier) & (prio_i == p_i)
            resp_t[m], res_t[m] = table[p]
    wall = np.where(np.array([c.is_24x7 for c in contracts])[idx], 1.0, 2.2)
    resp_min = resp_t * rng.lognormal(np.log(0.35), 0.7, n)
    res_min = res_t * wall * rng.lognormal(np.log(0.45), 0.6, n)
    first_response = created + pd.to_timedelta(resp_min, unit="m")
    resolved = first_response + pd.to_timedelta(np.maximum(res_min - resp_min, 5), unit="m")

    services = np.array(SERVICE_TYPES)[rng.integers(0, len(SERVICE_TYPES), n)]
    included_first = np.array([c.included[0] for c in contracts])[idx]
    stay = rng.random(n) < 0.85  # most tickets are about something the contract covers
    included_ok = np.array([s in contracts[i].included for s, i in zip(services, idx, strict=True)])
    services = np.where(~included_ok & stay, included_first, services)

    ts = pd.Timestamp(now)
    open_mask = (resolved > ts) | ((ts - created) < pd.Timedelta(days=2)) & (rng.random(n) < 0.5)
    no_response = open_mask & ((first_response > ts) | (rng.random(n) < 0.1))
    first_response = first_response.where(~no_response, pd.NaT)
    resolved = resolved.where(~open_mask, pd.NaT)
    status = np.where(open_mask, np.where(no_response, "new", "open"), "closed")

    techs = np.array(
        [
            c.technicians[int(r * len(c.technicians))] if c.technicians else 0
            for c, r in zip([contracts[i] for i in idx], rng.random(n), strict=True)
        ]
    )
    csat = np.where(
        (~open_mask) & (rng.random(n) < 0.3),
        np.clip(np.round(rng.normal(4.3, 0.8, n)), 1, 5),
        np.nan,
    )
    return (
        pd.DataFrame(
            {
                "contract_idx": idx,
                "contract_id": np.array([c.id for c in contracts])[idx],
                "client_id": np.array([c.client_id for c in contracts])[idx],
                "created_at": created,
                "first_response_at": first_response,
                "resolved_at": resolved,
                "priority": prio,
                "service_type": services,
                "status": status,
                "technician_id": techs,
                "csat": csat,
            }
        )
        .sort_values("created_at", kind="stable")
        .reset_index(drop=True)
    )


def pause_events(rng: np.random.Generator, tickets: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """Pauses (waiting on customer / scheduled visit) on ~20% of responded tickets."""
    has_resp = tickets["first_response_at"].notna().to_numpy()
    pick = has_resp & (rng.random(len(tickets)) < 0.2)
    t = tickets[pick]
    start = t["first_response_at"] + pd.to_timedelta(rng.uniform(5, 120, len(t)), unit="m")
    length = pd.to_timedelta(rng.lognormal(np.log(240), 1.0, len(t)), unit="m")
    end = start + length
    end_limit = t["resolved_at"].fillna(pd.Timestamp(now))
    valid = start < end_limit
    t, start, end, end_limit = t[valid], start[valid], end[valid], end_limit[valid]
    still = end >= end_limit
    end = end.where(~still, pd.NaT)
    # A closed ticket's pause ends before resolution; an open one may still be paused.
    closed = t["resolved_at"].notna()
    end = end.where(~(still & closed), t["resolved_at"] - pd.Timedelta(minutes=1))
    reason = np.where(rng.random(len(t)) < 0.7, "waiting on customer", "scheduled visit")
    paused = pd.DataFrame({"ticket_row": t.index, "at": start, "kind": "paused", "value": reason})
    resumed = pd.DataFrame({"ticket_row": t.index, "at": end, "kind": "resumed", "value": None})
    return pd.concat([paused, resumed.dropna(subset=["at"])], ignore_index=True)


def time_entries_frame(
    rng: np.random.Generator, tickets: pd.DataFrame, contracts: list[ContractRow]
) -> pd.DataFrame:
    """One time entry for most responded tickets; usage factor makes some clients over-use."""
    t = tickets[tickets["first_response_at"].notna() & (rng.random(len(tickets)) < 0.8)]
    usage = np.array([c.usage for c in contracts])[t["contract_idx"].to_numpy()]
    minutes = np.clip(np.round(rng.lognormal(np.log(40), 0.6, len(t)) * usage / 15) * 15, 15, 600)
    rates = np.array([c.hourly_rate for c in contracts], dtype=object)[t["contract_idx"].to_numpy()]
    wrong = rng.random(len(t)) < 0.015  # a few entries charged at a stale rate
    charged = [r + Decimal("10.00") if w else r for r, w in zip(rates, wrong, strict=True)]
    roles = np.where(rng.random(len(t)) < 0.8, "engineer", "senior engineer")
    return pd.DataFrame(
        {
            "ticket_row": t.index,
            "contract_id": t["contract_id"].to_numpy(),
            "client_id": t["client_id"].to_numpy(),
            "technician_id": t["technician_id"].to_numpy(),
            "started_at": t["first_response_at"].to_numpy(),
            "minutes": minutes.astype(int),
            "role": roles,
            "service_type": t["service_type"].to_numpy(),
            "rate_charged": charged,
        }
    )


def utc(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)
