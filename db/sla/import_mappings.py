"""Saved column mappings for the ticket import (field -> column header), audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.models import ImportMapping
from sla.import_presets import FIELDS, REQUIRED


def list_mappings(*, session: Session) -> dict[str, dict[str, Any]]:
    """Saved custom mappings by name."""
    rows = session.scalars(select(ImportMapping).order_by(ImportMapping.name))
    return {m.name: dict(m.mapping) for m in rows}


def save_mapping(
    *, session: Session, actor: Actor, name: str, mapping: Mapping[str, str],
    dayfirst: bool | None = None,
) -> ImportMapping:
    """Create or replace a named mapping (field -> column header) and how its tool writes
    dates (True day first, False month first, None detect from the file), audited."""
    require(actor, "work_sla")
    name = " ".join(str(name).split())
    if not name:
        raise ValueError("Give the mapping a name")
    clean = {k: str(v).strip() for k, v in mapping.items() if v and str(v).strip()}
    unknown = sorted(set(clean) - set(FIELDS))
    if unknown:
        raise ValueError(f"Unknown field(s): {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    missing = [f for f in REQUIRED if f not in clean]
    if missing:
        raise ValueError(f"A mapping needs a column for: {', '.join(missing)}")
    row = session.scalar(select(ImportMapping).where(ImportMapping.name == name))
    if row is None:
        row = ImportMapping(name=name, mapping=clean, dayfirst=dayfirst)
        session.add(row)
        session.flush()
        audit.record(
            session=session, actor=actor, entity="import_mapping", entity_id=row.id,
            action="create", field="mapping", new=clean,
        )  # fmt: skip
    elif dict(row.mapping) != clean:
        audit.record_changes(
            session=session, actor=actor, entity="import_mapping", entity_id=row.id,
            changes={"mapping": (dict(row.mapping), clean)},
        )  # fmt: skip
        row.mapping = clean
    if row.dayfirst != dayfirst:
        audit.record_changes(
            session=session, actor=actor, entity="import_mapping", entity_id=row.id,
            changes={"dayfirst": (row.dayfirst, dayfirst)},
        )  # fmt: skip
        row.dayfirst = dayfirst
    return row


def mapping_dayfirst(*, session: Session, name: str) -> bool | None:
    """How a saved mapping's tool writes 05.11.2026 (None: detect from the file)."""
    return session.scalar(select(ImportMapping.dayfirst).where(ImportMapping.name == name))
