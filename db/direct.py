"""Core statements compiled once per dialect and run straight on the session's DBAPI cursor.

The webhook runs about ten statements an event. Through `Session.execute` each costs about
160 us of CPU (execution context, a result's metadata built from the cursor description);
on the driver's cursor about 40 us (PostgreSQL, measured on the 2-core build machine). A
`Direct` statement stays one Core construct for SQLite and PostgreSQL: the compiler's own
expanded state gives the SQL, the IN lists and the bind processors (`UTCDateTime`), the
columns' types give the result processors, and it runs in the session's transaction.

It refuses, when compiled, a statement that needs Python-side column defaults or onupdate
values (the compiler's prefetch list): the execution context that fills them is what this
skips, so such values must be given explicitly instead of being silently left out.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import Executable


class _Compiled:
    """One statement compiled for one dialect, with its result row shape and processors."""

    def __init__(self, stmt: Any, dialect: Dialect, column_keys: Sequence[str] | None) -> None:
        self.compiled = stmt.compile(dialect=dialect, column_keys=column_keys)
        prefetch = [*self.compiled.insert_prefetch, *self.compiled.update_prefetch]
        if prefetch:
            names = ", ".join(c.name for c in prefetch)
            raise TypeError(f"give {names} explicitly: Direct does not run Python defaults")
        # the statement's own columns: the cursor's description is costly to build (psycopg)
        cols = list(getattr(stmt, "exported_columns", ()))
        self.returns_rows = bool(cols)
        self.expanding: list[str] = []  # the IN-list parameters, known after the first run
        self.shapes: dict[tuple[int, ...], tuple] = {}
        self.row = namedtuple("Row", [c.key or f"c{i}" for i, c in enumerate(cols)], rename=True)
        self.results: list[tuple[int, Callable]] = [
            (i, proc)
            for i, c in enumerate(cols)
            if (proc := c.type.dialect_impl(dialect).result_processor(dialect, None))
        ]

    def args(self, params: Mapping[str, Any] | None) -> tuple[str, Any]:
        """(SQL, the driver's parameters) for one parameter set.

        The SQL, the positional order and the processors depend only on how long each IN
        list is: kept per shape after the compiler expanded it once."""
        parameters = self.compiled.construct_params(params)
        shape = tuple(len(parameters[k]) for k in self.expanding)
        hit = self.shapes.get(shape)
        if hit is None:
            state = self.compiled.construct_expanded_state(params)
            hit = (state.statement, state.processors, state.positiontup,
                   tuple(state.parameter_expansion.items()))  # fmt: skip
            if not self.shapes:
                self.expanding = [k for k, _ in hit[3]]
                shape = tuple(len(parameters[k]) for k in self.expanding)
            self.shapes[shape] = hit
        sql, procs, order, expansion = hit
        for name, names in expansion:  # an IN list's values under their expanded names
            parameters.update(zip(names, parameters.pop(name), strict=True))
        values = {k: (procs[k](v) if k in procs else v) for k, v in parameters.items()}
        if order is not None:
            return sql, tuple(values[k] for k in order)
        return sql, values

    def rows(self, raw: list[tuple]) -> list[tuple]:
        if self.results:
            raw = [list(r) for r in raw]
            for r in raw:
                for i, proc in self.results:
                    r[i] = proc(r[i])
        return [self.row(*r) for r in raw]


class Direct:
    """A Core statement run on the DBAPI cursor of the session's current transaction.

    `column_keys`: the columns an INSERT or UPDATE sets (as `Session.execute` would take
    them from the first parameter set)."""

    def __init__(self, stmt: Executable, *, column_keys: Sequence[str] | None = None) -> None:
        self.statement = stmt
        self._keys = list(column_keys) if column_keys is not None else None
        self._by_dialect: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        hit = self._by_dialect.get(dialect.name)
        if hit is None:
            hit = self._by_dialect[dialect.name] = _Compiled(self.statement, dialect, self._keys)
        return hit

    def rows(self, on: Session | Connection, params: Mapping[str, Any] | None = None) -> list:
        """Run once; the rows it returned (named tuples), empty for a statement without.
        `on`: the session, or its connection (a caller running several saves the lookups)."""
        conn = on.connection() if isinstance(on, Session) else on
        compiled = self._for(conn.dialect)
        cursor = _cursor(conn)
        cursor.execute(*compiled.args(params))
        return compiled.rows(cursor.fetchall()) if compiled.returns_rows else []

    def first(self, on: Session | Connection, params: Mapping[str, Any] | None = None) -> Any:
        """The first row, or None."""
        found = self.rows(on, params)
        return found[0] if found else None

    def many(self, on: Session | Connection, params: Sequence[Mapping[str, Any]]) -> None:
        """Run once per parameter set (executemany; no rows returned)."""
        if not params:
            return
        conn = on.connection() if isinstance(on, Session) else on
        compiled = self._for(conn.dialect)
        sets = [compiled.args(p) for p in params]
        cursor = _cursor(conn)
        if len(sets) == 1:  # psycopg's executemany enters pipeline mode: costly for one
            cursor.execute(*sets[0])
        else:
            cursor.executemany(sets[0][0], [a for _, a in sets])


def _cursor(conn: Connection) -> Any:
    """The DBAPI connection's cursor, kept as long as that connection (one a statement was
    ~5% of an event's CPU)."""
    pooled = conn.connection
    dbapi = pooled.dbapi_connection
    hit = pooled.info.get("direct_cursor")
    if hit is None or hit[0] is not dbapi:
        hit = pooled.info["direct_cursor"] = (dbapi, dbapi.cursor())
    return hit[1]
