"""An invoice's life after drafting: list a period's invoices, issue, credit, void."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing import ageing
from db import audit
from db.billing.common import (
    PERMISSION,
    RECEIVABLE,
    _db_lines,
    _model,
    _open_blocking,
    _settled,
    parse_period,
)
from db.billing.tax import store_snapshot
from db.models import BillingRun, Client, Contract, Invoice, TimeEntry

PAYMENT_TERMS_DAYS = 30


def period_invoices(
    *, session: Session, actor: Actor, period: str, status: str | None = None
) -> pd.DataFrame:
    """Invoices of the runs for a period (drafts to issue, issued ones for reference)."""
    require(actor, PERMISSION)
    first, last = parse_period(period)
    runs = select(BillingRun.id).where(
        BillingRun.period_start == first, BillingRun.period_end == last
    )
    q = (
        select(
            Invoice.id,
            Invoice.number,
            Client.name,
            Contract.reference,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.currency,
            Invoice.total,
            Invoice.status,
        )
        .join(Client, Client.id == Invoice.client_id)
        .outerjoin(Contract, Contract.id == Invoice.contract_id)
        .where(Invoice.run_id.in_(runs))
        .order_by(Invoice.id)
    )
    if status:
        q = q.where(Invoice.status == status)
    cols = ["id", "number", "client", "contract", "issue_date", "due_date", "currency", "total"]
    return pd.DataFrame(session.execute(q).all(), columns=[*cols, "status"])


def _next_number(session: Session, prefix: str, year: int) -> str:
    stem = f"{prefix}-{year}-"
    found = session.scalars(select(Invoice.number).where(Invoice.number.like(f"{stem}%"))).all()
    seq = max((int(n[len(stem) :]) for n in found if n[len(stem) :].isdigit()), default=0)
    return f"{stem}{seq + 1:06d}"


def issue_invoices(
    *,
    session: Session,
    actor: Actor,
    invoice_ids: Sequence[int],
    on: date,
    accept_findings: bool = False,
) -> list[str]:
    """Draft -> issued with a number and a due date; all or nothing."""
    require(actor, PERMISSION)
    ids = sorted({int(i) for i in invoice_ids})
    if not ids:
        raise ValueError("Choose at least one draft invoice to issue.")
    rows = session.scalars(select(Invoice).where(Invoice.id.in_(ids)).order_by(Invoice.id)).all()
    problems = [f"invoice id {i} does not exist" for i in sorted(set(ids) - {r.id for r in rows})]
    for row in rows:
        if row.status != "draft":
            problems.append(f"{row.number} is {row.status}: only drafts are issued")
        elif row.total <= 0:
            problems.append(f"{row.number} totals {row.total}: nothing to invoice")
        elif not accept_findings:
            held = _open_blocking(session, row)
            if held:
                problems.append(
                    f"{row.number} has {len(held)} open finding(s), e.g. {held[0].code}: "
                    f"{held[0].message} (approve or fix and re-run, or issue anyway)"
                )
    if problems:
        raise ValueError("Nothing issued. " + "; ".join(problems) + ".")
    numbers = []
    for row in rows:
        number = _next_number(session, "INV", on.year)
        old = row.number
        row.number, row.status = number, "issued"
        row.issue_date, row.due_date = on, on + timedelta(days=PAYMENT_TERMS_DAYS)
        session.flush()
        audit.record_changes(
            session=session,
            actor=actor,
            entity="invoice",
            entity_id=row.id,
            changes={"status": ("draft", "issued"), "number": (old, number)},
        )
        numbers.append(number)
    return numbers


def create_credit_note(
    *,
    session: Session,
    actor: Actor,
    invoice_id: int,
    on: date,
    line_numbers: Sequence[int] | None = None,
) -> str:
    """An issued credit note cancelling all or some lines of an issued invoice."""
    require(actor, PERMISSION)
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise ValueError(f"Invoice id {invoice_id} does not exist.")
    if row.credit_note_for_id is not None:
        raise ValueError(f"{row.number} is a credit note; credit the original invoice.")
    if row.status not in RECEIVABLE:
        raise ValueError(f"{row.number} is {row.status}: only issued invoices take credit notes.")
    if line_numbers is not None and not all(1 <= n <= len(row.lines) for n in line_numbers):
        raise ValueError(f"{row.number} has lines 1 to {len(row.lines)}.")
    number = _next_number(session, "CN", on.year)
    note = ageing.credit_note(
        _model(row, lines=sorted(row.lines, key=lambda ln: ln.id)),
        credit_note_no=number,
        issue_date=on,
        line_numbers=line_numbers,
    )
    _, credited = _settled(session, row)
    if credited - note.total > row.total:
        raise ValueError(
            f"{row.number} totals {row.total} {row.currency} and {credited} is credited already; "
            f"a further {-note.total} would credit more than the invoice."
        )
    count = session.scalar(
        select(func.count()).select_from(Invoice).where(Invoice.credit_note_for_id == row.id)
    )
    cn = Invoice(
        number=number,
        key=f"credit:{row.id}:{count + 1}",
        client_id=row.client_id,
        contract_id=row.contract_id,
        period_start=row.period_start,
        period_end=row.period_end,
        issue_date=on,
        due_date=on,
        status="issued",
        currency=row.currency,
        total=note.total,
        credit_note_for_id=row.id,
    )
    store_snapshot(cn, note)
    cn.lines.extend(_db_lines(note))
    session.add(cn)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="invoice",
        entity_id=row.id,
        action="credit_note",
        field="credited",
        old=credited,
        new=credited - note.total,
    )
    audit.record(
        session=session,
        actor=actor,
        entity="invoice",
        entity_id=cn.id,
        action="create",
        field="total",
        new=note.total,
    )
    return number


def void_invoice(*, session: Session, actor: Actor, invoice_id: int, reason: str) -> None:
    """Void a draft, or an issued invoice nobody paid or credited (else: a credit note)."""
    require(actor, PERMISSION)
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise ValueError(f"Invoice id {invoice_id} does not exist.")
    if not reason or not reason.strip():
        raise ValueError("Say why the invoice is voided.")
    if row.status == "void":
        raise ValueError(f"{row.number} is void already.")
    if row.status != "draft":
        paid, credited = _settled(session, row)
        if paid or credited:
            raise ValueError(
                f"{row.number} has payments or credit notes: issue a credit note instead."
            )
    old = row.status
    row.status = "void"
    session.execute(update(TimeEntry).where(TimeEntry.invoice_id == row.id).values(invoice_id=None))
    audit.record(
        session=session,
        actor=actor,
        entity="invoice",
        entity_id=row.id,
        action="void",
        field="status",
        old=old,
        new=f"void: {reason.strip()}",
    )
    session.flush()
