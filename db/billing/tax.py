"""Tax rates in the store: set (validated), list, resolve per invoice, add to a run's drafts.

Resolution for a client on a bill date: its own rate in force, else the rate of its country
(clients.country) in force; the latest `effective_from` wins. No rate: no tax line (as
before). The invoice keeps a snapshot of the rate it was drafted with (invoices.tax_*).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing.model import Invoice as InvoiceModel
from billing.tax import TaxRate, with_tax
from db import audit
from db.billing.common import PERMISSION
from db.billing.compute import _Computed
from db.models import Client, Invoice
from db.models import TaxRate as TaxRow


def _country(code: str | None) -> str | None:
    if code is None or not str(code).strip():
        return None
    clean = str(code).strip().upper()
    if len(clean) != 2 or pycountry.countries.get(alpha_2=clean) is None:
        raise ValueError(f"Country {code!r} is not an ISO 3166 two-letter code (GB, DE, AU ...).")
    return clean


def set_tax_rate(
    *,
    session: Session,
    actor: Actor,
    name: str,
    kind: str,
    rate: object,
    effective_from: date,
    client_id: int | None = None,
    country: str | None = None,
    quickbooks_code: str | None = None,
    xero_tax_type: str | None = None,
) -> TaxRow:
    """A new tax rate for one client or one country, in force from `effective_from`."""
    require(actor, PERMISSION)
    tax = TaxRate(name=name, kind=kind, rate=rate)  # type: ignore[arg-type]
    code = _country(country)
    if (client_id is None) == (code is None):
        raise ValueError("A tax rate is for one client or one country: give exactly one.")
    if client_id is not None and session.get(Client, client_id) is None:
        raise ValueError(f"Client id {client_id} does not exist.")
    row = TaxRow(
        name=tax.name,
        kind=tax.kind,
        rate=tax.rate,
        client_id=client_id,
        country=code,
        effective_from=effective_from,
        quickbooks_code=(quickbooks_code or "").strip() or None,
        xero_tax_type=(xero_tax_type or "").strip() or None,
        created_by_id=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="tax_rate",
        entity_id=row.id,
        action="create",
        field="rate",
        new=f"{tax.label} ({tax.kind}) for {code or f'client {client_id}'} from {effective_from}",
    )
    return row


def set_client_country(*, session: Session, actor: Actor, client_id: int, country: str | None):
    """The client's country (ISO alpha-2): picks its country tax rate."""
    require(actor, PERMISSION)
    client = session.get(Client, client_id)
    if client is None:
        raise ValueError(f"Client id {client_id} does not exist.")
    code = _country(country)
    old, client.country = client.country, code
    session.flush()
    audit.record(
        session=session, actor=actor, entity="client", entity_id=client_id,
        action="update", field="country", old=old, new=code,
    )  # fmt: skip


def tax_rates(*, session: Session, actor: Actor, client_id: int | None = None) -> pd.DataFrame:
    """Rates in the store (one client's own and its country's, when `client_id` is given)."""
    require(actor, PERMISSION)
    q = select(TaxRow).where(TaxRow.deleted_at.is_(None))
    if client_id is not None:
        country = session.scalar(select(Client.country).where(Client.id == client_id))
        q = q.where((TaxRow.client_id == client_id) | (TaxRow.country == country))
    rows = session.scalars(q.order_by(TaxRow.country, TaxRow.client_id, TaxRow.effective_from))
    return pd.DataFrame(
        [
            {
                "id": r.id,
                "for": r.country or f"client {r.client_id}",
                "name": r.name,
                "kind": r.kind,
                "rate %": r.rate,
                "from": r.effective_from,
                "to": r.effective_to,
                "QuickBooks code": _pure(r).qb_code,
                "Xero tax type": _pure(r).xero_type,
            }
            for r in rows
        ],
        columns=["id", "for", "name", "kind", "rate %", "from", "to", "QuickBooks code",
                 "Xero tax type"],
    )  # fmt: skip


def _pure(row: TaxRow) -> TaxRate:
    return TaxRate(row.name, row.kind, row.rate, row.quickbooks_code, row.xero_tax_type, row.id)


def _in_force(rows: list[TaxRow], on: date) -> TaxRow | None:
    live = [
        r
        for r in rows
        if r.effective_from <= on and (r.effective_to is None or on <= r.effective_to)
    ]
    return max(live, key=lambda r: (r.effective_from, r.id)) if live else None


def resolve(session: Session, client_ids, on_dates: dict) -> dict:
    """(client id, bill date) -> TaxRate or None, for the given pairs."""
    ids = sorted({int(c) for c in client_ids})
    if not ids:
        return {}
    countries = dict(
        session.execute(select(Client.id, Client.country).where(Client.id.in_(ids))).all()
    )
    rows = list(
        session.scalars(
            select(TaxRow).where(
                TaxRow.deleted_at.is_(None),
                TaxRow.client_id.in_(ids)
                | TaxRow.country.in_([c for c in countries.values() if c]),
            )
        )
    )
    out = {}
    for cid, on in on_dates:
        own = _in_force([r for r in rows if r.client_id == cid], on)
        country = countries.get(cid)
        found = own or (
            _in_force([r for r in rows if r.client_id is None and r.country == country], on)
            if country
            else None
        )
        out[(cid, on)] = None if found is None else _pure(found)
    return out


def _tax_lines(session: Session, computed: _Computed) -> _Computed:
    """`computed` with each draft's tax line (after service credits: credits reduce tax)."""
    invoices = computed.result.invoices
    pairs = {(int(i.client_id), i.issue_date) for i in invoices}
    found = resolve(session, [c for c, _ in pairs], pairs)
    taxed = tuple(with_tax(i, found.get((int(i.client_id), i.issue_date))) for i in invoices)
    return replace(computed, result=replace(computed.result, invoices=taxed))


def store_snapshot(row: Invoice, inv: InvoiceModel) -> None:
    """Copy the tax the draft was computed with onto the stored invoice."""
    tax = inv.tax
    row.tax_rate_id = tax.rate_id if tax else None
    row.tax_name = tax.name if tax else None
    row.tax_kind = tax.kind if tax else None
    row.tax_percent = tax.rate if tax else None
    row.tax_quickbooks_code = tax.qb_code if tax else None
    row.tax_xero_type = tax.xero_type if tax else None
