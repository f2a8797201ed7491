"""Insurance policies and certifications the company holds."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.compliance.common import _clean, _currency, _money, _registry_note, check_pdf, status_on
from db.models import CompanyHolding

HOLDING_KINDS = ("insurance", "certification")


def holdings_frame(*, session: Session, actor: Actor, on: date) -> pd.DataFrame:
    """Insurance policies and certifications the company holds, with their status on ``on``."""
    require(actor, "work_compliance")
    rows = [
        {
            "id": h.id,
            "kind": h.kind,
            "name": h.name,
            "cover": h.cover_amount,
            "currency": h.currency,
            "last_valid_day": h.expires_on,
            "status": status_on(h.expires_on, on),
            "document": h.filename or "",
            "problem": _registry_note(h.kind, h.name),
        }
        for h in session.scalars(
            select(CompanyHolding).order_by(CompanyHolding.kind, CompanyHolding.name)
        )
    ]
    cols = [
        "id",
        "kind",
        "name",
        "cover",
        "currency",
        "last_valid_day",
        "status",
        "document",
        "problem",
    ]
    return pd.DataFrame(rows, columns=cols)


def add_holding(
    *,
    session: Session,
    actor: Actor,
    kind: str,
    name: str,
    expires_on: date | None,
    cover_amount: object = None,
    currency: str | None = None,
    filename: str | None = None,
    document: bytes | None = None,
) -> tuple[CompanyHolding, list[str]]:
    """Record a policy or certification (a renewal is a new row; the old one keeps history)."""
    require(actor, "work_compliance")
    if kind not in HOLDING_KINDS:
        raise ValueError("Kind must be insurance or certification.")
    clean = _clean(name, "Name")
    check_pdf(filename, document)
    row = CompanyHolding(
        kind=kind,
        name=clean,
        expires_on=expires_on,
        filename=filename if document else None,
        document=document,
    )
    if kind == "insurance":
        row.cover_amount = _money(cover_amount, "Cover")
        row.currency = _currency(currency)
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="company_holding",
        entity_id=row.id,
        action="create",
        field=kind,
        new=f"{clean} until {expires_on}",
    )
    warnings = [w for w in [_registry_note(kind, clean)] if w]
    if expires_on is None:
        warnings.append(f"{clean} has no expiry date: it counts as valid, flagged as an advisory.")
    return row, warnings
