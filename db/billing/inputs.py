"""Billing inputs loaded from the store: contracts, time entries, entitlement, block-hours state.

- Entitlement of every entry is recomputed at run time (sla.check_entitlement with the
  stored calendars), so validation judges the contract as it stands now.
- Block-hours rollover is replayed from the contract's history rather than kept as a stored
  counter that could drift from the entries: no extra table, no migration. The replay sums
  block-rated minutes per day over frames (db/billing/block_usage.py), then walks the windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billing.frames import contract_from_row, entries_from_frame
from billing.model import ContractBilling
from billing.pricing import BlockHours
from billing.run import replay_block_states
from billing.validation import Reason
from db.billing.block_usage import block_frame, block_minutes_by_day
from db.billing.common import _chunks, _start
from db.calendars import load_calendars
from db.models import Contract, ContractService, Ticket, TimeEntry, UnitCount
from sla import check_entitlement

CONTRACT_COLUMNS = (
    "reference",
    "client_id",
    "status",
    "start_date",
    "end_date",
    "currency",
    "pricing_model",
    "billing_cycle",
    "billing_timing",
    "billing_alignment",
    "recurring_fee",
    "unit_name",
    "unit_price",
    "unit_count",
    "included_hours",
    "rollover",
    "rollover_cap_hours",
    "hourly_rate",
    "overage_rate",
    "after_hours_multiplier",
    "role_rates",
    "calendar_id",
    "timezone",
)
NEEDS = {
    "fixed": "a recurring fee",
    "per_unit": "a unit price",
    "block_hours": "included hours",
    "time_materials": "an hourly rate or role rates",
}


def _contract_rows(session: Session, *where) -> list[dict]:
    """Contract columns, plus `unit_counts` (effective date -> count) of per-unit contracts."""
    # end_date here is the last day in force (contracts/term.py), not the initial term's end
    cols = [
        Contract.in_force_until.label("end_date") if c == "end_date" else getattr(Contract, c)
        for c in CONTRACT_COLUMNS
    ]
    q = select(Contract.id.label("contract_id"), *cols).where(Contract.deleted_at.is_(None), *where)
    rows = [dict(r._mapping) for r in session.execute(q)]
    per_unit = [r["contract_id"] for r in rows if r["pricing_model"] == "per_unit"]
    history: dict[int, dict[date, int]] = {}
    for chunk in _chunks(per_unit):
        for cid, day, count in session.execute(
            select(UnitCount.contract_id, UnitCount.effective_from, UnitCount.count).where(
                UnitCount.contract_id.in_(chunk)
            )
        ):
            history.setdefault(cid, {})[day] = count
    for row in rows:
        row["unit_counts"] = history.get(row["contract_id"], {})
    return rows


def _billing(row: dict) -> tuple[ContractBilling | None, tuple[str, str] | None]:
    """The pure contract, and a contract-level problem (never a silent zero)."""
    ref = row["reference"]
    try:
        contract = contract_from_row(row)
    except (ValueError, TypeError, KeyError) as exc:
        return None, ("INVALID_CONTRACT", f"contract {ref} cannot be billed: {exc}")
    if contract.pricing is not None:
        return contract, None
    model = row.get("pricing_model")
    if not model:
        why = f"contract {ref} has no pricing model: nothing can be invoiced"
    elif model in NEEDS:
        why = f"contract {ref} is priced {model} but has no {NEEDS[model]}: nothing invoiced"
    else:
        why = f"contract {ref} has unknown pricing model {model!r}: nothing invoiced"
    return contract, (str(Reason.NO_PRICING_MODEL), why)


def _entry_frame(session: Session, *where) -> pd.DataFrame:
    q = (
        select(
            TimeEntry.id.label("entry_id"),
            TimeEntry.contract_id,
            TimeEntry.client_id,
            TimeEntry.ticket_id,
            TimeEntry.technician_id,
            TimeEntry.role,
            TimeEntry.started_at,
            TimeEntry.minutes,
            TimeEntry.rate_charged,
            TimeEntry.currency,
            TimeEntry.approved,
            func.coalesce(TimeEntry.service_type, Ticket.service_type).label("service_type"),
        )
        .outerjoin(Ticket, Ticket.id == TimeEntry.ticket_id)
        .where(*where)
    )
    rows = session.execute(q).all()
    cols = [
        "entry_id",
        "contract_id",
        "client_id",
        "ticket_id",
        "technician_id",
        "role",
        "started_at",
        "minutes",
        "rate_charged",
        "currency",
        "approved",
        "service_type",
    ]
    return pd.DataFrame(rows, columns=cols).astype({"contract_id": object, "client_id": object})


def _entitle(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """Add entitlement_outcome and fill missing contract/client ids (sla.check_entitlement)."""
    frame = frame.copy()
    if frame.empty:
        frame["entitlement_outcome"] = pd.Series(dtype=object)
        return frame
    owners = dict(
        session.execute(
            select(Contract.id, Contract.client_id).where(
                Contract.id.in_(sorted({int(c) for c in pd.unique(frame["contract_id"].dropna())}))
            )
        ).all()
    )
    # NA tested once per column, not once per value (a year of entries is 10^5 rows)
    unknown = frame["client_id"].isna().to_numpy()
    frame["client_id"] = [
        owners.get(co) if u else cl
        for cl, co, u in zip(frame["client_id"], frame["contract_id"], unknown, strict=True)
    ]
    unknown = frame["client_id"].isna().to_numpy()
    clients = sorted({int(c) for c in pd.unique(frame["client_id"].dropna())})
    rows = _contract_rows(session, Contract.client_id.in_(clients)) if clients else []
    con = pd.DataFrame(
        [
            {
                "contract_id": r["contract_id"],
                "client_id": r["client_id"],
                "start_date": r["start_date"],
                "end_date": r["end_date"],
                "calendar_key": str(r["calendar_id"]) if r["calendar_id"] else "24x7",
            }
            for r in rows
        ],
        columns=["contract_id", "client_id", "start_date", "end_date", "calendar_key"],
    )
    services: dict[int, dict[str, list[str]]] = {}
    ids = [r["contract_id"] for r in rows]
    for chunk in _chunks(ids):
        q = select(ContractService.contract_id, ContractService.kind, ContractService.name)
        for cid, kind, name in session.execute(q.where(ContractService.contract_id.in_(chunk))):
            services.setdefault(cid, {}).setdefault(kind, []).append(name)
    con["included"] = [services.get(c, {}).get("included", []) for c in con["contract_id"]]
    con["excluded"] = [services.get(c, {}).get("excluded", []) for c in con["contract_id"]]
    calendars = {str(k): v for k, v in load_calendars(session=session).items()}
    items = pd.DataFrame(
        {
            "client_id": pd.Series(
                [-1 if u else c for c, u in zip(frame["client_id"], unknown, strict=True)],
                index=frame.index,
            ),
            "contract_id": frame["contract_id"],  # booked entries: judged on that contract
            "instant": pd.to_datetime(frame["started_at"], utc=True),
            "service_type": frame["service_type"].fillna(""),
        }
    )
    result = check_entitlement(items.reset_index(drop=True), con, calendars=calendars)
    found = result["contract_id"].to_numpy()
    booked = frame["contract_id"].notna().to_numpy()
    frame["contract_id"] = [
        stored if b else (None if pd.isna(f) else int(f))
        for stored, f, b in zip(frame["contract_id"], found, booked, strict=True)
    ]
    frame["entitlement_outcome"] = result["outcome"].astype(str).to_numpy()
    return frame


def _time_entries(frame: pd.DataFrame) -> list:
    if frame.empty:
        return []
    frame = frame.assign(client_id=frame["client_id"].map(lambda c: -1 if pd.isna(c) else c))
    return entries_from_frame(frame)


def _replay_states(
    session: Session,
    contracts: Sequence[ContractBilling],
    *,
    until: date,
    coverage: dict | None = None,
) -> dict:
    """Block-hours state after every period billed up to `until` (rollover contracts only)."""
    rolling = [
        c
        for c in contracts
        if isinstance(c.pricing, BlockHours) and c.pricing.rollover and c.start_date <= until
    ]
    if not rolling:
        return {}
    start = min(c.start_date for c in rolling)
    frame = block_frame(
        session,
        [int(c.contract_id) for c in rolling],
        _start(start - timedelta(days=1)),
        _start(until + timedelta(days=2)),
    )
    minutes = block_minutes_by_day(_entitle(session, frame), rolling, coverage)
    return replay_block_states(rolling, minutes, run_date=until)
