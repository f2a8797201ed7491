"""The row-by-row check_entitlement the vectorised one replaced, kept verbatim (only
renamed) as the specification `test_entitlement_vectorised.py` and
bench/entitlement_speed.py compare against: outputs must be identical frames (values, dtypes,
index, reason texts)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sla.calendar import Calendar
from sla.coverage_spec import describe_hours
from sla.entitlement import (
    _EXCLUDED,
    _INCLUDED,
    _UNLISTED,
    _WILDCARD,
    OUTCOMES,
    WILDCARDS,
    _service_set,
    normalise_service,
)


def _ref_local_dates(instants: pd.Series, tzs: pd.Series) -> pd.Series:
    """Local calendar date of each instant in its own zone."""
    out = pd.Series(pd.NaT, index=instants.index, dtype="datetime64[s]")
    for tz, idx in tzs.groupby(tzs, sort=False).groups.items():
        out.loc[idx] = instants.loc[idx].dt.tz_convert(tz).dt.tz_localize(None).dt.floor("D")
    return out


def _reference_check_entitlement(
    items: pd.DataFrame,
    contracts: pd.DataFrame,
    *,
    calendars: Mapping[str, Calendar],
) -> pd.DataFrame:
    """items[client_id, instant, service_type] x contracts[contract_id, client_id, start_date,
    end_date (NaT = open), included, excluded, calendar_key] -> items + contract_id, outcome,
    reason (same index and order as items)."""
    instants = pd.Series(pd.DatetimeIndex(items["instant"]).tz_convert("UTC"), index=None)
    base = pd.DataFrame(
        {
            "_row": np.arange(len(items)),
            "client_id": items["client_id"].to_numpy(),
            "instant": instants,
            "service": items["service_type"].map(normalise_service).to_numpy(),
        }
    )
    con = contracts.copy()
    missing = sorted(set(con["calendar_key"].astype(str)) - set(calendars))
    if missing:
        raise KeyError(f"No calendar for key(s): {', '.join(missing)}")
    con["_inc"] = con["included"].map(_service_set)
    con["_exc"] = con["excluded"].map(_service_set)
    con["_tz"] = con["calendar_key"].map(lambda k: calendars[k].tz)
    cols = [
        "contract_id",
        "client_id",
        "start_date",
        "end_date",
        "calendar_key",
        "_inc",
        "_exc",
        "_tz",
    ]
    cand = base.merge(con[cols], on="client_id", how="inner")
    cand["_day"] = _ref_local_dates(cand["instant"], cand["_tz"])
    start = pd.to_datetime(cand["start_date"])
    end = pd.to_datetime(cand["end_date"])
    active = (start <= cand["_day"]) & (end.isna() | (cand["_day"] <= end))
    first_day = cand.drop_duplicates("_row").set_index("_row")["_day"]
    cand = cand[active].copy()
    cand["_scope"] = [
        _EXCLUDED
        if s in exc
        else _INCLUDED
        if s in inc
        else _WILDCARD
        if inc & WILDCARDS
        else _UNLISTED
        for s, inc, exc in zip(cand["service"], cand["_inc"], cand["_exc"], strict=True)
    ]
    cand = cand.assign(_start=start[active]).sort_values(
        ["_row", "_scope", "_start"], ascending=[True, True, False], kind="stable"
    )
    best = cand.drop_duplicates("_row").set_index("_row").reindex(np.arange(len(items)))
    in_scope = best["_scope"].isin([_INCLUDED, _WILDCARD]).to_numpy()
    covered = np.zeros(len(items), bool)
    for key, idx in best[in_scope].groupby("calendar_key").groups.items():
        covered[np.asarray(idx)] = calendars[key].is_covered_many(base["instant"].iloc[idx])
    outcome = np.select(
        [best["_scope"].isna().to_numpy(), ~in_scope, covered],
        ["no_contract", "out_of_scope", "covered"],
        default="covered_after_hours",
    )
    reasons = []
    for i, out in enumerate(outcome):
        text, cid = str(items["service_type"].iloc[i]).strip(), best["contract_id"].iloc[i]
        if out == "no_contract":
            day = first_day.get(i, base["instant"].iloc[i])
            reasons.append(f"No active contract for client on {day:%Y-%m-%d}")
        elif out == "out_of_scope" and best["_scope"].iloc[i] == _EXCLUDED:
            reasons.append(f"‘{text}’ is excluded by contract {cid}")
        elif out == "out_of_scope":
            reasons.append(f"‘{text}’ is not listed in contract {cid}")
        elif out == "covered":
            reasons.append(f"Included in contract {cid}")
        else:
            cal = calendars[best["calendar_key"].iloc[i]]
            day = best["_day"].iloc[i].date()
            holiday = f" (holiday {day:%Y-%m-%d})" if day in cal.holidays else ""
            reasons.append(f"Outside coverage {describe_hours(cal.hours)}{holiday}")
    out_df = items.copy()
    out_df["contract_id"] = best["contract_id"].to_numpy()
    out_df["outcome"] = pd.Categorical(outcome, categories=list(OUTCOMES))
    out_df["reason"] = reasons
    return out_df
