"""Demo invoices and payments for the last 12 months (drafted by the billing engine over the
seeded time entries), and last month's billing run."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from db.engine import session_scope
from db.models import Invoice, InvoiceLine, Payment, TimeEntry


def store_invoices(engine, rng, rows, today, report) -> None:
    """The last 12 months of invoices, drafted by the billing engine itself (one pass over
    every bill date in the window, the same code path as `billing run`: periods, proration,
    entitlement, rating, overage, service credits, tax) and then issued on their bill dates
    and numbered in order; most are paid, some late or overdue. Time entries are linked to
    the invoice that billed them, so a later run sees them as billed."""
    from db.billing.common import _db_lines
    from db.billing.compute import _compute
    from db.billing.credit_lines import _credit_lines
    from db.billing.tax import _tax_lines

    first = (today - relativedelta(months=12)).replace(day=1)
    with Session(engine) as s:
        computed = _tax_lines(s, _credit_lines(s, _compute(s, first, today)))
    drafted = sorted(
        (i for i in computed.result.invoices if i.total > 0),
        key=lambda i: (i.issue_date, int(i.contract_id)),
    )
    inv, lines, pays, links = [], [], [], []
    # A few clients pay late and leave invoices overdue; most pay on time.
    clients = sorted({r.client_id for r in rows})
    slow_payers = set(rng.choice(clients, size=max(1, len(clients) // 12), replace=False))
    seq: dict[int, int] = {}
    for next_id, draft in enumerate(drafted, start=1):
        issued = draft.issue_date
        seq[issued.year] = seq.get(issued.year, 0) + 1
        due = issued + timedelta(days=30)
        amount = draft.total
        roll = rng.random()
        slow = draft.client_id in slow_payers
        if due > today:
            status = "issued"
        elif roll < (0.2 if slow else 0.004):
            status = "overdue"
        elif roll < (0.3 if slow else 0.012):
            status = "partially_paid"
        else:
            status = "paid"
        tax = draft.tax
        inv.append(
            dict(
                id=next_id,
                number=f"INV-{issued:%Y}-{seq[issued.year]:06d}",
                key=draft.invoice_no,
                client_id=int(draft.client_id),
                contract_id=int(draft.contract_id),
                period_start=draft.period_start,
                period_end=draft.period_end,
                issue_date=issued,
                due_date=due,
                status=status,
                currency=draft.currency,
                total=amount,
                tax_rate_id=tax.rate_id if tax else None,
                tax_name=tax.name if tax else None,
                tax_kind=tax.kind if tax else None,
                tax_percent=tax.rate if tax else None,
                tax_quickbooks_code=tax.qb_code if tax else None,
                tax_xero_type=tax.xero_type if tax else None,
            )
        )
        for ln in _db_lines(draft):
            lines.append(
                dict(invoice_id=next_id, kind=ln.kind, description=ln.description,
                     quantity=ln.quantity, unit_price=ln.unit_price, amount=ln.amount,
                     rule=ln.rule)  # fmt: skip
            )
        links += [
            {"e": int(c.entry_id), "i": next_id}
            for ln in draft.lines
            for c in ln.charges
        ]
        if status in ("paid", "partially_paid"):
            late = int(
                rng.choice(
                    [-5, 0, 3, 20, 45],
                    p=[0.3, 0.2, 0.2, 0.2, 0.1] if slow else [0.62, 0.3, 0.05, 0.025, 0.005],
                )
            )
            paid = amount if status == "paid" else (amount / 2).quantize(Decimal("0.01"))
            pays.append(
                dict(
                    invoice_id=next_id,
                    paid_on=min(today, due + timedelta(days=late)),
                    amount=paid,
                    method="bank transfer",
                )
            )
    unique = list({d["e"]: d for d in links}.values())
    with engine.begin() as conn:
        if inv:
            conn.execute(insert(Invoice), inv)
            conn.execute(insert(InvoiceLine), lines)
        if pays:
            conn.execute(insert(Payment), pays)
        if unique:
            conn.execute(
                update(TimeEntry.__table__)
                .where(TimeEntry.__table__.c.id == bindparam("e"))
                .values(invoice_id=bindparam("i")),
                unique,
            )
    report.counts.update(invoices=len(inv), payments=len(pays))


def billing_run(engine, today: date, report) -> None:
    """Last month's billing run, as a manager would have done it: drafts for what the seeded
    invoices left out, findings with reasons, and the accuracy the dashboards show."""
    from access.roles import SYSTEM
    from db.billing.run import run_billing

    period = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    with session_scope(engine) as s:
        result = run_billing(session=s, actor=SYSTEM, period=period)
    report.counts["billing findings"] = result.findings
