"""One invoice as the invoice page shows it: lines, payments, credit notes, findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing import ageing
from db.billing.common import PERMISSION, _open_blocking
from db.billing.receivables import _receivable_models
from db.models import Client, Contract, Invoice, Payment


@dataclass(frozen=True)
class InvoiceView:
    id: int
    number: str
    status: str  # derived at the date (paid, partially_paid, overdue, ...)
    client_id: int
    client: str
    contract: str | None
    currency: str
    total: Decimal
    paid: Decimal
    credited: Decimal
    balance: Decimal
    issue_date: date | None
    due_date: date | None
    period_start: date
    period_end: date
    credit_note_for: str | None
    lines: pd.DataFrame
    payments: pd.DataFrame
    credit_notes: pd.DataFrame
    findings: pd.DataFrame


def invoice_options(*, session: Session, actor: Actor, client_id: int | None = None) -> dict:
    """Invoice id -> label for a picker (newest first)."""
    require(actor, PERMISSION)
    q = (
        select(Invoice.id, Invoice.number, Client.name, Invoice.total, Invoice.currency)
        .join(Client, Client.id == Invoice.client_id)
        .order_by(Invoice.id.desc())
    )
    if client_id is not None:
        q = q.where(Invoice.client_id == client_id)
    return {
        r.id: f"{r.number} · {r.name} · {r.total:,.2f} {r.currency}" for r in session.execute(q)
    }


def invoice_detail(*, session: Session, actor: Actor, invoice_id: int, as_of: date) -> InvoiceView:
    require(actor, PERMISSION)
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise ValueError(f"Invoice id {invoice_id} does not exist.")
    client = session.get(Client, row.client_id)
    contract = session.get(Contract, row.contract_id) if row.contract_id else None
    lines = pd.DataFrame(
        [
            (n, ln.kind, ln.description, ln.quantity, ln.unit_price, ln.amount, ln.rule)
            for n, ln in enumerate(sorted(row.lines, key=lambda x: x.id), start=1)
        ],
        columns=["line", "kind", "description", "quantity", "unit_price", "amount", "rule"],
    )
    payments = pd.DataFrame(
        session.execute(
            select(Payment.paid_on, Payment.amount, Payment.method, Payment.reference)
            .where(Payment.invoice_id == row.id)
            .order_by(Payment.paid_on, Payment.id)
        ).all(),
        columns=["paid_on", "amount", "method", "reference"],
    )
    notes = pd.DataFrame(
        session.execute(
            select(Invoice.id, Invoice.number, Invoice.issue_date, Invoice.total, Invoice.status)
            .where(Invoice.credit_note_for_id == row.id)
            .order_by(Invoice.id)
        ).all(),
        columns=["id", "number", "issue_date", "total", "status"],
    )
    original = session.get(Invoice, row.credit_note_for_id) if row.credit_note_for_id else None
    models, _, pays = _receivable_models(
        session, or_(Invoice.id == row.id, Invoice.credit_note_for_id == row.id)
    )
    balance = ageing.invoice_balances(models, pays, as_of=as_of)
    mine = balance[balance["invoice_no"] == row.number]
    if row.credit_note_for_id is not None or mine.empty:
        status, paid, credited, bal = row.status, Decimal(0), Decimal(0), Decimal(0)
    else:
        b = mine.iloc[0]
        status, paid, credited, bal = b["status"], b["paid"], b["credited"], b["balance"]
    findings = (
        pd.DataFrame(
            [(f.code, f.message, f.time_entry_id) for f in _open_blocking(session, row)],
            columns=["code", "message", "entry_id"],
        )
        if row.status == "draft"
        else pd.DataFrame(columns=["code", "message", "entry_id"])
    )
    return InvoiceView(
        id=row.id,
        number=row.number,
        status=status,
        client_id=row.client_id,
        client=client.name if client else str(row.client_id),
        contract=contract.reference if contract else None,
        currency=row.currency,
        total=row.total,
        paid=paid,
        credited=credited,
        balance=bal,
        issue_date=row.issue_date,
        due_date=row.due_date,
        period_start=row.period_start,
        period_end=row.period_end,
        credit_note_for=original.number if original else None,
        lines=lines,
        payments=payments,
        credit_notes=notes,
        findings=findings,
    )
