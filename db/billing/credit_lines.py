"""Service-credit lines of a billing run (issue 16 item 4).

For each drafted invoice, the contract's ServiceCreditRule rows in force in the invoice's
period are applied (billing.credits, pure) to the SLA engine's decided targets of the
period's tickets; each credit becomes a negative line (kind "credit") whose description is
the evidence. A rule that is not valid is reported as a run problem, never a crash.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.credits import CreditRule, SlaResult, period_credits
from billing.model import Invoice as InvoiceModel
from billing.model import InvoiceLine
from db.billing.availability import period_availability
from db.billing.compute import _Computed
from db.models import ServiceCreditRule, Ticket
from db.sla.outcomes import sla_outcomes

CREDIT_RULE_INVALID = "CREDIT_RULE_INVALID"
FEE_KINDS = ("recurring", "units")


def _rules(session: Session, contract_id: int, first, last) -> list[ServiceCreditRule]:
    return list(
        session.scalars(
            select(ServiceCreditRule)
            .where(
                ServiceCreditRule.contract_id == contract_id,
                ServiceCreditRule.deleted_at.is_(None),
                ServiceCreditRule.effective_from <= last,
                (ServiceCreditRule.effective_to.is_(None))
                | (ServiceCreditRule.effective_to >= first),
            )
            .order_by(ServiceCreditRule.id)
        )
    )


def _to_rule(row: ServiceCreditRule) -> CreditRule:
    return CreditRule(
        name=row.name,
        trigger=row.trigger,
        credit_kind=row.credit_kind,
        metric=row.metric,
        priority=row.priority,
        threshold=row.threshold,
        credit_value=row.credit_value,
        tiers=row.tiers,
        cap_percent=row.cap_percent,
        cap_amount=row.cap_amount,
        rule_id=row.id,
    )


def _results(session: Session, contract_id: int, first, last) -> list[SlaResult]:
    since = datetime.combine(first, time.min, tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC)
    frame = sla_outcomes(session=session, now=end, since=since, contract_ids=[contract_id])
    if frame.empty:
        return []
    frame = frame[frame["state"].isin(["met", "breached"])]
    refs = dict(
        session.execute(
            select(Ticket.id, Ticket.external_id).where(
                Ticket.id.in_([int(t) for t in set(frame["ticket_id"])] or [-1])
            )
        ).all()
    )
    out = []
    for rec in frame.itertuples(index=False):
        created = rec.created_at
        if created is not None and getattr(created, "tzinfo", None) is None:
            created = created.replace(tzinfo=UTC)
        if created is not None and created >= end:
            continue
        target = rec.target_min
        out.append(
            SlaResult(
                ticket_id=refs.get(int(rec.ticket_id)) or int(rec.ticket_id),
                priority=rec.priority,
                metric=rec.metric,
                met=rec.state == "met",
                target_minutes=None if target != target or target is None else int(target),
            )
        )
    return out


def _with_credits(session: Session, inv: InvoiceModel, problems: list) -> InvoiceModel:
    if inv.contract_id is None or inv.period_start is None or inv.period_end is None:
        return inv
    cid, first, last = int(inv.contract_id), inv.period_start, inv.period_end
    rows = _rules(session, cid, first, last)
    if not rows:
        return inv
    rules = []
    for row in rows:
        try:
            rules.append(_to_rule(row))
        except (ValueError, TypeError, KeyError) as exc:
            problems.append((cid, CREDIT_RULE_INVALID, f"{exc} (not applied)"))
    if not rules:
        return inv
    fee = sum((ln.amount for ln in inv.lines if ln.kind in FEE_KINDS), Decimal(0))
    credits = period_credits(
        rules,
        _results(session, cid, first, last),
        fee=fee,
        currency=inv.currency,
        availability=period_availability(session, cid, first, last),
    )
    lines = tuple(
        InvoiceLine(
            kind="credit",
            description=f"Service credit ({c.rule.name}): {c.evidence}"[:300],
            quantity=Decimal(1),
            unit="credit",
            unit_price=-c.amount,
            amount=-c.amount,
            currency=inv.currency,
            period_start=first,
            period_end=last,
            role="credit",
        )
        for c in credits
        if c.amount > 0
    )
    return replace(inv, lines=inv.lines + lines) if lines else inv


def _credit_lines(session: Session, computed: _Computed) -> _Computed:
    """`computed` with each invoice's service-credit lines appended (and rule problems)."""
    problems = list(computed.problems)
    ruled = set(
        session.scalars(
            select(ServiceCreditRule.contract_id)
            .where(ServiceCreditRule.deleted_at.is_(None))
            .distinct()
        )
    )  # one query, not one per invoice (a year of demo history is thousands of invoices)
    invoices = tuple(
        _with_credits(session, inv, problems)
        if inv.contract_id is not None and int(inv.contract_id) in ruled
        else inv
        for inv in computed.result.invoices
    )
    return replace(computed, result=replace(computed.result, invoices=invoices), problems=problems)
