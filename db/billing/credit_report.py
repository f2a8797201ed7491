"""SLA credit report per client and month: what each invoice credited and why.

Recomputed with the billing run's own code (credit_lines: rules in force, SLA engine
results, availability figures) for every invoice of the client whose period overlaps the
month, with the fee of that stored invoice; `on_invoice` is what the invoice's credit lines
say, so a report that disagrees with the invoice (rules edited since) shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing.credit_report import CREDIT_COLUMNS, EVIDENCE_COLUMNS
from billing.credits import period_credits
from db.billing.availability import period_availability
from db.billing.common import PERMISSION, _refs, parse_period
from db.billing.credit_lines import CREDIT_RULE_INVALID, FEE_KINDS, _results, _rules, _to_rule
from db.models import Client, Invoice


@dataclass(frozen=True)
class CreditReport:
    client: str
    period: str
    credits: pd.DataFrame
    evidence: pd.DataFrame
    on_invoice: Decimal  # sum of the credit lines on the invoices (positive)
    problems: list[str]


def credit_report(*, session: Session, actor: Actor, client_id: int, period: str) -> CreditReport:
    require(actor, PERMISSION)
    first, last = parse_period(period)
    client = session.get(Client, client_id)
    if client is None:
        raise ValueError(f"Client id {client_id} does not exist.")
    invoices = session.scalars(
        select(Invoice)
        .where(
            Invoice.client_id == client_id,
            Invoice.status != "void",
            Invoice.credit_note_for_id.is_(None),
            Invoice.contract_id.is_not(None),
            Invoice.period_start <= last,
            Invoice.period_end >= first,
        )
        .order_by(Invoice.period_start, Invoice.number)
    ).all()
    refs = _refs(session, [i.contract_id for i in invoices])
    credits, evidence, problems = [], [], []
    on_invoice = Decimal(0)
    for inv in invoices:
        on_invoice -= sum((ln.amount for ln in inv.lines if ln.kind == "credit"), Decimal(0))
        cid, start, end = int(inv.contract_id), inv.period_start, inv.period_end
        rules = []
        for row in _rules(session, cid, start, end):
            try:
                rules.append(_to_rule(row))
            except (ValueError, TypeError, KeyError) as exc:
                problems.append(f"{refs.get(cid)}: {CREDIT_RULE_INVALID} {exc}")
        if not rules:
            continue
        fee = sum((ln.amount for ln in inv.lines if ln.kind in FEE_KINDS), Decimal(0))
        results = _results(session, cid, start, end)
        found = period_credits(
            rules, results, fee=fee, currency=inv.currency,
            availability=period_availability(session, cid, start, end),
        )  # fmt: skip
        for c in found:
            credits.append(
                {
                    "invoice": inv.number,
                    "contract": refs.get(cid),
                    "period_start": start,
                    "period_end": end,
                    "rule": c.rule.name,
                    "trigger": c.rule.trigger,
                    "measure": c.measure,
                    "credit": c.amount,
                    "currency": inv.currency,
                    "capped": c.capped,
                    "evidence": c.evidence,
                }  # fmt: skip
            )
        for rule in rules:
            if rule.trigger == "availability_below":
                continue
            for r in results:
                if r.metric == rule.metric and rule.priority in (None, r.priority):
                    evidence.append(
                        {
                            "contract": refs.get(cid),
                            "rule": rule.name,
                            "ticket": r.ticket_id,
                            "priority": r.priority,
                            "metric": r.metric,
                            "target_minutes": r.target_minutes,
                            "result": "met" if r.met else "breached",
                        }  # fmt: skip
                    )
    return CreditReport(
        client=client.name,
        period=f"{first:%Y-%m}",
        credits=pd.DataFrame(credits, columns=CREDIT_COLUMNS),
        evidence=pd.DataFrame(evidence, columns=EVIDENCE_COLUMNS),
        on_invoice=on_invoice,
        problems=problems,
    )
