"""Where a contract stands in the renewal pipeline on a given day.

Stages by days to the *key date* (DESIGN.md "Renewal pipeline"): more than 90 = active,
90..61 = health check, 60..31 = proposal, 30..0 = closing, below 0 = lapsed. The key date
is the end date, or for auto-renewing contracts the last day to give notice. Once that
deadline has passed without notice the contract *has* renewed: its effective end rolls
forward by the renewal term (as often as needed) and the stage is computed against the
new term. A recorded outcome (renewed, renegotiated, lost) overrides the dates.

``renewal_stage`` is the readable reference for one contract; ``stages`` is the numpy
version for a DataFrame, tested to agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import numpy as np
import pandas as pd

from renewals.dates import notice_deadline, notice_deadline_array, roll_end, roll_end_array

HEALTH_CHECK_DAYS = 90
PROPOSAL_DAYS = 60
CLOSING_DAYS = 30


class Stage(StrEnum):
    ACTIVE = "active"
    HEALTH_CHECK = "health_check"
    PROPOSAL = "proposal"
    CLOSING = "closing"
    LAPSED = "lapsed"
    RENEWED = "renewed"
    LOST = "lost"
    NEEDS_DATA = "needs_data"


# Recorded outcomes (renewal_opportunities.outcome) and the stage they put a contract in.
OUTCOME_STAGES = {"renewed": Stage.RENEWED, "renegotiated": Stage.RENEWED, "lost": Stage.LOST}
NO_OUTCOME = {"", "open", "none", "nan"}


@dataclass(frozen=True)
class StageInfo:
    stage: Stage
    days_to_key_date: int | None
    key_date: date | None
    notice_deadline: date | None  # None unless the contract auto-renews
    effective_end: date | None  # end of the term in force (after any auto-renewals)
    auto_renewals: int = 0  # terms rolled forward because notice was not given
    reason: str = ""


def stage_for_days(days: int) -> Stage:
    """Pipeline stage for a number of days to the key date."""
    if days > HEALTH_CHECK_DAYS:
        return Stage.ACTIVE
    if days > PROPOSAL_DAYS:
        return Stage.HEALTH_CHECK
    if days > CLOSING_DAYS:
        return Stage.PROPOSAL
    if days >= 0:
        return Stage.CLOSING
    return Stage.LAPSED


def _outcome(value: object) -> Stage | None:
    if _blank(value):
        return None
    text = str(value).strip().lower()
    if text in NO_OUTCOME:
        return None
    if text not in OUTCOME_STAGES:
        raise ValueError(f"unknown outcome {value!r}")
    return OUTCOME_STAGES[text]


def _blank(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def renewal_stage(
    *,
    end_date: date | None,
    auto_renew: bool,
    notice_days: int | None = None,
    notice_months: int | None = None,
    renewal_term_months: int | None = None,
    outcome: str | None = None,
    today: date,
) -> StageInfo:
    """Stage, key date and effective end of one contract on ``today``."""
    if isinstance(today, datetime) or not isinstance(today, date):
        raise TypeError("today must be a date (the day in the contract's zone)")
    try:
        decided = _outcome(outcome)
    except ValueError as exc:
        return StageInfo(Stage.NEEDS_DATA, None, None, None, end_date, reason=str(exc))
    nd = None if _blank(notice_days) else int(notice_days)  # type: ignore[arg-type]
    nm = None if _blank(notice_months) else int(notice_months)  # type: ignore[arg-type]
    problem = _data_problem(end_date, auto_renew, nd, nm)
    if problem:
        stage = decided or Stage.NEEDS_DATA
        return StageInfo(stage, None, None, None, end_date, reason=problem)
    assert end_date is not None
    deadline = notice_deadline(end_date, notice_days=nd, notice_months=nm) if auto_renew else None
    key = deadline or end_date
    if decided is not None or deadline is None or deadline >= today:
        stage = decided or stage_for_days((key - today).days)
        return StageInfo(stage, (key - today).days, key, deadline, end_date)
    term = None if _blank(renewal_term_months) else int(renewal_term_months)  # type: ignore[arg-type]
    if term is None or term <= 0:
        reason = f"notice deadline {deadline} passed and the renewal term is unknown"
        return StageInfo(Stage.NEEDS_DATA, None, key, deadline, end_date, reason=reason)
    k = _first_roll_estimate(end_date, today, term)
    while True:
        new_end = roll_end(end_date, k * term)
        new_deadline = notice_deadline(new_end, notice_days=nd, notice_months=nm)
        if new_deadline >= today:
            break
        k += 1
    days = (new_deadline - today).days
    reason = f"auto-renewed {k} term(s): notice deadline {deadline} passed"
    return StageInfo(stage_for_days(days), days, new_deadline, new_deadline, new_end, k, reason)


def _data_problem(end: date | None, auto: bool, nd: int | None, nm: int | None) -> str:
    if end is None:
        return "no end date"
    if nd is not None and nm is not None:
        return "both notice days and notice months are set"
    if (nd is not None and nd < 0) or (nm is not None and nm < 0):
        return "negative notice period"
    if auto and nd is None and nm is None:
        return "auto-renews but has no notice period"
    return ""


def _first_roll_estimate(end: date, today: date, term: int) -> int:
    # Rolling (months // term - 2) terms lands at least two months before today, so the
    # first roll that reaches today is never below this estimate.
    months = (today.year - end.year) * 12 + today.month - end.month
    return max(1, months // term - 1)


def stages(contracts: pd.DataFrame, today: date) -> pd.DataFrame:
    """``renewal_stage`` for every row; dates come back as datetime64 columns.

    Reads ``end_date``, ``auto_renew`` and, when present, ``notice_days``,
    ``notice_months``, ``renewal_term_months``, ``outcome``. Keeps the input index.
    """
    if isinstance(today, datetime) or not isinstance(today, date):
        raise TypeError("today must be a date (the day in the contract's zone)")
    n = len(contracts)
    idx = contracts.index

    def column(name: str) -> pd.Series:
        return contracts[name] if name in contracts else pd.Series([None] * n, index=idx)

    end = pd.to_datetime(column("end_date")).to_numpy().astype("datetime64[D]")
    auto = column("auto_renew").astype("boolean").fillna(False).to_numpy(dtype=bool)
    nd = pd.to_numeric(column("notice_days"), errors="coerce").to_numpy(dtype=float)
    nm = pd.to_numeric(column("notice_months"), errors="coerce").to_numpy(dtype=float)
    term = pd.to_numeric(column("renewal_term_months"), errors="coerce").to_numpy(dtype=float)
    day = np.datetime64(today, "D")

    outcome_text = column("outcome").astype("string").str.strip().str.lower().fillna("")
    decided = outcome_text.map(lambda t: OUTCOME_STAGES.get(t, "")).to_numpy(dtype=object)
    bad_outcome = ~outcome_text.isin(NO_OUTCOME).to_numpy() & (decided == "")
    decided_mask = decided != ""

    has_end, has_nd, has_nm = ~np.isnat(end), ~np.isnan(nd), ~np.isnan(nm)
    reason = np.full(n, "", dtype=object)
    problems = [
        (bad_outcome, "unknown outcome"),
        (~has_end, "no end date"),
        (has_nd & has_nm, "both notice days and notice months are set"),
        ((has_nd & (nd < 0)) | (has_nm & (nm < 0)), "negative notice period"),
        (auto & ~has_nd & ~has_nm, "auto-renews but has no notice period"),
    ]
    for mask, text in reversed(problems):  # the first problem in the list wins
        reason[mask] = text
    if bad_outcome.any():
        raw = column("outcome").to_numpy(dtype=object)
        reason[bad_outcome] = [f"unknown outcome {v!r}" for v in raw[bad_outcome]]
    ok = reason == ""

    stage = np.full(n, Stage.NEEDS_DATA.value, dtype=object)
    stage[~ok & decided_mask & ~bad_outcome] = decided[~ok & decided_mask & ~bad_outcome]
    nat = np.datetime64("NaT", "D")
    deadline = np.full(n, nat)
    calc = ok & auto
    deadline[calc] = notice_deadline_array(
        end[calc],
        np.nan_to_num(nd[calc]).astype(np.int64),
        np.nan_to_num(nm[calc]).astype(np.int64),
        has_nm[calc],
    )
    key = np.where(auto, deadline, end)
    key[~ok] = nat
    effective = end.copy()
    rolls = np.zeros(n, dtype=np.int64)

    passed = ok & auto & ~decided_mask & (deadline < day)
    term_ok = ~np.isnan(term) & (term > 0)
    stuck = passed & ~term_ok
    reason[stuck] = [
        f"notice deadline {d} passed and the renewal term is unknown"
        for d in deadline[stuck].astype(object)
    ]
    roll = passed & term_ok
    if roll.any():
        new_end, new_deadline, k = _roll_array(
            end[roll], term[roll].astype(np.int64), nd[roll], nm[roll], has_nm[roll], day
        )
        reason[roll] = [
            f"auto-renewed {r} term(s): notice deadline {d} passed"
            for r, d in zip(k, deadline[roll].astype(object), strict=True)
        ]
        effective[roll], rolls[roll] = new_end, k
        key[roll] = deadline[roll] = new_deadline

    days = (key - day).astype("timedelta64[D]").astype(np.float64)
    days[np.isnat(key) | stuck] = np.nan
    dated = ok & ~stuck
    stage[dated] = _stage_for_days_array(days[dated])
    stage[ok & decided_mask] = decided[ok & decided_mask]
    return pd.DataFrame(
        {
            "stage": stage,
            "days_to_key_date": pd.array(np.where(np.isnan(days), None, days), dtype="Int64"),
            "key_date": key.astype("datetime64[s]"),
            "notice_deadline": deadline.astype("datetime64[s]"),
            "effective_end": effective.astype("datetime64[s]"),
            "auto_renewals": rolls,
            "reason": reason.astype(str),
        },
        index=idx,
    )


def _stage_for_days_array(days: np.ndarray) -> np.ndarray:
    """Element-wise :func:`stage_for_days`."""
    conditions = [days > HEALTH_CHECK_DAYS, days > PROPOSAL_DAYS, days > CLOSING_DAYS, days >= 0]
    choices = [Stage.ACTIVE, Stage.HEALTH_CHECK, Stage.PROPOSAL, Stage.CLOSING]
    return np.select(conditions, [c.value for c in choices], Stage.LAPSED.value).astype(object)


def _roll_array(
    end: np.ndarray,
    term: np.ndarray,
    nd: np.ndarray,
    nm: np.ndarray,
    use_m: np.ndarray,
    day: np.datetime64,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    months = (day.astype("datetime64[M]") - end.astype("datetime64[M]")).astype(np.int64)
    k = np.maximum(1, months // term - 1)
    nd_i, nm_i = np.nan_to_num(nd).astype(np.int64), np.nan_to_num(nm).astype(np.int64)
    while True:
        new_end = roll_end_array(end, k * term)
        new_deadline = notice_deadline_array(new_end, nd_i, nm_i, use_m)
        behind = new_deadline < day
        if not behind.any():
            return new_end, new_deadline, k
        k = k + behind
