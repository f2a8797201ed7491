"""Unit counts of per-unit contracts (devices, users), taken per period and kept as history.

A count applies from its date until the next one, so a billing run for a past period uses
the count that period had. Without any count taken, the contract's own `unit_count` applies
from its start date.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.billing.common import PERMISSION
from db.models import Contract, UnitCount


def record_unit_count(
    *, session: Session, actor: Actor, contract_id: int, effective_from: date, count: object
) -> UnitCount:
    """Record (or correct) the count from `effective_from`; audited. ValueError says why not."""
    require(actor, PERMISSION)
    contract = session.get(Contract, contract_id)
    if contract is None or contract.deleted_at is not None:
        raise ValueError(f"Contract id {contract_id} does not exist.")
    if contract.pricing_model != "per_unit":
        model = contract.pricing_model or "no pricing model"
        raise ValueError(
            f"Contract {contract.reference} is not priced per unit ({model}): it has no unit count."
        )
    try:
        number = int(str(count).strip())
    except ValueError:
        raise ValueError(f"A unit count is a whole number, got {count!r}.") from None
    if number < 0:
        raise ValueError(f"A unit count cannot be negative, got {number}.")
    row = session.scalar(
        select(UnitCount).where(
            UnitCount.contract_id == contract_id, UnitCount.effective_from == effective_from
        )
    )
    old = row.count if row is not None else None
    if row is None:
        row = UnitCount(contract_id=contract_id, effective_from=effective_from, count=number)
        session.add(row)
    row.count, row.recorded_by_id = number, actor.user_id
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="contract",
        entity_id=contract_id,
        action="unit_count",
        field=f"{contract.unit_name or 'units'} from {effective_from:%Y-%m-%d}",
        old=old,
        new=number,
    )
    return row


def unit_count_history(*, session: Session, actor: Actor, contract_id: int) -> pd.DataFrame:
    """effective_from, count (newest first), the contract's own count at its start last."""
    require(actor, PERMISSION)
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise ValueError(f"Contract id {contract_id} does not exist.")
    rows = session.execute(
        select(UnitCount.effective_from, UnitCount.count)
        .where(UnitCount.contract_id == contract_id)
        .order_by(UnitCount.effective_from.desc())
    ).all()
    frame = pd.DataFrame(rows, columns=["effective_from", "count"])
    frame["source"] = "taken"
    if contract.unit_count is not None and contract.start_date not in set(frame["effective_from"]):
        start = pd.DataFrame(
            [
                {
                    "effective_from": contract.start_date,
                    "count": contract.unit_count,
                    "source": "contract",
                }
            ]
        )
        frame = pd.concat([frame, start], ignore_index=True) if len(frame) else start
    return frame
