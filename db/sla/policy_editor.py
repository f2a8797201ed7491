"""The SLA policy editor's data: a contract's policy versions, the matrix in force, the tier
defaults, and saving a new version (audited)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

import sla
from access.roles import Actor, require
from db import audit
from db.models import Calendar as CalendarRow
from db.models import Client, Contract, SlaPolicy, SlaTarget
from db.sla.in_force import _merge, _policies, policy_in_force
from sla.policy import TIER_DEFAULTS, policy_from_rows

MATRIX_COLUMNS = ["priority", "service_type", "response_minutes", "resolution_minutes", "calendar"]


@dataclass(frozen=True)
class PolicyView:
    """What the policy editor shows for one contract."""

    contract: dict[str, object]
    versions: pd.DataFrame  # id, effective_from, warning_share, targets, created_at
    current: pd.DataFrame  # MATRIX_COLUMNS of the merged policy in force at `now`
    warning_share: float
    tier_defaults: pd.DataFrame  # tier, priority, response/resolution minutes, calendar


def _matrix(policy: sla.SlaPolicy | None) -> pd.DataFrame:
    return pd.DataFrame(policy.to_rows() if policy else [], columns=MATRIX_COLUMNS)


def tier_defaults(*, session: Session) -> pd.DataFrame:
    """Tier default matrices as in force today: stored tier rows, else the package defaults."""
    stored: dict[str, SlaPolicy] = {}
    for p in _policies(session):
        if p.contract_id is None and p.tier:
            stored[p.tier.strip().lower()] = p  # ordered by effective_from: latest wins
    frames = []
    for tier in sorted(set(TIER_DEFAULTS) | set(stored)):
        policy = _merge(tier, stored.get(tier), None)
        frames.append(
            _matrix(policy).assign(tier=tier, source="stored" if tier in stored else "default")
        )
    return pd.concat(frames, ignore_index=True)[["tier", *MATRIX_COLUMNS, "source"]]


def policy_view(*, session: Session, actor: Actor, contract_id: int, now: datetime) -> PolicyView:
    """A contract's SLA policy versions, the matrix in force now, and the tier defaults."""
    require(actor, "work_sla")
    contract = session.get(Contract, contract_id)
    if contract is None or contract.deleted_at is not None:
        raise LookupError(f"No contract with id {contract_id}")
    policy, cal_key = policy_in_force(session=session, contract_id=contract_id, at=now)
    cal = session.get(CalendarRow, contract.calendar_id) if contract.calendar_id else None
    versions = pd.DataFrame(
        [
            {
                "id": p.id,
                "effective_from": p.effective_from,
                "warning_share": float(p.warning_share),
                "targets": len(p.targets),
                "created_at": p.created_at,
            }
            for p in _policies(session)
            if p.contract_id == contract_id
        ],
        columns=["id", "effective_from", "warning_share", "targets", "created_at"],
    )
    return PolicyView(
        contract={
            "id": contract.id,
            "reference": contract.reference,
            "title": contract.title,
            "tier": contract.tier,
            "calendar": f"{cal.name}: {cal.spec} ({cal.timezone})" if cal else "24x7 (no calendar)",
        },
        versions=versions.sort_values("effective_from", ascending=False, kind="stable"),
        current=_matrix(policy),
        warning_share=policy.warning_share if policy else sla.policy.DEFAULT_WARNING_SHARE,
        tier_defaults=tier_defaults(session=session),
    )


def save_policy_version(
    *,
    session: Session,
    actor: Actor,
    contract_id: int,
    effective_from: date,
    rows: pd.DataFrame | Sequence[dict[str, object]],
    warning_share: float,
) -> SlaPolicy:
    """Store a NEW policy version of a contract from `effective_from` (audited).

    Older versions stay: tickets created before `effective_from` keep the policy that was in
    force at their creation. Raises ValueError naming the first problem; nothing is written.
    """
    require(actor, "edit_contracts")
    require(actor, "work_sla")
    contract = session.get(Contract, contract_id)
    if contract is None or contract.deleted_at is not None:
        raise LookupError(f"No contract with id {contract_id}")
    frame = (
        pd.DataFrame(rows, columns=MATRIX_COLUMNS) if not isinstance(rows, pd.DataFrame) else rows
    )
    frame = frame.dropna(how="all")
    if frame.empty:
        raise ValueError("The policy has no rows: give at least one priority")
    for col in ("response_minutes", "resolution_minutes"):
        bad = pd.to_numeric(frame[col], errors="coerce").isna()
        if bad.any():
            raise ValueError(f"{col.replace('_', ' ')} must be a number on every row")
    frame = frame.assign(
        service_type=frame["service_type"].fillna("*").astype(str),
        calendar=frame["calendar"].fillna("contract").astype(str),
    )
    keys = (
        frame["priority"].astype(str).str.strip().str.upper()
        + "/"
        + frame["service_type"].map(sla.policy.service_key)
    )
    if keys.duplicated().any():
        raise ValueError(f"Duplicate row for {keys[keys.duplicated()].iloc[0]}")
    policy = policy_from_rows(frame, warning_share=float(warning_share))  # validates each cell
    row = SlaPolicy(
        contract_id=contract_id,
        effective_from=effective_from,
        warning_share=Decimal(str(round(float(warning_share), 4))),
    )
    for t in policy.to_rows():
        row.targets.append(SlaTarget(**t))
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="sla_policy",
        entity_id=row.id,
        action="create",
        field=f"contract {contract.reference} from {effective_from.isoformat()}",
        new="; ".join(
            f"{t['priority']} {t['service_type']}: {t['response_minutes']}/"
            f"{t['resolution_minutes']} {t['calendar']}"
            for t in policy.to_rows()
        )
        + f"; warning {float(warning_share):.0%}",
    )
    return row


def contract_choices(*, session: Session) -> pd.DataFrame:
    """Live contracts for pickers: id, label."""
    rows = session.execute(
        select(Contract.id, Contract.reference, Client.name, Contract.tier)
        .join(Client, Client.id == Contract.client_id)
        .where(Contract.deleted_at.is_(None))
        .order_by(Client.name, Contract.reference)
    ).all()
    return pd.DataFrame(
        [{"id": i, "label": f"{ref} · {name} ({tier})"} for i, ref, name, tier in rows],
        columns=["id", "label"],
    )
