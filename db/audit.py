"""The audit trail: every change to a contract or its terms, field by field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor
from db.models import AuditEntry


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def record(
    *,
    session: Session,
    actor: Actor,
    entity: str,
    entity_id: int | None,
    action: str,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
) -> None:
    session.add(
        AuditEntry(
            user_id=actor.user_id,
            username=actor.username,
            entity=entity,
            entity_id=entity_id,
            action=action,
            field=field,
            old_value=_text(old),
            new_value=_text(new),
        )
    )


def record_changes(
    *, session: Session, actor: Actor, entity: str, entity_id: int, changes: dict[str, tuple]
) -> None:
    """Write one audit row per changed field; `changes` maps field -> (old, new)."""
    for field, (old, new) in changes.items():
        record(
            session=session,
            actor=actor,
            entity=entity,
            entity_id=entity_id,
            action="update",
            field=field,
            old=old,
            new=new,
        )


def history(*, session: Session, entity: str, entity_id: int) -> pd.DataFrame:
    rows = session.execute(
        select(
            AuditEntry.at,
            AuditEntry.username,
            AuditEntry.action,
            AuditEntry.field,
            AuditEntry.old_value,
            AuditEntry.new_value,
        )
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).all()
    return pd.DataFrame(rows, columns=["at", "user", "action", "field", "old", "new"])
