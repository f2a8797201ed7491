"""Data behind the executive dashboard: SQL aggregates in, analytics.kpis out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from analytics import kpis
from db.analytics_billing import billing_accuracy, credits_given, revenue_recovered
from db.analytics_renewals import opportunities, renewal_risk, risk_value
from db.analytics_sla import TREND_COLUMNS, day_start, sla_figures
from db.loaders import contracts_frame
from db.models import (
    Invoice,
    Technician,
    Ticket,
    TimeEntry,
    User,
)
from renewals.stage import stages


@dataclass
class ExecutiveView:
    currency: str
    currencies: list[str]
    tiles: list[kpis.Kpi]
    pipeline: pd.DataFrame
    margin_tier: pd.DataFrame
    revenue: pd.DataFrame
    utilisation: pd.DataFrame
    sla_trend: pd.DataFrame
    underperforming: pd.DataFrame
    at_risk: pd.DataFrame = field(default_factory=pd.DataFrame)
    recovered: pd.DataFrame = field(default_factory=pd.DataFrame)
    missing: list[str] = field(default_factory=list)


def _unindexed(column):  # noqa: ANN001, ANN202 - SQL expressions
    """`column + 0`: SQLite would otherwise look up every row of these contracts through the
    contract_id index (2 CPU-s on a million tickets) instead of range-scanning the period on
    the created/started index that covers the query (0.05 s)."""
    return column + literal_column("0")


def cost_and_hours(session: Session, ids: list[int], start: date, end: date):
    contract = _unindexed(TimeEntry.contract_id)
    q = (
        select(
            contract.label("contract_id"),
            func.sum(TimeEntry.minutes),
            func.sum(TimeEntry.minutes * func.coalesce(Technician.cost_rate, 0)),
        )
        .outerjoin(Technician, Technician.id == TimeEntry.technician_id)
        .where(
            contract.in_(ids),
            TimeEntry.started_at >= day_start(start),
            TimeEntry.started_at < day_start(end + timedelta(days=1)),
        )
        .group_by(contract)
    )
    rows = session.execute(q).all()
    hours = pd.Series({r[0]: float(r[1] or 0) / 60 for r in rows}, dtype=float)
    cost = pd.Series({r[0]: float(r[2] or 0) / 60 for r in rows}, dtype=float)
    return cost, hours


def invoices_in(session: Session, currency: str) -> pd.DataFrame:
    rows = session.execute(
        select(Invoice.contract_id, Invoice.period_start, Invoice.total, Invoice.status).where(
            Invoice.currency == currency
        )
    ).all()
    return pd.DataFrame(rows, columns=["contract_id", "period_start", "total", "status"])


def _tickets(session: Session, ids: list[int], start: date, end: date) -> tuple[int, float | None]:
    n, csat = session.execute(
        select(func.count(), func.avg(Ticket.csat)).where(
            _unindexed(Ticket.contract_id).in_(ids),
            Ticket.created_at >= day_start(start),
            Ticket.created_at < day_start(end + timedelta(days=1)),
        )
    ).one()
    return int(n), (float(csat) if csat is not None else None)


def portfolio(
    session: Session, currency: str | None, tiers: tuple[str, ...]
) -> tuple[pd.DataFrame, list[str], str, pd.DataFrame]:
    """(every contract, currencies by use, the currency shown: `currency` when some contract
    is in it else the most used, the contracts shown: in that currency and `tiers`)."""
    contracts = contracts_frame(session=session)
    currencies = (
        contracts.groupby("currency")["value"].count().sort_values(ascending=False).index.tolist()
    )
    currency = currency if currency in currencies else (currencies[0] if currencies else "USD")
    c = contracts[contracts["currency"] == currency]
    if tiers:
        c = c[c["tier"].isin(tiers)]
    return contracts, currencies, currency, c


def executive_view(
    *,
    session: Session,
    actor: Actor,
    currency: str | None,
    start: date,
    end: date,
    today: date,
    tiers: tuple[str, ...] = (),
    targets: kpis.Targets = kpis.Targets(),
) -> ExecutiveView:
    require(actor, "view_executive")
    contracts, currencies, currency, c = portfolio(session, currency, tiers)
    live = kpis.active(c, today)
    ids = c["id"].tolist()
    span = end - start
    p_start, p_end = start - span - timedelta(days=1), start - timedelta(days=1)
    inv = invoices_in(session, currency)
    inv = inv[inv["contract_id"].isin(ids)]
    missing = []
    if c.empty:
        missing.append("No contracts in this selection.")

    def period_figures(a: date, b: date):
        rev = kpis.revenue_by_contract(inv, a, b)
        cost, hours = cost_and_hours(session, ids, a, b)
        return rev, cost, hours

    rev, cost, hours = period_figures(start, end)
    prev_rev, prev_cost, _ = period_figures(p_start, p_end)
    table = kpis.margin_table(c, rev, cost)
    prev_table = kpis.margin_table(c, prev_rev, prev_cost)

    def total_margin(t: pd.DataFrame) -> float | None:
        r = t["revenue"].astype(float).sum()
        return kpis.ratio(r - t["cost"].sum(), r)

    opps = opportunities(session)
    opps = opps[opps["currency"] == currency]
    rate, retained = kpis.renewal_rates(opps, start, end)
    prev_rate, _ = kpis.renewal_rates(opps, p_start, p_end)
    mrr = kpis.monthly_recurring(live)
    n, csat = _tickets(session, ids, start, end)
    pn, pcsat = _tickets(session, ids, p_start, p_end)
    now = datetime.combine(today, time(12), UTC)
    figures = sla_figures(session, ids, (start, end), (p_start, p_end), now)
    if figures is None:
        missing.append("SLA figures need the SLA engine's outcomes (not available).")
        sla_trend = pd.DataFrame(columns=TREND_COLUMNS)
        sla_by_contract = pd.Series(dtype=float)
        resp = res = prev_resp = prev_res = None
    else:
        resp, res = figures.response, figures.resolution
        prev_resp, prev_res = figures.prev_response, figures.prev_resolution
        sla_trend, sla_by_contract = figures.trend, figures.by_contract
    admins = (
        session.scalar(
            select(func.count()).select_from(User).where(User.role == "admin", User.active)
        )
        or 0
    )
    accuracy = billing_accuracy(session, start, end)
    if accuracy is None:
        missing.append("No billing runs in this period: billing accuracy unknown.")
    prev_live = kpis.active(c, p_end)
    prev_mrr = kpis.monthly_recurring(prev_live)
    _, prev_retained = kpis.renewal_rates(opps, p_start, p_end)
    # Workload per admin is the whole portfolio's, whatever currency or tier is shown.
    everyone = len(kpis.active(contracts, today))
    everyone_before = len(kpis.active(contracts, p_end))
    goals = kpis.tile_targets(targets)

    def tile(name, value, previous, unit, *, higher_is_better=True):
        return kpis.Kpi(name, value, previous, unit, goals.get(name), higher_is_better)

    tiles = [
        tile(
            "Total contract value",
            live["value"].dropna().sum(),
            prev_live["value"].dropna().sum(),
            "money",
        ),
        tile("MRR", sum(mrr, start=0), sum(prev_mrr, start=0), "money"),
        tile("ARR", 12 * sum(mrr, start=0), 12 * sum(prev_mrr, start=0), "money"),
        tile("Renewal rate", rate, prev_rate, "share"),
        tile("Value retained", retained, prev_retained, "share"),
        tile("SLA compliance (response)", resp, prev_resp, "share"),
        tile("SLA compliance (resolution)", res, prev_res, "share"),
        tile("Billing accuracy", accuracy, billing_accuracy(session, p_start, p_end), "share"),
        tile("Margin", total_margin(table), total_margin(prev_table), "share"),
        tile("Tickets", n, pn, "count"),
        tile("Satisfaction (CSAT)", csat, pcsat, "score"),
        tile(
            "Contracts per admin",
            kpis.ratio(everyone, admins),
            kpis.ratio(everyone_before, admins),
            "score",
        ),
    ]
    prev_now = datetime.combine(p_end, time(12), UTC)
    (forecast, risk), (prev_forecast, prev_risk) = renewal_risk(
        session, (now, prev_now), currency, ids
    )
    tiles += [
        tile("Forecast renewals", forecast, prev_forecast, "money"),
        tile("At-risk contracts", len(risk), len(prev_risk), "count", higher_is_better=False),
        tile(
            "At-risk value",
            risk_value(risk),
            risk_value(prev_risk),
            "money",
            higher_is_better=False,
        ),
    ]
    recovered = revenue_recovered(session, ids, currency, start, end)
    prev_recovered = revenue_recovered(session, ids, currency, p_start, p_end)
    tiles.append(
        tile(
            "Revenue recovered",
            recovered["amount"].sum() if len(recovered) else 0,
            prev_recovered["amount"].sum() if len(prev_recovered) else 0,
            "money",
        )
    )
    tiles.append(
        tile(
            "Credits given",
            credits_given(session, ids, currency, start, end),
            credits_given(session, ids, currency, p_start, p_end),
            "money",
            higher_is_better=False,
        )
    )
    st_df = stages(live.assign(outcome=None), today)
    pipeline = live[["id", "reference", "client", "tier", "value", "end_date"]].join(
        st_df[["stage", "key_date"]]
    )
    pipeline = pipeline[pipeline["stage"] != "active"].copy()
    pipeline["month"] = pd.to_datetime(pipeline["key_date"]).dt.strftime("%Y-%m")
    months = max(span.days / 30.4, 1.0)
    return ExecutiveView(
        currency=currency,
        currencies=currencies,
        tiles=tiles,
        pipeline=pipeline,
        margin_tier=kpis.margin_by_tier(table),
        revenue=table.assign(revenue=table["revenue"].astype(float)),
        utilisation=kpis.utilisation_table(c, hours, months),
        sla_trend=sla_trend,
        underperforming=kpis.underperforming(table, sla_by_contract, targets),
        at_risk=risk,
        recovered=recovered,
        missing=missing,
    )
