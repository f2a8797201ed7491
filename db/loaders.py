"""Loaders: database rows to DataFrames for the pure capability packages."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Client, Contract


def contracts_frame(*, session: Session) -> pd.DataFrame:
    """One row per live contract with its client, dates, value and pricing."""
    rows = session.execute(
        select(
            Contract.id,
            Contract.reference,
            Contract.client_id,
            Client.name.label("client"),
            Contract.tier,
            Contract.status,
            Contract.start_date,
            Contract.end_date,
            Contract.in_force_until,
            Contract.auto_renew,
            Contract.notice_days,
            Contract.renewal_term_months,
            Contract.value,
            Contract.currency,
            Contract.pricing_model,
            Contract.recurring_fee,
            Contract.included_hours,
            Contract.term_months,
            Contract.account_manager_id,
            Contract.billing_cycle,
            Contract.unit_price,
            Contract.unit_count,
        )
        .join(Client, Client.id == Contract.client_id)
        .where(Contract.deleted_at.is_(None))
    ).all()
    cols = [
        "id",
        "reference",
        "client_id",
        "client",
        "tier",
        "status",
        "start_date",
        "end_date",
        "in_force_until",
        "auto_renew",
        "notice_days",
        "renewal_term_months",
        "value",
        "currency",
        "pricing_model",
        "recurring_fee",
        "included_hours",
        "term_months",
        "account_manager_id",
        "billing_cycle",
        "unit_price",
        "unit_count",
    ]
    return pd.DataFrame(rows, columns=cols)
