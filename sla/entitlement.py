"""Entitlement: is this ticket or time entry covered by a contract, and why (not)?

Outcomes: covered, covered_after_hours (in scope, outside coverage hours: billable at the
after-hours rate), out_of_scope (billable, needs approval), no_contract. Contract dates are
local dates of the contract's calendar zone, so "active on" is judged where the contract
lives, not where the user sits. Service types match after normalising case, spacing,
punctuation and simple plurals; a service neither included nor excluded is out of scope
("not listed") unless the contract includes "*" / "all".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta

import numpy as np
import pandas as pd

from sla.calendar import Calendar
from sla.coverage_spec import describe_hours
from sla.policy import _per_value

OUTCOMES = ("covered", "covered_after_hours", "out_of_scope", "no_contract")
WILDCARDS = frozenset({"*", "all", "all service", "everything", "any"})
# Preference when several contracts of a client are active: the one that covers wins.
_INCLUDED, _WILDCARD, _UNLISTED, _EXCLUDED = 0, 1, 2, 3
_DAY_US = 86_400_000_000
_EPOCH_DAY = date(1970, 1, 1)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalise_service(text: object) -> str:
    """'  Printer Repairs ' -> 'printer repair'; '*' stays '*'."""
    raw = str(text if text is not None else "").strip()
    if raw == "*":
        return "*"
    words = re.sub(r"[^\w&/+]+", " ", raw.lower()).split()
    return " ".join(_singular(w) for w in words)


def _service_set(value: object) -> frozenset[str]:
    """A list-like or a 'a; b, c' text -> normalised service keys."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return frozenset()
    items: Iterable[object] = (
        re.split(r"[;,\n]", value) if isinstance(value, str) else value  # type: ignore[assignment]
    )
    return frozenset(k for k in (normalise_service(i) for i in items) if k)


def _local_days_us(instants: pd.DatetimeIndex, tz: str) -> np.ndarray:
    """Local midnight (naive, as int64 microseconds) of each instant in `tz`; NaT stays NaT."""
    return instants.tz_convert(tz).tz_localize(None).floor("D").as_unit("us").asi8


def _dates_us(values: pd.Series) -> np.ndarray:
    """Contract dates -> naive int64 microseconds (NaT = int64 min), read by pd.to_datetime."""
    return pd.DatetimeIndex(pd.to_datetime(values)).as_unit("us").asi8


def _encode_services(values: pd.Series) -> tuple[np.ndarray, list[str], list[str]]:
    """Per row a code into (display texts, normalised keys), each worked out once per value."""
    raw = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(raw)  # missing values -> -1
    uniques = list(uniques)
    if not all(type(u) is str for u in uniques):  # 1 == 1.0 == True would share a code
        codes, uniques = np.arange(len(raw)), list(raw)
    missing = np.flatnonzero(codes < 0)
    if len(missing):  # None, NaN and NA read differently ('None', 'nan', '<NA>'): one each
        codes[missing] = len(uniques) + np.arange(len(missing))
        uniques.extend(raw[missing])
    texts = [str(u).strip() for u in uniques]
    keys = [normalise_service(u) for u in uniques]
    return codes, texts, keys


def _take_strings(
    rows: np.ndarray, key: np.ndarray, fmt: Callable[[int], str], out: np.ndarray
) -> None:
    """out[rows] = fmt(k) for each row's key k, formatting each distinct key once."""
    if not len(rows):
        return
    uniq, inverse = np.unique(key, return_inverse=True)
    texts = np.array([fmt(int(k)) for k in uniq], dtype=object)
    out[rows] = texts[inverse]


def _booked_first(items: pd.DataFrame, contracts: pd.DataFrame):
    """Items booked to a contract (a non-null `contract_id`) are judged against that contract
    only, never another contract of the same client: each contract also stands as its own
    pseudo-client, which those items are matched on."""
    if "contract_id" not in items.columns or not items["contract_id"].notna().any():
        return items, contracts

    def key(v: object) -> object:
        return None if v is None or pd.isna(v) else f"\0contract:{int(v)}"

    booked = pd.Series(_per_value(items["contract_id"], key), index=items.index)  # per distinct
    items = items.assign(client_id=booked.where(booked.notna(), items["client_id"]))
    own = contracts.assign(client_id=contracts["contract_id"].map(key))
    return items.drop(columns=["contract_id"]), pd.concat([contracts, own], ignore_index=True)


def check_entitlement(
    items: pd.DataFrame,
    contracts: pd.DataFrame,
    *,
    calendars: Mapping[str, Calendar],
) -> pd.DataFrame:
    """items[client_id, instant, service_type, optional contract_id] x contracts[contract_id,
    client_id, start_date, end_date (NaT = open), included, excluded, calendar_key] -> items +
    contract_id, outcome, reason (same index and order as items). An item with a contract_id
    (work booked to a contract) is judged against that contract only.

    Vectorised: contracts are matched to a client's items by a sorted search on the instant
    (a window two days wider than the contract, then the exact local-date test in the
    contract's zone), service scope by set membership of (contract, service key) codes, and
    each reason is formatted once per distinct (template, contract, service, day).
    """
    items, contracts = _booked_first(items, contracts)
    n = len(items)
    instants = pd.DatetimeIndex(items["instant"]).tz_convert("UTC")
    svc_code, svc_texts, svc_keys = _encode_services(items["service_type"])
    missing = sorted(set(contracts["calendar_key"].astype(str)) - set(calendars))
    if missing:
        raise KeyError(f"No calendar for key(s): {', '.join(missing)}")
    inc_sets = list(contracts["included"].map(_service_set))
    exc_sets = list(contracts["excluded"].map(_service_set))
    cal_keys = list(contracts["calendar_key"])
    tz_code, tz_names = pd.factorize(pd.Series([calendars[k].tz for k in cal_keys], dtype=object))
    starts = _dates_us(contracts["start_date"])
    ends = _dates_us(contracts["end_date"])
    nat = np.iinfo(np.int64).min

    # Clients: the contracts of each distinct client, in contract order (pandas merge keys).
    client_code, client_uniq = pd.factorize(items["client_id"].to_numpy(), use_na_sentinel=False)
    pairs = pd.DataFrame({"client_id": client_uniq, "_u": np.arange(len(client_uniq))}).merge(
        pd.DataFrame(
            {
                "client_id": contracts["client_id"].reset_index(drop=True),
                "_c": np.arange(len(contracts)),
            }
        ),
        on="client_id",
        how="inner",
    )
    pair_u, pair_c = pairs["_u"].to_numpy(np.int64), pairs["_c"].to_numpy(np.int64)
    order = np.lexsort((pair_c, pair_u))
    pair_u, pair_c = pair_u[order], pair_c[order]
    first_contract = np.full(len(client_uniq), -1, np.int64)
    lead = np.r_[True, pair_u[1:] != pair_u[:-1]] if len(pair_u) else np.zeros(0, bool)
    first_contract[pair_u[lead]] = pair_c[lead]

    # Candidates: items of the contract's client whose instant is within two days of its
    # dates (any zone's local date is), found by searchsorted on (client, instant) order.
    t_us = instants.as_unit("us").asi8
    valid = np.flatnonzero(~instants.isna())
    inst_sorted = np.unique(t_us[valid])
    width = len(inst_sorted) + 1
    item_key = client_code[valid].astype(np.int64) * width + np.searchsorted(
        inst_sorted, t_us[valid]
    )
    by_key = np.argsort(item_key, kind="stable")
    item_key, item_rows = item_key[by_key], valid[by_key]
    dated = starts[pair_c] != nat
    pair_u, pair_c = pair_u[dated], pair_c[dated]
    lo_t = starts[pair_c] - 2 * _DAY_US
    hi_t = np.where(ends[pair_c] == nat, np.iinfo(np.int64).max, ends[pair_c] + 3 * _DAY_US)
    lo_r = np.searchsorted(inst_sorted, lo_t, side="left")
    hi_r = np.where(ends[pair_c] == nat, width - 1, np.searchsorted(inst_sorted, hi_t, "left"))
    lo = np.searchsorted(item_key, pair_u * width + lo_r, side="left")
    hi = np.searchsorted(item_key, pair_u * width + hi_r, side="left")
    lengths = np.maximum(hi - lo, 0)
    offsets = np.repeat(lo - (np.cumsum(lengths) - lengths), lengths)
    cand_row = item_rows[np.arange(int(lengths.sum())) + offsets]
    cand_c = np.repeat(pair_c, lengths)

    # Exact test: the local date in the contract's zone within [start_date, end_date].
    cand_day = np.empty(len(cand_row), np.int64)
    cand_tz = tz_code[cand_c]
    for t, tz in enumerate(tz_names):
        sel = np.flatnonzero(cand_tz == t)
        if len(sel):
            cand_day[sel] = _local_days_us(instants[cand_row[sel]], tz)
    c_end = ends[cand_c]
    active = (starts[cand_c] <= cand_day) & ((c_end == nat) | (cand_day <= c_end))
    cand_row, cand_c, cand_day = cand_row[active], cand_c[active], cand_day[active]

    # Scope of each active candidate: set membership of (contract, service key) codes.
    key_code, key_uniq = pd.factorize(pd.Series(svc_keys, dtype=object))
    n_keys = max(len(key_uniq), 1)
    key_index = {k: i for i, k in enumerate(key_uniq)}

    def pair_codes(sets: list[frozenset[str]]) -> np.ndarray:
        return np.array(
            [c * n_keys + key_index[k] for c, s in enumerate(sets) for k in s if k in key_index],
            dtype=np.int64,
        )

    wildcard = np.array([bool(s & WILDCARDS) for s in inc_sets], dtype=bool)
    row_key = key_code[svc_code] if n else np.zeros(0, np.int64)
    cand_pair = cand_c * n_keys + row_key[cand_row]
    scope = np.where(
        np.isin(cand_pair, pair_codes(exc_sets)),
        _EXCLUDED,
        np.where(
            np.isin(cand_pair, pair_codes(inc_sets)),
            _INCLUDED,
            np.where(wildcard[cand_c], _WILDCARD, _UNLISTED),
        ),
    )
    # Best per item: the covering scope first, then the latest start, then contract order.
    pick = np.lexsort((cand_c, -starts[cand_c], scope, cand_row))
    cand_row, cand_c, cand_day, scope = cand_row[pick], cand_c[pick], cand_day[pick], scope[pick]
    first = np.r_[True, cand_row[1:] != cand_row[:-1]] if len(cand_row) else np.zeros(0, bool)
    best_c = np.full(n, -1, np.int64)
    best_scope = np.full(n, -1, np.int64)
    best_day = np.full(n, nat, np.int64)
    best_c[cand_row[first]] = cand_c[first]
    best_scope[cand_row[first]] = scope[first]
    best_day[cand_row[first]] = cand_day[first]

    has = best_c >= 0
    in_scope = (best_scope == _INCLUDED) | (best_scope == _WILDCARD)
    covered = np.zeros(n, bool)
    cal_code, cal_uniq = pd.factorize(pd.Series(cal_keys, dtype=object))
    row_cal = np.where(has, cal_code[np.maximum(best_c, 0)] if len(cal_code) else -1, -1)
    scoped_cals = {int(c) for c in np.unique(row_cal[in_scope])}
    for c in sorted(scoped_cals, key=lambda c: str(cal_uniq[c])):
        idx = np.flatnonzero(in_scope & (row_cal == c))
        covered[idx] = calendars[cal_uniq[c]].is_covered_many(instants[idx])
    code = np.select([~has, ~in_scope, covered], [3, 2, 0], default=1)

    # Contract ids as the rows hold them (reindexing adds NaN where no contract matched).
    matched = np.flatnonzero(has)
    cid = contracts["contract_id"].reset_index(drop=True).take(best_c[matched])
    cid.index = matched
    cid = cid.reindex(np.arange(n))
    used, first_row = np.unique(best_c[matched], return_index=True)
    cid_text = {int(c): f"{cid.iloc[matched[r]]}" for c, r in zip(used, first_row, strict=True)}

    reasons = np.empty(n, dtype=object)
    rows = np.flatnonzero(code == 3)
    if len(rows):  # the date in the zone of the client's first contract, else in UTC
        nc_day = np.full(len(rows), nat, np.int64)
        fc = first_contract[client_code[rows]]
        utc_rows = fc < 0
        nc_day[utc_rows] = _local_days_us(instants[rows[utc_rows]], "UTC")
        nc_tz = np.where(utc_rows, -1, tz_code[np.maximum(fc, 0)] if len(tz_code) else -1)
        for t, tz in enumerate(tz_names):
            sel = np.flatnonzero(nc_tz == t)
            if len(sel):
                nc_day[sel] = _local_days_us(instants[rows[sel]], tz)

        def no_contract(d: int) -> str:
            when = pd.NaT if d == nat else pd.Timestamp(d, unit="us")
            return f"No active contract for client on {when:%Y-%m-%d}"

        _take_strings(rows, nc_day, no_contract, reasons)
    n_texts = max(len(svc_texts), 1)
    for s, template in ((_EXCLUDED, "is excluded by"), (_UNLISTED, "is not listed in")):
        rows = np.flatnonzero(has & (best_scope == s))
        _take_strings(
            rows,
            best_c[rows] * n_texts + svc_code[rows],
            lambda k, t=template: (
                f"‘{svc_texts[k % n_texts]}’ {t} contract {cid_text[k // n_texts]}"
            ),
            reasons,
        )
    rows = np.flatnonzero(code == 0)
    _take_strings(rows, best_c[rows], lambda c: f"Included in contract {cid_text[c]}", reasons)
    rows = np.flatnonzero(code == 1)
    if len(rows):
        day_code, day_uniq = pd.factorize(best_day[rows])
        n_days = len(day_uniq)
        hours_text: dict[int, str] = {}

        def after_hours(k: int) -> str:
            cal = calendars[cal_uniq[k // n_days]]
            if k // n_days not in hours_text:
                hours_text[k // n_days] = f"Outside coverage {describe_hours(cal.hours)}"
            when = _EPOCH_DAY + timedelta(days=int(day_uniq[k % n_days]) // _DAY_US)
            holiday = f" (holiday {when:%Y-%m-%d})" if when in cal.holidays else ""
            return hours_text[k // n_days] + holiday

        _take_strings(rows, row_cal[rows] * n_days + day_code, after_hours, reasons)

    out_df = items.copy()
    out_df["contract_id"] = cid.to_numpy()
    out_df["outcome"] = pd.Categorical.from_codes(code, categories=list(OUTCOMES))
    out_df["reason"] = reasons.tolist()
    return out_df
