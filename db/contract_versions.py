"""Effective-dated contract versions: what changed, from when, from which document, by whom.

Every Apply, amendment and contract-page edit writes one `ContractVersion` (changes field ->
[before, after], and the snapshot of the versioned fields in force from ``effective_from``).
The contract row keeps the latest values; results for the past read `snapshot_at` instead
(billing: the rates of the version in force at a period's start). A contract's first version
is preceded by an ``initial`` one holding the values it had before, from its start date, so
"the version in force before the change" is always readable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from contracts.schema import ContractInput
from db.models import Contract, ContractDocument, ContractVersion, User

VERSIONED: tuple[str, ...] = (*ContractInput.model_fields, "facts")
# What billing reads from the version in force at a period's start (never today's row).
RATE_FIELDS = (
    "pricing_model",
    "recurring_fee",
    "unit_name",
    "unit_price",
    "included_hours",
    "rollover",
    "rollover_cap_hours",
    "hourly_rate",
    "overage_rate",
    "after_hours_multiplier",
    "role_rates",
)
_DECIMALS = {
    "value", "recurring_fee", "unit_price", "included_hours", "rollover_cap_hours",
    "hourly_rate", "overage_rate", "after_hours_multiplier",
}  # fmt: skip
_DATES = {"start_date", "end_date", "notice_given_on", "terminated_on"}
KINDS = ("initial", "apply", "amendment", "edit")


def _plain(value: Any) -> Any:
    """JSON-safe form: dates as ISO text, Decimals as text (no float rounding)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(contract: Contract) -> dict[str, Any]:
    """The versioned fields of ``contract`` as stored in a version (JSON-safe)."""
    out = {name: _plain(getattr(contract, name)) for name in VERSIONED}
    out["included_services"] = sorted(s.name for s in contract.services if s.kind == "included")
    out["excluded_services"] = sorted(s.name for s in contract.services if s.kind == "excluded")
    return out


def typed(values: Mapping[str, Any]) -> dict[str, Any]:
    """A snapshot's values back as Python types (Decimal, date) for the engines."""
    out: dict[str, Any] = {}
    for name, v in values.items():
        if v is not None and name in _DECIMALS:
            out[name] = Decimal(str(v))
        elif v is not None and name in _DATES:
            out[name] = date.fromisoformat(str(v))
        else:
            out[name] = v
    return out


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """field -> [before, after] for every field whose value differs."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def record_version(
    *,
    session: Session,
    actor: Actor,
    contract: Contract,
    before: Mapping[str, Any],
    effective_from: date,
    kind: str,
    document_id: int | None = None,
    reason: str | None = None,
    extra: Mapping[str, list[Any]] | None = None,
) -> ContractVersion | None:
    """Write the version ``before`` -> the contract as it is now, from ``effective_from``.

    ``extra`` adds changes that live outside the contract row (e.g. the SLA policy).
    Nothing is written when nothing changed. The contract's first version gets an
    ``initial`` one before it (the values it had, from its start date).
    """
    if kind not in KINDS:
        raise ValueError(f"version kind must be one of {', '.join(KINDS)}")
    session.flush()
    after = snapshot(contract)
    changes = diff(before, after) | dict(extra or {})
    if not changes:
        return None
    has_any = session.scalar(
        select(ContractVersion.id).where(ContractVersion.contract_id == contract.id).limit(1)
    )
    if has_any is None:
        start = before.get("start_date")
        session.add(
            ContractVersion(
                contract_id=contract.id,
                effective_from=min(
                    date.fromisoformat(start) if start else effective_from, effective_from
                ),
                kind="initial",
                changes={},
                snapshot=dict(before),
                reason="values before the first recorded change",
                created_by_id=actor.user_id,
                username=actor.username,
            )
        )
    row = ContractVersion(
        contract_id=contract.id,
        effective_from=effective_from,
        document_id=document_id,
        kind=kind,
        changes=changes,
        snapshot=after,
        reason=(reason or "").strip() or None,
        created_by_id=actor.user_id,
        username=actor.username,
    )
    session.add(row)
    session.flush()
    return row


def versions_of(session: Session, contract_ids: Iterable[int]) -> dict[int, list[ContractVersion]]:
    """Contract id -> its versions in force order (effective_from, then id)."""
    ids = sorted(set(contract_ids))
    out: dict[int, list[ContractVersion]] = {}
    if not ids:
        return out
    for v in session.scalars(
        select(ContractVersion)
        .where(ContractVersion.contract_id.in_(ids))
        .order_by(ContractVersion.effective_from, ContractVersion.id)
    ):
        out.setdefault(v.contract_id, []).append(v)
    return out


def in_force(versions: list[ContractVersion], day: date) -> ContractVersion | None:
    """The version in force on ``day`` (latest effective on or before it), else the earliest
    (a day before every version had the values the first one records), None if no version."""
    if not versions:
        return None
    chosen = versions[0]
    for v in versions:
        if v.effective_from <= day:
            chosen = v
    return chosen


def snapshot_at(session: Session, contract_id: int, day: date) -> dict[str, Any] | None:
    """Typed values of the version in force on ``day``; None when the contract has none."""
    v = in_force(versions_of(session, [contract_id]).get(contract_id, []), day)
    return typed(v.snapshot) if v is not None else None


HISTORY_COLUMNS = [
    "effective from", "kind", "field", "before", "after", "document", "by", "recorded", "reason",
]  # fmt: skip


def history(*, session: Session, actor: Actor, contract_id: int) -> pd.DataFrame:
    """One row per changed field of every version, newest first (the contract's History)."""
    require(actor, "view_contracts")
    rows = session.execute(
        select(ContractVersion, ContractDocument.filename, User.display_name)
        .outerjoin(ContractDocument, ContractDocument.id == ContractVersion.document_id)
        .outerjoin(User, User.id == ContractVersion.created_by_id)
        .where(ContractVersion.contract_id == contract_id, ContractVersion.kind != "initial")
        .order_by(ContractVersion.effective_from.desc(), ContractVersion.id.desc())
    ).all()
    out = []
    for v, filename, who in rows:
        for name, pair in sorted(v.changes.items()):
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            out.append(
                {
                    "effective from": v.effective_from,
                    "kind": v.kind,
                    "field": name.replace("_", " "),
                    "before": _text(old),
                    "after": _text(new),
                    "document": filename,
                    "by": who or v.username,
                    "recorded": v.created_at,
                    "reason": v.reason,
                }
            )
    return pd.DataFrame(out, columns=HISTORY_COLUMNS)


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "—"
    return str(value)
