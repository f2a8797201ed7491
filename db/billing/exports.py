"""Issued invoices of a period in an accounting import layout (QuickBooks, Xero, generic)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing import export
from billing.model import Invoice as InvoiceModel
from db.billing.common import PERMISSION, _model, _names, parse_period
from db.models import Contact, Invoice

EXPORT_FORMATS = ("quickbooks", "xero", "generic")


def _full_models(session: Session, rows: Sequence[Invoice]) -> list[InvoiceModel]:
    numbers = {r.id: r.number for r in rows}
    need = {r.credit_note_for_id for r in rows} - set(numbers) - {None}
    if need:
        numbers.update(
            session.execute(select(Invoice.id, Invoice.number).where(Invoice.id.in_(need))).all()
        )
    return [
        _model(r, numbers.get(r.credit_note_for_id), sorted(r.lines, key=lambda x: x.id))
        for r in rows
    ]


def export_invoices(
    *, session: Session, actor: Actor, period: str, fmt: str, xlsx: bool = False
) -> tuple[bytes, str, int]:
    """Issued invoices and credit notes dated in the period, in an accounting import layout.

    Returns (file content, file name, invoices exported). Drafts are never exported.
    """
    require(actor, PERMISSION)
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Export format must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}.")
    if xlsx and fmt != "generic":
        raise ValueError("QuickBooks and Xero import CSV files; XLSX is for the generic export.")
    first, last = parse_period(period)
    rows = session.scalars(
        select(Invoice)
        .where(
            Invoice.status != "draft",
            Invoice.issue_date >= first,
            Invoice.issue_date <= last,
        )
        .order_by(Invoice.issue_date, Invoice.number)
    ).all()
    models = _full_models(session, rows)
    names = _names(session, [r.client_id for r in rows])
    if fmt == "quickbooks":
        frame = export.quickbooks_frame(models, customers=names)
    elif fmt == "xero":
        emails = dict(
            session.execute(
                select(Contact.client_id, func.min(Contact.email))
                .where(Contact.client_id.in_(list(names)), Contact.email.is_not(None))
                .group_by(Contact.client_id)
            ).all()
        )
        frame = export.xero_frame(models, contacts=names, emails=emails)
    else:
        frame = export.generic_frame(models)
        frame.insert(3, "client", frame["client_id"].map(names))
    name = f"invoices-{fmt}-{first:%Y-%m}.{'xlsx' if xlsx else 'csv'}"
    data = export.to_xlsx_bytes(frame) if xlsx else export.to_csv_bytes(frame)
    return data, name, len(models)
