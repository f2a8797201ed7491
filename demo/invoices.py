"""Demo invoices and payments for the last 12 months, and last month's billing run."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import insert
from sqlalchemy.orm import Session

from billing.frames import contract_from_row
from billing.periods import invoice_key, iter_periods, prorate
from db.engine import session_scope
from db.models import (
    Contract,
    Invoice,
    InvoiceLine,
    Payment,
)


def store_invoices(engine, rng, rows, today, report) -> None:
    """Invoices for the last 12 months, on the billing engine's own periods and keys (so a
    billing run finds them instead of drafting duplicates); most paid, some late or overdue.
    """
    inv, lines, pays = [], [], []
    with Session(engine) as s:
        contracts = {c.id: c for c in s.query(Contract).all()}
    next_id = 1
    # A few clients pay late and leave invoices overdue; most pay on time.
    clients = sorted({r.client_id for r in rows})
    slow_payers = set(rng.choice(clients, size=max(1, len(clients) // 12), replace=False))
    for r in rows:
        c = contracts[r.id]
        billing = contract_from_row(
            {
                "id": c.id,
                "client_id": c.client_id,
                "currency": c.currency,
                "pricing_model": c.pricing_model,
                "billing_cycle": c.billing_cycle,
                "billing_timing": c.billing_timing,
                "billing_alignment": c.billing_alignment,
                "start_date": c.start_date,
                "end_date": c.end_date,
                "recurring_fee": c.recurring_fee,
                "unit_price": c.unit_price,
                "unit_count": c.unit_count,
                "included_hours": c.included_hours,
                "overage_rate": c.overage_rate,
                "hourly_rate": c.hourly_rate,
                "after_hours_multiplier": c.after_hours_multiplier,
                "role_rates": c.role_rates,
                "rollover": c.rollover,
                "rollover_cap_hours": c.rollover_cap_hours,
                "timezone": c.timezone,
            }
        )
        first = today - relativedelta(months=12)
        for period in iter_periods(billing, until=today + timedelta(days=1)):
            if period.start < first:
                continue
            ms, me = period.start, period.last_day
            amount = c.recurring_fee or ((c.unit_price or Decimal(0)) * (c.unit_count or 0))
            if c.pricing_model == "time_materials":
                amount = c.hourly_rate * Decimal(int(rng.integers(5, 40)))
            amount = prorate(amount, period).quantize(Decimal("0.01"))
            due = ms + timedelta(days=30)
            roll = rng.random()
            slow = r.client_id in slow_payers
            if due > today:
                status = "issued"
            elif roll < (0.2 if slow else 0.004):
                status = "overdue"
            elif roll < (0.3 if slow else 0.012):
                status = "partially_paid"
            else:
                status = "paid"
            inv.append(
                dict(
                    id=next_id,
                    number=f"INV-{ms:%Y%m}-{r.id:04d}",
                    key=invoice_key(r.id, period),
                    client_id=r.client_id,
                    contract_id=r.id,
                    period_start=ms,
                    period_end=me,
                    issue_date=ms,
                    due_date=due,
                    status=status,
                    currency=c.currency,
                    total=amount,
                )
            )
            lines.append(
                dict(
                    invoice_id=next_id,
                    kind="fee",
                    description=f"{c.title} {ms:%B %Y}",
                    quantity=Decimal(1),
                    unit_price=amount,
                    amount=amount,
                    rule=c.pricing_model,
                )
            )
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
            next_id += 1
    with engine.begin() as conn:
        if inv:
            conn.execute(insert(Invoice), inv)
            conn.execute(insert(InvoiceLine), lines)
        if pays:
            conn.execute(insert(Payment), pays)
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
