"""Receivables: balances, ageing and one client's invoices and payments at a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing import ageing
from billing.model import Invoice as InvoiceModel
from billing.model import InvoiceLine as LineModel
from db.billing.common import PERMISSION, _chunks, _names
from db.models import BillingRun, BillingRunClient, Client, Invoice, Payment

BUCKETS = ageing.BUCKETS


def _receivable_models(session: Session, *where) -> tuple[list[InvoiceModel], dict, list]:
    """Stored invoices as billing models (one line of their total) and their payments."""
    q = select(
        Invoice.id,
        Invoice.number,
        Invoice.client_id,
        Invoice.contract_id,
        Invoice.currency,
        Invoice.issue_date,
        Invoice.due_date,
        Invoice.period_start,
        Invoice.period_end,
        Invoice.status,
        Invoice.total,
        Invoice.credit_note_for_id,
    ).where(*where)
    rows = session.execute(q).all()
    numbers = {r.id: r.number for r in rows}
    missing = {r.credit_note_for_id for r in rows} - set(numbers) - {None}
    if missing:
        numbers.update(
            session.execute(select(Invoice.id, Invoice.number).where(Invoice.id.in_(missing))).all()
        )
    models, ids = [], {}
    for r in rows:
        issued = r.issue_date or r.period_start
        line = LineModel(
            "total",
            "Invoice total",
            Decimal(1),
            "invoice",
            r.total,
            r.total,
            r.currency,
            r.period_start,
            r.period_end,
        )
        models.append(
            InvoiceModel(
                invoice_no=r.number,
                contract_id=r.contract_id,
                client_id=r.client_id,
                currency=r.currency,
                issue_date=issued,
                due_date=r.due_date or issued,
                lines=(line,),
                status=r.status,
                period_start=r.period_start,
                period_end=r.period_end,
                credits_invoice_no=numbers.get(r.credit_note_for_id),
            )
        )
        ids[r.number] = r.id
    invoice_ids = [r.id for r in rows]
    payments = []
    for chunk in _chunks(invoice_ids, 900):
        for p in session.execute(
            select(Payment.id, Payment.invoice_id, Payment.paid_on, Payment.amount).where(
                Payment.invoice_id.in_(chunk)
            )
        ):
            payments.append(ageing.Payment(p.id, numbers[p.invoice_id], p.paid_on, p.amount))
    return models, ids, payments


@dataclass(frozen=True)
class Receivables:
    as_of: date
    balances: pd.DataFrame  # one row per invoice: paid, credited, balance, derived status
    ageing: pd.DataFrame  # per client and currency: buckets and total
    overdue: pd.DataFrame
    totals: pd.DataFrame  # per currency: outstanding by bucket


def receivables(
    *, session: Session, actor: Actor, as_of: date, client_id: int | None = None
) -> Receivables:
    """Balances, statuses, ageing buckets and per-client balance at a date."""
    require(actor, PERMISSION)
    where = [Invoice.status != "draft", Invoice.issue_date <= as_of]
    if client_id is not None:
        where.append(Invoice.client_id == client_id)
    models, ids, payments = _receivable_models(session, *where)
    balances = ageing.invoice_balances(models, payments, as_of=as_of)
    names = _names(session, balances["client_id"])
    balances.insert(0, "invoice_id", balances["invoice_no"].map(ids))
    balances.insert(3, "client", balances["client_id"].map(names))
    report = ageing.ageing_report(models, payments, as_of=as_of)
    report.insert(1, "client", report["client_id"].map(names))
    report = report.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
    overdue = balances[balances["status"] == "overdue"].sort_values(
        "days_past_due", ascending=False, kind="stable"
    )
    totals = (
        report.groupby("currency")[[*ageing.BUCKETS, "total"]]
        .agg(lambda s: sum(s, Decimal(0)))
        .reset_index()
        if not report.empty
        else pd.DataFrame(columns=["currency", *ageing.BUCKETS, "total"])
    )
    return Receivables(as_of, balances, report, overdue.reset_index(drop=True), totals)


@dataclass(frozen=True)
class ClientBilling:
    client: str
    invoices: pd.DataFrame
    payments: pd.DataFrame
    balance: pd.DataFrame
    punctuality: pd.DataFrame
    accuracy: pd.DataFrame  # per billing period, its latest run: entries, passed, accuracy


def client_options(*, session: Session, actor: Actor) -> dict[int, str]:
    require(actor, PERMISSION)
    q = select(Client.id, Client.name).where(Client.deleted_at.is_(None)).order_by(Client.name)
    return dict(session.execute(q).all())


def client_billing(*, session: Session, actor: Actor, client_id: int, as_of: date) -> ClientBilling:
    """One client's invoices (drafts included), payments, balance and punctuality."""
    require(actor, PERMISSION)
    client = session.get(Client, client_id)
    if client is None:
        raise ValueError(f"Client id {client_id} does not exist.")
    models, ids, payments = _receivable_models(session, Invoice.client_id == client_id)
    balances = ageing.invoice_balances(models, payments, as_of=as_of)
    balances.insert(0, "invoice_id", balances["invoice_no"].map(ids))
    balances = balances.sort_values(["issue_date", "invoice_no"], ascending=False, kind="stable")
    pays = pd.DataFrame(
        [(p.invoice_no, p.paid_on, p.amount) for p in payments],
        columns=["invoice_no", "paid_on", "amount"],
    ).sort_values("paid_on", ascending=False, kind="stable")
    return ClientBilling(
        client.name,
        balances.reset_index(drop=True),
        pays.reset_index(drop=True),
        ageing.client_balance(models, payments, as_of=as_of),
        ageing.on_time_payment_share(models, payments, as_of=as_of),
        _accuracy_by_run(session, client_id),
    )


def _accuracy_by_run(session: Session, client_id: int) -> pd.DataFrame:
    """The client's billing accuracy in the latest run of each period, newest first."""
    latest = select(func.max(BillingRun.id)).group_by(
        BillingRun.period_start, BillingRun.period_end
    )
    rows = session.execute(
        select(
            BillingRun.period_start,
            BillingRun.id,
            BillingRunClient.entries,
            BillingRunClient.passed,
        )
        .join(BillingRunClient, BillingRunClient.run_id == BillingRun.id)
        .where(BillingRunClient.client_id == client_id, BillingRun.id.in_(latest))
        .order_by(BillingRun.period_start.desc())
    ).all()
    frame = pd.DataFrame(rows, columns=["period", "run", "entries", "passed"])
    frame["period"] = pd.to_datetime(frame["period"]).dt.strftime("%Y-%m")
    frame["accuracy"] = frame["passed"] / frame["entries"].where(frame["entries"] > 0)
    return frame
