"""Helpers the billing modules share: permission, periods, amounts, lookups, invoice models."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billing.model import Invoice as InvoiceModel
from billing.model import InvoiceLine as LineModel
from billing.tax import TaxRate
from billing.validation import CORRECTED
from db.models import BillingFinding, Client, Contract, Invoice, InvoiceLine, Payment

PERMISSION = "work_billing"
UNITS = {"recurring": "period", "units": "unit"}
RECEIVABLE = ("issued", "paid", "partially_paid", "overdue")


def parse_period(period: str) -> tuple[date, date]:
    """'2026-11' -> (1 Nov 2026, 30 Nov 2026); a clear ValueError otherwise."""
    try:
        year, month = (int(p) for p in str(period).strip().split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(f"Period must look like 2026-11 (year-month), got {period!r}.") from None
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def period_choices(today: date, back: int = 12) -> list[str]:
    """'YYYY-MM' for next month, this month and `back` months before (newest first)."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index + 1, index - back - 1, -1)]


def parse_amount(value: object) -> Decimal:
    """A user-typed amount as Decimal (floats refused: money is never float)."""
    if isinstance(value, float):
        raise ValueError("Amounts are entered as text or Decimal, not float.")
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount.") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount.")
    return amount


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _names(session: Session, client_ids: Iterable) -> dict[int, str]:
    ids = sorted({int(c) for c in client_ids if c is not None and not pd.isna(c)})
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        out.update(
            session.execute(select(Client.id, Client.name).where(Client.id.in_(chunk))).all()
        )
    return out


def _refs(session: Session, contract_ids: Iterable) -> dict[int, str]:
    ids = sorted({int(c) for c in contract_ids if c is not None and not pd.isna(c)})
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Contract.id, Contract.reference).where(Contract.id.in_(chunk))
        ).all()
        out.update(rows)
    return out


def _db_lines(inv: InvoiceModel) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            kind=ln.kind,
            description=ln.description[:300],
            quantity=ln.quantity,
            unit_price=ln.unit_price,
            amount=ln.amount,
            rule=(ln.role or ln.kind)[:120],
        )
        for ln in inv.lines
    ]


# Work a run would bill for a period whose invoice was already issued (see run.py): reported
# so it is billed on a supplementary invoice, never silently lost; it blocks nothing.
LATE_ENTRY = "LATE_ENTRY"
NOT_BLOCKING = frozenset({*(str(r) for r in CORRECTED), LATE_ENTRY})


def _open_blocking(session: Session, inv: Invoice) -> list[BillingFinding]:
    if inv.run_id is None:
        return []
    return list(
        session.scalars(
            select(BillingFinding).where(
                BillingFinding.run_id == inv.run_id,
                BillingFinding.contract_id == inv.contract_id,
                BillingFinding.resolved.is_(False),
                BillingFinding.code.not_in(list(NOT_BLOCKING)),
            )
        )
    )


def _model(row: Invoice, credits: str | None = None, lines: Sequence[InvoiceLine] | None = None):
    """The billing.model.Invoice of a stored invoice (lines without entry charges)."""
    period_start, period_end = row.period_start, row.period_end
    src = row.lines if lines is None else lines
    model_lines = tuple(
        LineModel(
            kind=ln.kind,
            description=ln.description,
            quantity=ln.quantity,
            unit=UNITS.get(ln.kind, "hour"),
            unit_price=ln.unit_price,
            amount=ln.amount,
            currency=row.currency,
            period_start=period_start,
            period_end=period_end,
            role=ln.rule if ln.rule and ln.rule != ln.kind else None,
        )
        for ln in src
    )
    return InvoiceModel(
        invoice_no=row.number,
        contract_id=row.contract_id,
        client_id=row.client_id,
        currency=row.currency,
        issue_date=row.issue_date or period_start,
        due_date=row.due_date or row.issue_date or period_start,
        lines=model_lines,
        status=row.status,  # type: ignore[arg-type]
        period_start=period_start,
        period_end=period_end,
        credits_invoice_no=credits,
        tax=_tax_of(row),
    )


def _tax_of(row: Invoice) -> TaxRate | None:
    """The TaxRate a stored invoice was drafted with (its snapshot; None when untaxed)."""
    if row.tax_kind is None:
        return None
    return TaxRate(
        row.tax_name or "Tax",
        row.tax_kind,
        row.tax_percent,  # type: ignore[arg-type]
        row.tax_quickbooks_code,
        row.tax_xero_type,
        row.tax_rate_id,
    )


def _settled(session: Session, inv: Invoice) -> tuple[Decimal, Decimal]:
    """(paid, credited) so far on an invoice."""
    paid = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.invoice_id == inv.id)
    )
    credited = session.scalar(
        select(func.coalesce(func.sum(Invoice.total), 0)).where(
            Invoice.credit_note_for_id == inv.id, Invoice.status != "void"
        )
    )
    return Decimal(str(paid)), -Decimal(str(credited))
