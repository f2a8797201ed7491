"""Receivables: payments applied to invoices, statuses, ageing buckets, punctuality.

An issued invoice is never edited: a correction is a credit note (`credit_note`)
whose lines negate the lines it cancels, applied to the invoice's balance like a
payment. Stored statuses are draft, issued and void; at a date an issued invoice is
derived as issued, partially_paid, overdue (balance left after the due date), paid,
or credited (settled by credit notes alone). Ageing buckets count days past due:
current (not yet due), 1-30, 31-60, 61-90, 90+. Balances never mix currencies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import pandas as pd

from billing.model import Id, Invoice, InvoiceLine
from billing.money import require_decimal, round_money
from billing.tax import with_tax

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
OPEN = ("issued", "paid", "partially_paid", "overdue")  # stored statuses that are receivable
BALANCE_COLUMNS = [
    "invoice_no",
    "client_id",
    "contract_id",
    "currency",
    "issue_date",
    "due_date",
    "total",
    "paid",
    "credited",
    "balance",
    "status",
    "settled_on",
    "days_past_due",
    "bucket",
]


@dataclass(frozen=True)
class Payment:
    """Money received against one invoice (partial payments are several of these)."""

    payment_id: Id
    invoice_no: str
    paid_on: date
    amount: Decimal
    currency: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", require_decimal(self.amount, "amount"))


def bucket_for(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "1-30"
    if days_past_due <= 60:
        return "31-60"
    if days_past_due <= 90:
        return "61-90"
    return "90+"


def _settlements(
    invoices: Sequence[Invoice], payments: Iterable[Payment], as_of: date
) -> dict[str, list[tuple[date, Decimal, str]]]:
    """Per invoice: (date, amount, 'payment'|'credit') received on or before `as_of`."""
    by_no = {inv.invoice_no: inv for inv in invoices}
    out: dict[str, list[tuple[date, Decimal, str]]] = {no: [] for no in by_no}
    for p in payments:
        inv = by_no.get(p.invoice_no)
        if inv is None or p.paid_on > as_of:
            continue  # payments of invoices not given, or after the date, do not count
        if p.currency and p.currency.upper() != inv.currency:
            raise ValueError(f"payment {p.payment_id} in {p.currency}, invoice in {inv.currency}")
        out[p.invoice_no].append((p.paid_on, p.amount, "payment"))
    for cn in invoices:
        applies = cn.is_credit_note and cn.status in OPEN and cn.issue_date <= as_of
        if applies and cn.credits_invoice_no in out:
            out[cn.credits_invoice_no].append((cn.issue_date, -cn.total, "credit"))
    return out


def invoice_balances(
    invoices: Sequence[Invoice], payments: Iterable[Payment], *, as_of: date
) -> pd.DataFrame:
    """One row per invoice (credit notes excluded): paid, credited, balance, status, bucket."""
    settlements = _settlements(invoices, payments, as_of)
    rows = []
    for inv in invoices:
        if inv.is_credit_note:
            continue
        zero = round_money(Decimal(0), inv.currency)
        got = sorted(settlements[inv.invoice_no])
        paid = sum((a for _, a, k in got if k == "payment"), zero)
        credited = sum((a for _, a, k in got if k == "credit"), zero)
        settled_on, running = None, zero
        for day, amount, _ in got:
            running += amount
            if settled_on is None and running >= inv.total:
                settled_on = day
        receivable = inv.status in OPEN and inv.issue_date <= as_of
        balance = inv.total - paid - credited if receivable else zero
        late = (as_of - inv.due_date).days if balance > 0 else 0
        if not receivable:
            status = inv.status if inv.status in ("draft", "void") else "draft"
        elif balance <= 0:
            status = "paid" if paid > 0 else "credited"
        elif late > 0:
            status = "overdue"
        elif paid + credited > 0:
            status = "partially_paid"
        else:
            status = "issued"
        rows.append(
            {
                "invoice_no": inv.invoice_no,
                "client_id": inv.client_id,
                "contract_id": inv.contract_id,
                "currency": inv.currency,
                "issue_date": inv.issue_date,
                "due_date": inv.due_date,
                "total": inv.total,
                "paid": paid,
                "credited": credited,
                "balance": balance,
                "status": status,
                "settled_on": settled_on if receivable else None,
                "days_past_due": max(late, 0),
                "bucket": bucket_for(late) if balance > 0 else None,
            }
        )
    return pd.DataFrame(rows, columns=BALANCE_COLUMNS)


def ageing_report(
    invoices: Sequence[Invoice], payments: Iterable[Payment], *, as_of: date
) -> pd.DataFrame:
    """Per client and currency: outstanding balance by bucket and in total (Decimal)."""
    balances = invoice_balances(invoices, payments, as_of=as_of)
    totals: dict[tuple[Id, str], dict[str, Decimal]] = {}
    for row in balances[balances["bucket"].notna()].itertuples(index=False):
        zero = round_money(Decimal(0), row.currency)
        cell = totals.setdefault((row.client_id, row.currency), dict.fromkeys(BUCKETS, zero))
        cell[row.bucket] += row.balance
    rows = [
        {"client_id": client, "currency": cur, **cells, "total": sum(cells.values(), Decimal(0))}
        for (client, cur), cells in sorted(totals.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))
    ]
    return pd.DataFrame(rows, columns=["client_id", "currency", *BUCKETS, "total"])


def client_balance(
    invoices: Sequence[Invoice], payments: Iterable[Payment], *, as_of: date
) -> pd.DataFrame:
    """Per client and currency: what the client owes at `as_of`."""
    report = ageing_report(invoices, payments, as_of=as_of)
    return report[["client_id", "currency", "total"]].rename(columns={"total": "balance"})


def on_time_payment_share(
    invoices: Sequence[Invoice], payments: Iterable[Payment], *, as_of: date
) -> pd.DataFrame:
    """Per client: invoices decided (paid, or past due) and the share paid by the due date.

    An invoice settled only by credit notes says nothing about punctuality and is left
    out; a client with nothing decided yet gets NaN, not 0 or 1.
    """
    balances = invoice_balances(invoices, payments, as_of=as_of)
    receivable = balances[~balances["status"].isin(["draft", "void", "credited"])]
    rows = []
    for client, group in receivable.groupby("client_id", sort=True):
        decided = group[group["settled_on"].notna() | (group["due_date"] < as_of)]
        on_time = sum(
            1
            for r in decided.itertuples(index=False)
            if r.settled_on is not None and not pd.isna(r.settled_on) and r.settled_on <= r.due_date
        )
        share = on_time / len(decided) if len(decided) else math.nan
        rows.append(
            {
                "client_id": client,
                "invoices_decided": len(decided),
                "paid_on_time": on_time,
                "on_time_share": share,
            }
        )
    return pd.DataFrame(
        rows, columns=["client_id", "invoices_decided", "paid_on_time", "on_time_share"]
    )


def credit_note_lines(
    invoice: Invoice, line_numbers: Sequence[int] | None = None
) -> list[InvoiceLine]:
    """Lines negating an issued invoice's lines (all, or the 1-based `line_numbers`)."""
    if invoice.is_credit_note:
        raise ValueError(f"{invoice.invoice_no} is a credit note; credit the original invoice")
    if invoice.status not in OPEN:
        raise ValueError(
            f"{invoice.invoice_no} is {invoice.status}: only issued invoices are credited"
        )
    chosen = range(1, len(invoice.lines) + 1) if line_numbers is None else line_numbers
    out = []
    for n in chosen:
        line = invoice.lines[n - 1]
        charges = tuple(replace(c, amount=-c.amount) for c in line.charges)
        out.append(
            replace(
                line,
                description=f"Credit for {invoice.invoice_no}: {line.description}",
                unit_price=-line.unit_price,
                amount=-line.amount,
                charges=charges,
            )
        )
    return out


def credit_note(
    invoice: Invoice,
    *,
    credit_note_no: str,
    issue_date: date,
    line_numbers: Sequence[int] | None = None,
) -> Invoice:
    """An issued credit note cancelling all or some lines of `invoice`; a taxed invoice's
    credit note carries the tax of the lines it credits (recomputed, billing.tax)."""
    note = Invoice(
        invoice_no=credit_note_no,
        contract_id=invoice.contract_id,
        client_id=invoice.client_id,
        currency=invoice.currency,
        issue_date=issue_date,
        due_date=issue_date,
        lines=tuple(credit_note_lines(invoice, line_numbers)),
        status="issued",
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        credits_invoice_no=invoice.invoice_no,
    )
    return with_tax(note, invoice.tax)
