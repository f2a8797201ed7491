"""One contract's 90-day health check (this term against the previous) and its recommendations."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db.models import Client, Contract, Ticket, TimeEntry
from db.renewals.common import _contract_row, _invoices, _local_today, _sla_outcomes
from db.renewals.weights import health_weights
from renewals.health import HealthScore, score_health
from renewals.healthcheck import HealthCheck, health_check, terms_for, to_health_inputs
from renewals.periods import sla_by_month
from renewals.recommend import CurrentPlan, Recommendation, recommend
from renewals.stage import renewal_stage


@dataclass(frozen=True)
class ContractHealth:
    contract_id: int
    reference: str
    client: str
    currency: str
    stage: str
    key_date: date | None
    today: date
    check: HealthCheck
    score: HealthScore
    sla_months: pd.DataFrame  # complete months: period, compliance
    new_term_months: int
    plan: CurrentPlan


def _term_months(c: Contract) -> int:
    if c.term_months:
        return int(c.term_months)
    if c.end_date:
        months = (c.end_date.year - c.start_date.year) * 12 + c.end_date.month - c.start_date.month
        return max(1, months + (1 if c.end_date.day >= c.start_date.day - 1 else 0))
    return 12


def _monthly_price(c: Contract, term: int) -> Decimal:
    if c.recurring_fee is not None:
        return Decimal(c.recurring_fee)
    if c.unit_price is not None and c.unit_count:
        return Decimal(c.unit_price) * c.unit_count
    if c.value is not None:
        return Decimal(c.value) / term
    return Decimal("0")


def _aware(day: date) -> datetime:
    return datetime.combine(day - timedelta(days=1), time(), UTC)  # a day early: zones ahead of UTC


def _work_frames(session: Session, ids: list[int], since: date, now: datetime):
    start = _aware(since)
    q = (
        select(Ticket.id, Ticket.created_at, Ticket.first_response_at, Ticket.resolved_at,
               Ticket.csat)
        .where(Ticket.contract_id.in_(ids), Ticket.created_at >= start)
    )  # fmt: skip
    tickets = pd.DataFrame(
        session.execute(q).all(),
        columns=["id", "created_at", "first_response_at", "resolved_at", "csat"],
    )
    sla = _sla_outcomes(session, now, start, ids)
    sla = sla[sla["ticket_id"].isin(tickets["id"])] if len(tickets) else sla.iloc[0:0]
    for metric in ("response", "resolution"):
        part = sla[sla["metric"].astype(str).str.contains(metric[:5])]
        part = part.drop_duplicates("ticket_id").set_index("ticket_id")
        tickets[f"{metric}_sla"] = tickets["id"].map(part["state"])
        decided = part[part["state"].isin(["met", "breached"])]
        tickets[f"{metric}_minutes"] = tickets["id"].map(decided["elapsed_min"]).astype(float)
    for column in ("created_at", "first_response_at", "resolved_at"):
        tickets[column] = pd.to_datetime(tickets[column], utc=True)
    entries = pd.DataFrame(
        session.execute(
            select(TimeEntry.started_at, TimeEntry.minutes).where(
                TimeEntry.contract_id.in_(ids), TimeEntry.started_at >= start
            )
        ).all(),
        columns=["started_at", "minutes"],
    )
    entries["started_at"] = pd.to_datetime(entries["started_at"], utc=True)
    return tickets, entries, _invoices(session, ids, since)


def contract_health(*, session: Session, actor: Actor, contract_id: int, now: datetime):
    """The 90-day health check of one contract: this term against the previous one."""
    require(actor, "work_renewals")
    c = _contract_row(session, contract_id)
    tz = c.timezone or "UTC"
    today = _local_today(now, tz)
    info = renewal_stage(
        end_date=c.end_date, auto_renew=c.auto_renew, notice_days=c.notice_days,
        renewal_term_months=c.renewal_term_months, today=today,
    )  # fmt: skip
    if info.effective_end is None:
        raise ValueError(f"Contract {c.reference} has no end date: record one for a health check.")
    term = int(c.renewal_term_months) if info.auto_renewals else _term_months(c)
    current, previous = terms_for(info.effective_end, term)
    ids = [c.id] + ([c.previous_contract_id] if c.previous_contract_id else [])
    tickets, entries, invoices = _work_frames(session, ids, previous.start, now)
    hours = None if c.included_hours is None else float(c.included_hours)
    check = health_check(
        tickets=tickets, time_entries=entries, invoices=invoices, current=current,
        previous=previous, hours_per_month=hours, today=today, tz=tz,
    )  # fmt: skip
    if not c.previous_contract_id:
        check = _without_hours_before(check, c.start_date)
    weights, _ = health_weights(session=session)
    score = score_health(to_health_inputs(check), weights)
    month = f"{today:%Y-%m}"
    sla = sla_by_month(tickets, start=previous.start, through=today, tz=tz)
    sla = sla[sla["period"] < month].reset_index(drop=True)
    price = _monthly_price(c, term)
    plan = CurrentPlan(
        tier=c.tier,
        hours_per_month=Decimal(c.included_hours or 0),
        price_per_month=price,
        extra_hour_price=c.overage_rate or c.hourly_rate
        or (None if c.included_hours else Decimal("0")),
    )  # fmt: skip
    client = session.get(Client, c.client_id)
    return ContractHealth(
        contract_id=c.id, reference=c.reference, client=client.name if client else "",
        currency=c.currency, stage=info.stage.value, key_date=info.key_date, today=today,
        check=check, score=score, sla_months=sla,
        new_term_months=int(c.renewal_term_months or term), plan=plan,
    )  # fmt: skip


def _without_hours_before(check: HealthCheck, start: date) -> HealthCheck:
    """No contracted hours before the contract started (a first term has no previous one)."""
    usage = check.usage[check.usage["period"] >= f"{start:%Y-%m}"].reset_index(drop=True)
    previous = check.previous
    deltas = dict(check.deltas)
    if previous.term.end < start:
        previous = replace(previous, hours_contracted=None, utilisation=None, overage_hours=None)
        deltas.update(utilisation=None, overage_hours=None)
    return replace(check, previous=previous, deltas=deltas, usage=usage)


def recommendations(health: ContractHealth) -> list[Recommendation]:
    """The explicit renewal rules over complete months of this contract."""
    month = f"{health.today:%Y-%m}"
    usage = health.check.usage
    usage = usage[usage["period"] < month] if health.plan.hours_per_month > 0 else None
    inputs = to_health_inputs(health.check)
    return recommend(
        plan=health.plan,
        usage=usage,
        sla=health.sla_months,
        days_overdue=inputs.days_overdue,
        paid_on_time=inputs.paid_on_time_share,
    )
