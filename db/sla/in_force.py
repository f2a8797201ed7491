"""The SLA policy in force for each ticket at its creation.

Picked per ticket with one `merge_asof` over policy versions (a contract's own versions by
`effective_from`, else its tier's default rows, else `sla.policy.TIER_DEFAULTS`);
`effective_from` is a date in the contract calendar's zone. A contract version is merged
over its tier default (`sla.policy_for` semantics).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import sla
from db.calendars import ALWAYS, calendar_versions_frame
from db.models import Calendar as CalendarRow
from db.models import Contract, SlaPolicy
from db.sla.frames import to_instants
from sla.policy import TIER_DEFAULTS, policy_from_rows


def _contracts(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            Contract.id,
            Contract.tier,
            Contract.calendar_id,
            Contract.timezone,
            CalendarRow.timezone,
        ).outerjoin(CalendarRow, CalendarRow.id == Contract.calendar_id)
    ).all()
    frame = pd.DataFrame(rows, columns=["contract_id", "tier", "calendar_id", "ctz", "caltz"])
    frame["tz"] = frame["caltz"].fillna(frame["ctz"]).fillna("UTC")
    frame["tier"] = frame["tier"].astype("string").str.strip().str.lower()
    return frame.drop(columns=["ctz", "caltz"])


def _policies(session: Session) -> list[SlaPolicy]:
    return list(
        session.scalars(
            select(SlaPolicy)
            .options(selectinload(SlaPolicy.targets))
            .order_by(SlaPolicy.effective_from, SlaPolicy.id)
        )
    )


def _local_midnight(day: date, tz: str) -> pd.Timestamp:
    return pd.Timestamp(day).tz_localize(tz, nonexistent="shift_forward", ambiguous=True)


def _in_force(tickets: pd.DataFrame, versions: pd.DataFrame, name: str) -> pd.Series:
    """Per ticket, the id of the latest version (by contract) effective at creation, or NA."""
    if versions.empty:
        return pd.Series(pd.NA, index=tickets.index, dtype="Int64")
    left = tickets[["contract_id", "created_at"]].reset_index(names="_row")
    left = left[left["contract_id"].notna()].sort_values("created_at", kind="stable")
    right = versions.sort_values("eff_at", kind="stable")
    merged = pd.merge_asof(
        left.astype({"contract_id": "int64"}),
        right.astype({"contract_id": "int64"}),
        left_on="created_at",
        right_on="eff_at",
        by="contract_id",
        direction="backward",
    )
    out = pd.Series(pd.NA, index=tickets.index, dtype="Int64")
    out.loc[merged["_row"].to_numpy()] = merged[name].astype("Int64").to_numpy()
    return out


def _policy_keys(
    tickets: pd.DataFrame,
    contracts: pd.DataFrame,
    rows: list[SlaPolicy],
    cal_versions: pd.DataFrame | None = None,
) -> tuple[pd.Series, dict[str, sla.SlaPolicy], dict[str, object]]:
    """Ticket -> policy key, key -> sla.SlaPolicy, key -> calendar key.

    `cal_versions` (db.calendars.calendar_versions_frame): the calendar version in force at
    a ticket's creation is part of its key, so its calendar key is "id@version"."""
    tz = contracts.set_index("contract_id")["tz"]
    tier_of = contracts.set_index("contract_id")["tier"]
    own = [
        {
            "contract_id": p.contract_id,
            "cv": p.id,
            "eff_at": _local_midnight(p.effective_from, tz.get(p.contract_id, "UTC")),
        }
        for p in rows
        if p.contract_id is not None and p.contract_id in tz.index
    ]
    by_tier: dict[str, list[SlaPolicy]] = {}
    for p in rows:
        if p.contract_id is None and p.tier:
            by_tier.setdefault(p.tier.strip().lower(), []).append(p)
    tier_rows = [
        {
            "contract_id": cid,
            "tv": p.id,
            "eff_at": _local_midnight(p.effective_from, tz[cid]),
        }
        for cid, tier in tier_of.items()
        for p in by_tier.get(str(tier), [])
    ]
    cols_c, cols_t = ["contract_id", "cv", "eff_at"], ["contract_id", "tv", "eff_at"]
    cv = _in_force(
        tickets, pd.DataFrame(own, columns=cols_c).astype({"eff_at": "datetime64[us, UTC]"}), "cv"
    )
    tv = _in_force(
        tickets,
        pd.DataFrame(tier_rows, columns=cols_t).astype({"eff_at": "datetime64[us, UTC]"}),
        "tv",
    )
    calv = pd.Series(pd.NA, index=tickets.index, dtype="Int64")
    if cal_versions is not None and len(cal_versions):
        linked = contracts[["contract_id", "calendar_id"]].dropna()
        per_contract = linked.astype({"calendar_id": "int64"}).merge(
            cal_versions.astype({"calendar_id": "int64"}),
            on="calendar_id",
        )[["contract_id", "calv", "eff_at"]]
        calv = _in_force(tickets, per_contract, "calv")
    key = (
        tickets["contract_id"].astype("string")
        + "|"
        + cv.astype("string").fillna("-")
        + "|"
        + tv.astype("string").fillna("-")
        + "|"
        + calv.astype("string").fillna("-")
    )
    by_id = {p.id: p for p in rows}
    cal = contracts.set_index("contract_id")["calendar_id"]
    policies: dict[str, sla.SlaPolicy] = {}
    calendar_keys: dict[str, object] = {}
    for k in key.dropna().unique():
        cid, c_ver, t_ver, cal_ver = k.split("|")
        policy = _merge(
            str(tier_of.get(int(cid), "")),
            by_id.get(int(t_ver)) if t_ver != "-" else None,
            by_id.get(int(c_ver)) if c_ver != "-" else None,
        )
        if policy is not None:
            policies[k] = policy
            c = cal.get(int(cid))
            if c is None or pd.isna(c):
                calendar_keys[k] = ALWAYS
            else:
                calendar_keys[k] = str(int(c)) + ("" if cal_ver == "-" else f"@{cal_ver}")
    return key, policies, calendar_keys


def _targets(p: SlaPolicy) -> list[dict[str, object]]:
    return [
        {
            "priority": t.priority,
            "service_type": t.service_type,
            "response_minutes": t.response_minutes,
            "resolution_minutes": t.resolution_minutes,
            "calendar": t.calendar,
        }
        for t in p.targets
    ]


def _share(p: SlaPolicy) -> float:
    return float(p.warning_share if p.warning_share is not None else Decimal("0.75"))


def _merge(tier: str, tier_row: SlaPolicy | None, own: SlaPolicy | None) -> sla.SlaPolicy | None:
    """Tier base (stored default, else the package default) with the contract's rows over it."""
    base: tuple[sla.Target, ...] = ()
    share = sla.policy.DEFAULT_WARNING_SHARE
    if tier_row is not None:
        base = policy_from_rows(_targets(tier_row)).targets
        share = _share(tier_row)
    elif tier in TIER_DEFAULTS:
        base = TIER_DEFAULTS[tier]
    if own is not None:
        base = base + policy_from_rows(_targets(own)).targets
        share = _share(own)
    if not base:
        return None
    return sla.SlaPolicy(base, share)


def policy_in_force(
    *, session: Session, contract_id: int, at: datetime
) -> tuple[sla.SlaPolicy | None, object]:
    """The merged policy of a contract at an instant and its calendar key ("24x7" if none)."""
    probe = pd.DataFrame(
        {"contract_id": pd.array([contract_id], "Int64"), "created_at": to_instants([at])}
    )
    contracts = _contracts(session)
    contracts = contracts[contracts["contract_id"] == contract_id]
    key, policies, cal_keys = _policy_keys(
        probe, contracts, _policies(session), calendar_versions_frame(session)
    )
    k = key.iloc[0]
    return policies.get(k), cal_keys.get(k, ALWAYS)
