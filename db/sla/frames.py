"""Fast reads for the SLA store: select -> DataFrame column-wise, instants parsed in bulk.

Instants are read as text and parsed once by pandas (SQLAlchemy's per-value datetime
processing is the slowest part of a naive load over 200k tickets).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import DateTime, String, Text, bindparam, cast, type_coerce
from sqlalchemy.orm import Session

from db.base import UTCDateTime


def instant_column(session: Session, column):
    """A datetime column read as text (parsed in bulk by `to_instants`)."""
    if session.get_bind().dialect.name == "sqlite":
        return type_coerce(column, String())
    return cast(column, Text)


def to_instants(values: Iterable[object]) -> pd.Series:
    """Stored instants (text, naive = UTC) -> tz-aware UTC Series; None -> NaT."""
    series = pd.Series(list(values) if not isinstance(values, pd.Series) else values, dtype=object)
    return pd.to_datetime(series, utc=True, format="ISO8601").astype("datetime64[us, UTC]")


def read_frame(session: Session, query, columns: Sequence[str]) -> pd.DataFrame:
    """Rows of a select as a DataFrame of raw driver values, built column-wise.

    Runs on the DBAPI cursor of the session's connection (same transaction): SQLAlchemy's
    per-row objects cost more than the query itself at 200k rows. Only for queries whose
    result columns need no type processing (ints, text, instants read via instant_column)
    and whose parameters are plain values (see `since_param`).
    """
    conn = session.connection()
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args = tuple(params[k] for k in compiled.positiontup) if compiled.positional else params
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    table = np.array(rows, dtype=object)  # one C pass: ~2x faster than zip(*rows) at 1M rows
    if table.shape != (len(rows), len(columns)):  # no rows, or values numpy would unpack
        data = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
        return pd.DataFrame(
            {c: pd.Series(v, dtype=object) for c, v in zip(columns, data, strict=True)}
        )
    return pd.DataFrame({c: pd.Series(table[:, i], dtype=object) for i, c in enumerate(columns)})


def since_param(session: Session, since: datetime, name: str = "since"):
    """`since` as the store writes it (naive UTC text on SQLite), for read_frame queries."""
    dialect = session.get_bind().dialect
    value = UTCDateTime().process_bind_param(since, dialect)
    if dialect.name == "sqlite":
        return bindparam(name, value.isoformat(sep=" ", timespec="microseconds"), String())
    return bindparam(name, value, DateTime(timezone=True))
