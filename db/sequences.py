"""Id sequences after bulk loads: PostgreSQL keeps a sequence per serial/identity column that
explicit-id inserts (the demo seed's COPY-like batches, restores) never advance; left behind,
the next ordinary insert collides (UniqueViolation). SQLite needs nothing: it takes max+1."""

from __future__ import annotations

from sqlalchemy import Integer, text
from sqlalchemy.engine import Connection, Engine

from db.base import Base


def _id_tables() -> list[str]:
    out = []
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, Integer) and pk[0].name == "id":
            out.append(table.name)
    return out


def reset_sequences(bind: Engine | Connection) -> int:
    """Move every id sequence past the largest id its table holds; returns how many were set.

    Call it after any bulk load with explicit ids (seed, import, restore)."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            return reset_sequences(conn)
    if bind.dialect.name != "postgresql":
        return 0
    done = 0
    for name in _id_tables():
        seq = bind.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": name}).scalar()
        if seq is None:
            continue
        bind.execute(
            text(
                f"SELECT setval(CAST(:s AS regclass), "
                f"(SELECT COALESCE(MAX(id), 0) FROM {name}) + 1, false)"
            ),
            {"s": seq},
        )
        done += 1
    return done
