"""What the renewal modules share: NotFound, local today, one contract, its opportunity, loaders."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Contract, Invoice, Payment, RenewalOpportunity
from renewals.healthcheck import paid_on_dates


class NotFound(LookupError):
    pass


def _local_today(now: datetime, tz: str) -> date:
    try:
        return now.astimezone(ZoneInfo(tz or "UTC")).date()
    except (KeyError, ValueError):
        return now.astimezone(UTC).date()


def _sla_outcomes(session: Session, now: datetime, since: datetime | None, ids=None):
    from db.sla.outcomes import sla_outcomes

    return sla_outcomes(session=session, now=now, since=since, contract_ids=ids)


def _invoices(session: Session, ids: list[int], since: date) -> pd.DataFrame:
    rows = session.execute(
        select(Invoice.id, Invoice.contract_id, Invoice.issue_date, Invoice.due_date,
               Invoice.total, Invoice.status)
        .where(Invoice.contract_id.in_(ids), Invoice.issue_date >= since,
               Invoice.status.not_in(("void", "draft")))
    ).all()  # fmt: skip
    invoices = pd.DataFrame(
        rows, columns=["id", "contract_id", "issue_date", "due_date", "total", "status"]
    )
    pays = pd.DataFrame(
        session.execute(
            select(Payment.invoice_id, Payment.paid_on, Payment.amount).where(
                Payment.invoice_id.in_(select(Invoice.id).where(Invoice.contract_id.in_(ids)))
            )
        ).all(),
        columns=["invoice_id", "paid_on", "amount"],
    )
    invoices["paid_on"] = paid_on_dates(invoices, pays) if len(invoices) else None
    return invoices


def _contract_row(session: Session, contract_id: int) -> Contract:
    c = session.get(Contract, contract_id)
    if c is None or c.deleted_at is not None:
        raise NotFound(f"Contract {contract_id} does not exist.")
    return c


def _opportunity(session: Session, contract_id: int, term_end: date) -> RenewalOpportunity:
    opp = session.scalars(
        select(RenewalOpportunity)
        .where(
            RenewalOpportunity.contract_id == contract_id,
            RenewalOpportunity.term_end == term_end,
        )
        .order_by(RenewalOpportunity.id.desc())
    ).first()
    if opp is None:
        opp = RenewalOpportunity(contract_id=contract_id, term_end=term_end, outcome="open")
        session.add(opp)
        session.flush()
    return opp
