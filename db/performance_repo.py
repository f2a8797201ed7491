"""Data behind the performance page: the period's tickets with their names and business
resolution minutes, and the contract figures its suggestions read.

Why its own reads: the page used to build the whole executive view (twelve tiles over two
periods, both renewal boards) for the three tables its suggestions need, and read every ticket
of the period again with three joins, though the SLA inputs the app holds (`outcome_cache`)
already have each ticket's contract, client, technician and instants: ~2.5 CPU-s of a cold
page at 1M tickets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from analytics import kpis
from db.analytics_repo import cost_and_hours, invoices_in, portfolio
from db.analytics_sla import day_start
from db.models import Ticket
from db.sla.frames import since_param
from db.sla.held_frame import display_names
from db.sla.outcomes import sla_details

TICKET_COLUMNS = [
    "ticket_id",
    "contract_id",
    "reference",
    "client",
    "service_type",
    "technician",
    "created_at",
    "resolved_at",
    "csat",
    "resolution_min",
]


def performance_tickets(
    *, session: Session, actor: Actor, start: date, end: date, now: datetime
) -> pd.DataFrame:
    """Tickets created in [start, end], in id order: TICKET_COLUMNS (resolution_min is the
    resolution clock's business minutes, NaN while the ticket is open or has no policy)."""
    require(actor, "work_sla")
    until = day_start(end + timedelta(days=1))
    d = sla_details(session=session, now=now, since=day_start(start), extra=("resolved_at",))
    d = d[(d["metric"] == "resolution") & (d["created_at"] < pd.Timestamp(until))]
    d = d.sort_values("ticket_id", kind="stable").reset_index(drop=True)
    clients, techs, refs, _ = display_names(session)
    csat = dict(
        session.execute(
            select(Ticket.id, Ticket.csat).where(
                Ticket.created_at >= since_param(session, day_start(start)),
                Ticket.created_at < since_param(session, until, "until"),
                Ticket.csat.is_not(None),
            )
        ).all()
    )
    resolved = d["resolved_at"]
    minutes = d["elapsed_min"].astype(float)
    return pd.DataFrame(
        {
            "ticket_id": d["ticket_id"].astype("int64"),
            "contract_id": d["contract_id"].astype("Int64"),
            "reference": d["contract_id"].map(refs).astype(object),
            "client": d["client_id"].map(clients).astype(object),
            "service_type": d["service_type"].astype(object),
            "technician": d["technician_id"].map(techs).astype(object),
            "created_at": d["created_at"],
            "resolved_at": resolved,
            "csat": d["ticket_id"].map(csat).astype(float),
            "resolution_min": minutes.where(resolved.notna()),
        },
        columns=TICKET_COLUMNS,
    )


@dataclass(frozen=True)
class ContractFigures:
    """What the suggestions read: the period's margin and contracted-hours use per contract."""

    currency: str
    margins: pd.DataFrame
    utilisation: pd.DataFrame


def contract_figures(
    *, session: Session, actor: Actor, currency: str | None, start: date, end: date
) -> ContractFigures:
    """Margin (revenue, cost) and utilisation of each contract in `currency` (else the most
    used one) over [start, end], as the executive view computes them."""
    require(actor, "view_executive")
    _, _, currency, c = portfolio(session, currency, ())
    inv = invoices_in(session, currency)
    inv = inv[inv["contract_id"].isin(c["id"])]
    cost, hours = cost_and_hours(session, c["id"].tolist(), start, end)
    table = kpis.margin_table(c, kpis.revenue_by_contract(inv, start, end), cost)
    months = max((end - start).days / 30.4, 1.0)
    return ContractFigures(
        currency=currency,
        margins=table.assign(revenue=table["revenue"].astype(float)),
        utilisation=kpis.utilisation_table(c, hours, months),
    )
