"""Recording payments against issued invoices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.billing.common import PERMISSION, RECEIVABLE, _settled, parse_amount
from db.models import Invoice, Payment


def record_payment(
    *,
    session: Session,
    actor: Actor,
    invoice_id: int,
    amount: object,
    paid_on: date,
    method: str | None = None,
    reference: str | None = None,
) -> Payment:
    """Record a full or partial payment; more than the open balance is refused."""
    require(actor, PERMISSION)
    value = parse_amount(amount)
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise ValueError(f"Invoice id {invoice_id} does not exist.")
    if row.credit_note_for_id is not None or row.status not in RECEIVABLE:
        raise ValueError(f"{row.number} is {row.status}: payments go on issued invoices.")
    if value <= 0:
        raise ValueError(f"A payment must be more than zero, got {value}.")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{value} has more than two decimals.")
    if row.issue_date and paid_on < row.issue_date:
        raise ValueError(f"{row.number} was issued on {row.issue_date}; payment dated {paid_on}.")
    paid, credited = _settled(session, row)
    open_balance = row.total - paid - credited
    if value > open_balance:
        raise ValueError(
            f"Payment of {value:.2f} {row.currency} is more than the open balance "
            f"{open_balance:.2f} {row.currency} of {row.number}; record at most {open_balance:.2f}."
        )
    payment = Payment(
        invoice_id=row.id, paid_on=paid_on, amount=value, method=method, reference=reference
    )
    session.add(payment)
    old = row.status
    row.status = "paid" if value == open_balance else "partially_paid"
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="invoice",
        entity_id=row.id,
        action="payment",
        field="paid",
        old=paid,
        new=paid + value,
    )
    if old != row.status:
        audit.record(
            session=session,
            actor=actor,
            entity="invoice",
            entity_id=row.id,
            action="update",
            field="status",
            old=old,
            new=row.status,
        )
    return payment
