"""Searching the contract list: free text (also in extracted terms and documents), tiers,
statuses, pricing models, end-date and value ranges, one client, sort."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db.models import Client, Contract, ContractDocument, ContractService, ExtractedTerm


@dataclass(frozen=True)
class ContractFilter:
    text: str = ""
    tiers: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    pricing_models: tuple[str, ...] = ()
    end_from: date | None = None
    end_to: date | None = None
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    client_id: int | None = None
    sort: str = "end_date"
    descending: bool = False
    columns: tuple[str, ...] = field(default=())


LIST_COLUMNS = [
    "id",
    "reference",
    "client",
    "title",
    "tier",
    "status",
    "start_date",
    "end_date",
    "auto_renew",
    "value",
    "currency",
    "pricing_model",
    "version",
]


def search_contracts(*, session: Session, actor: Actor, flt: ContractFilter) -> pd.DataFrame:
    """Contracts matching the filter, one row each, ready for a table or an export."""
    require(actor, "view_contracts")
    q = (
        select(
            Contract.id,
            Contract.reference,
            Client.name.label("client"),
            Contract.title,
            Contract.tier,
            Contract.status,
            Contract.start_date,
            Contract.end_date,
            Contract.auto_renew,
            Contract.value,
            Contract.currency,
            Contract.pricing_model,
            Contract.version,
        )
        .join(Client, Client.id == Contract.client_id)
        .where(Contract.deleted_at.is_(None))
    )
    if flt.text.strip():
        like = f"%{flt.text.strip().lower()}%"
        q = q.where(
            or_(
                func.lower(Client.name).like(like),
                func.lower(Contract.reference).like(like),
                func.lower(Contract.title).like(like),
                func.lower(func.coalesce(Contract.special_instructions, "")).like(like),
                exists().where(
                    ExtractedTerm.contract_id == Contract.id,
                    func.lower(ExtractedTerm.value).like(like),
                ),
                exists().where(
                    ContractService.contract_id == Contract.id,
                    func.lower(ContractService.name).like(like),
                ),
                exists().where(
                    ContractDocument.contract_id == Contract.id,
                    ContractDocument.deleted_at.is_(None),
                    func.lower(func.coalesce(ContractDocument.text, "")).like(like),
                ),
            )
        )
    if flt.tiers:
        q = q.where(Contract.tier.in_(flt.tiers))
    if flt.statuses:
        q = q.where(Contract.status.in_(flt.statuses))
    if flt.pricing_models:
        q = q.where(Contract.pricing_model.in_(flt.pricing_models))
    if flt.end_from:
        q = q.where(Contract.end_date >= flt.end_from)
    if flt.end_to:
        q = q.where(Contract.end_date <= flt.end_to)
    if flt.value_min is not None:
        q = q.where(Contract.value >= flt.value_min)
    if flt.value_max is not None:
        q = q.where(Contract.value <= flt.value_max)
    if flt.client_id is not None:
        q = q.where(Contract.client_id == flt.client_id)
    sort_col = {
        "client": Client.name,
        "value": Contract.value,
        "reference": Contract.reference,
        "start_date": Contract.start_date,
        "tier": Contract.tier,
    }.get(flt.sort, Contract.end_date)
    # Live contracts first: an expired one is rarely what someone opens the list for.
    live_first = case((Contract.status == "active", 0), (Contract.status == "draft", 1), else_=2)
    q = q.order_by(live_first, sort_col.desc() if flt.descending else sort_col.asc(), Contract.id)
    return pd.DataFrame(session.execute(q).all(), columns=LIST_COLUMNS)
