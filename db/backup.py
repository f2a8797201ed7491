"""Backup and restore of either store (issue 20, item 4).

A backup is always a SQLite file that is itself a complete Contract Desk store:
- from SQLite, a consistent copy through sqlite3's online backup API (safe while the app runs);
- from PostgreSQL, a fresh SQLite store migrated to the same revision, then every table
  copied into it in dependency order through SQLAlchemy (portable: no pg_dump version
  matching, and the file opens with `DATABASE_URL=sqlite:///FILE`).

Restore goes into an empty store only (a store holding any row is refused with the reason):
SQLite through the backup API again, PostgreSQL by copying every table back in dependency
order and then moving the id sequences past the restored ids (`reset_sequences`).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.engine import Engine

from db.base import Base
from db.config import ConfigError
from db.sequences import reset_sequences

BATCH = 5000


class BackupError(ValueError):
    """A backup or restore refused before anything was changed."""


def _revision(bind) -> str | None:
    from alembic.migration import MigrationContext

    with bind.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return ",".join(sorted(heads)) or None


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the models (what a backup holds and a restore must match)."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
            if t.name in present
        }


def _copy_tables(source: Engine, target: Engine) -> dict[str, int]:
    """Copy every model table from source into target (same schema), parents first."""
    copied: dict[str, int] = {}
    with source.connect() as src, target.begin() as dst:
        for table in Base.metadata.sorted_tables:
            n = 0
            result = src.execution_options(stream_results=True, yield_per=BATCH).execute(
                select(table)
            )
            for rows in result.partitions(BATCH):
                dst.execute(table.insert(), [dict(r._mapping) for r in rows])
                n += len(rows)
            copied[table.name] = n
    return copied


def backup(engine: Engine, path: Path | str) -> dict[str, int]:
    """Write a backup of the store to `path` (a new file); returns the rows per table."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: back up into a new file.")
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        if engine.dialect.name == "sqlite":
            raw = engine.raw_connection()
            try:
                dest = sqlite3.connect(tmp)
                with dest:
                    raw.driver_connection.backup(dest)
                dest.close()
            finally:
                raw.close()
        else:
            from db.engine import open_store

            file_engine = open_store(f"sqlite:///{tmp}")
            try:
                if _revision(file_engine) != _revision(engine):
                    raise BackupError(
                        f"The store is at revision {_revision(engine)}, this version of "
                        f"Contract Desk at {_revision(file_engine)}: run `cli.py db upgrade` "
                        "first."
                    )
                _copy_tables(engine, file_engine)
            finally:
                file_engine.dispose()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    backup_engine = create_engine(f"sqlite:///{path}")
    try:
        return row_counts(backup_engine)
    finally:
        backup_engine.dispose()


def _refuse_non_empty(engine: Engine) -> None:
    held = {name: n for name, n in row_counts(engine).items() if n}
    if held:
        listed = ", ".join(f"{n:,} {name}" for name, n in sorted(held.items())[:5])
        more = "" if len(held) <= 5 else f" and {len(held) - 5} more tables"
        raise BackupError(
            f"The store is not empty ({listed}{more}): restore only into an empty store. "
            "Point DATABASE_URL at a new database (or a new SQLite file); nothing was changed."
        )


def restore(engine: Engine, path: Path | str) -> dict[str, int]:
    """Restore the backup at `path` into the empty store `engine`; returns rows per table."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as probe:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a Contract Desk backup ({exc}).") from exc
    source = create_engine(f"sqlite:///{path}")
    try:
        backup_rev = _revision(source)
        if backup_rev is None or "contracts" not in inspect(source).get_table_names():
            raise BackupError(f"{path} is not a Contract Desk backup (no schema revision).")
        store_rev = _revision(engine)
        _refuse_non_empty(engine)
        if engine.dialect.name == "sqlite":
            from db.engine import _refuse_newer_store, alembic_config

            with source.connect() as conn:
                try:
                    _refuse_newer_store(conn, alembic_config(source))
                except ConfigError as exc:
                    raise BackupError(str(exc)) from exc
            src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            raw = engine.raw_connection()
            try:
                src.backup(raw.driver_connection)
            finally:
                raw.close()
                src.close()
            engine.dispose()
            from db.engine import upgrade

            upgrade(engine)  # a backup an older version wrote is brought to this schema
        else:
            if backup_rev != store_rev:
                raise BackupError(
                    f"The backup is at schema revision {backup_rev}, the store at {store_rev}. "
                    f"Bring the backup to the same revision first: DATABASE_URL=sqlite:///{path} "
                    "cli.py db upgrade (on a copy), or use the matching Contract Desk version."
                )
            _copy_tables(source, engine)
            reset_sequences(engine)
    finally:
        source.dispose()
    return row_counts(engine)
