"""The billing figures of the executive dashboard: accuracy of the latest run of each
period, revenue that validation recovered, service credits given (analytics/kpis.py
DEFINITIONS says what each one counts)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analytics import kpis
from db.models import BillingFinding, BillingRun, Invoice, InvoiceLine


def latest_runs(start: date, end: date):
    """Ids of the newest run of each billing period starting in [start, end]: a rerun of a
    period supersedes the earlier runs, which must not be counted twice."""
    return (
        select(func.max(BillingRun.id))
        .where(BillingRun.period_start >= start, BillingRun.period_start <= end)
        .group_by(BillingRun.period_start, BillingRun.period_end)
    )


def billing_accuracy(session: Session, start: date, end: date) -> float | None:
    total, passed = session.execute(
        select(
            func.coalesce(func.sum(BillingRun.lines_total), 0),
            func.coalesce(func.sum(BillingRun.lines_passed), 0),
        ).where(BillingRun.id.in_(latest_runs(start, end)))
    ).one()
    return kpis.ratio(float(passed), float(total))


RECOVERED_KINDS = {
    "out_of_scope": "Out-of-scope work captured",
    "overage": "Overage billed",
    "after_hours": "After-hours work billed",
}


def revenue_recovered(
    session: Session, ids: list[int], currency: str, start: date, end: date
) -> pd.DataFrame:
    """Invoice lines that validation turned into revenue, by kind (see DEFINITIONS)."""
    rows = session.execute(
        select(InvoiceLine.kind, func.count(), func.sum(InvoiceLine.amount))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(
            Invoice.contract_id.in_(ids),
            Invoice.currency == currency,
            Invoice.status != "void",
            InvoiceLine.kind.in_(list(RECOVERED_KINDS)),
            Invoice.period_start >= start,
            Invoice.period_start <= end,
        )
        .group_by(InvoiceLine.kind)
    ).all()
    out = [(RECOVERED_KINDS[k], n, float(a or 0)) for k, n, a in rows]
    corrected = rates_corrected(session, ids, start, end)
    if corrected[0]:
        out.append(("Undercharged rates corrected", *corrected))
    return pd.DataFrame(out, columns=["source", "lines", "amount"])


def credits_given(session: Session, ids: list[int], currency: str, start: date, end: date) -> float:
    """Service credits on invoices (not void) with period start in the range, positive."""
    total = session.scalar(
        select(func.sum(InvoiceLine.amount))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(
            Invoice.contract_id.in_(ids),
            Invoice.currency == currency,
            Invoice.status != "void",
            Invoice.credit_note_for_id.is_(None),
            InvoiceLine.kind == "credit",
            Invoice.period_start >= start,
            Invoice.period_start <= end,
        )
    )
    return abs(float(total or 0))  # credit lines are negative; never "-0"


def rates_corrected(session: Session, ids: list[int], start: date, end: date):
    """(entries, amount) of undercharged rates the invoices charged at the contracted rate:
    RATE_MISMATCH findings with a positive amount on entries no other finding blocked."""
    from billing.validation import CORRECTED, Reason

    found = pd.DataFrame(
        session.execute(
            select(BillingFinding.time_entry_id, BillingFinding.code, BillingFinding.amount).where(
                BillingFinding.run_id.in_(latest_runs(start, end)),
                BillingFinding.contract_id.in_(ids),
                BillingFinding.time_entry_id.is_not(None),
            )
        ).all(),
        columns=["entry", "code", "amount"],
    )
    blocked = set(found.loc[~found["code"].isin([str(c) for c in CORRECTED]), "entry"])
    under = found[
        (found["code"] == str(Reason.RATE_MISMATCH))
        & (found["amount"].fillna(0).astype(float) > 0)
        & ~found["entry"].isin(blocked)
    ]
    return len(under), float(under["amount"].astype(float).sum())
