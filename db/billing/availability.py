"""Availability figures: the measured uptime % per contract and month that
`availability_below` credit rules read (the SLA engine measures tickets, not uptime).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.billing.common import PERMISSION, parse_amount, parse_period
from db.models import AvailabilityFigure, Contract

HUNDRED = Decimal(100)


def record_availability(
    *,
    session: Session,
    actor: Actor,
    contract_id: int,
    period: str,
    percent: object,
    source: str | None = None,
) -> AvailabilityFigure:
    """Store (or correct) a contract's availability % for a month ('2026-11')."""
    require(actor, PERMISSION)
    if session.get(Contract, contract_id) is None:
        raise ValueError(f"Contract id {contract_id} does not exist.")
    first, last = parse_period(period)
    try:
        value = parse_amount(str(percent).strip().rstrip("%"))
    except ValueError:
        raise ValueError(f"Availability {percent!r} is not a number: give a percent.") from None
    if value < 0 or value > HUNDRED:
        raise ValueError(f"Availability {value}% is not a percentage: give 0 to 100.")
    row = session.scalar(
        select(AvailabilityFigure).where(
            AvailabilityFigure.contract_id == contract_id,
            AvailabilityFigure.period_start == first,
        )
    )
    old = None if row is None else row.percent
    if row is None:
        row = AvailabilityFigure(contract_id=contract_id, period_start=first, period_end=last)
        session.add(row)
    row.percent, row.source, row.entered_by_id = (
        value,
        (source or "").strip() or None,
        actor.user_id,
    )
    session.flush()
    audit.record(
        session=session, actor=actor, entity="contract", entity_id=contract_id,
        action="availability", field=f"{first:%Y-%m}", old=old, new=value,
    )  # fmt: skip
    return row


def period_availability(session: Session, contract_id: int, first: date, last: date):
    """The day-weighted availability % of the months inside [first, last]; None if none."""
    rows = session.scalars(
        select(AvailabilityFigure).where(
            AvailabilityFigure.contract_id == contract_id,
            AvailabilityFigure.period_start >= first,
            AvailabilityFigure.period_end <= last,
        )
    ).all()
    if not rows:
        return None
    days = [Decimal((r.period_end - r.period_start).days + 1) for r in rows]
    total = sum((d * r.percent for d, r in zip(days, rows, strict=True)), Decimal(0))
    mean = (total / sum(days)).quantize(Decimal("0.001"))
    return Decimal(f"{mean.normalize():f}")  # 98.2, not 98.200 (it is printed as evidence)


def availability_history(*, session: Session, actor: Actor, contract_id: int) -> pd.DataFrame:
    require(actor, PERMISSION)
    rows = session.scalars(
        select(AvailabilityFigure)
        .where(AvailabilityFigure.contract_id == contract_id)
        .order_by(AvailabilityFigure.period_start.desc())
    )
    return pd.DataFrame(
        [{"month": f"{r.period_start:%Y-%m}", "availability %": r.percent, "source": r.source}
         for r in rows],
        columns=["month", "availability %", "source"],
    )  # fmt: skip
