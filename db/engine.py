"""Engine, sessions and schema upgrade: the app and the CLI both start through `open_store`."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db.config import ROOT, ConfigError, database_url
from db.pooling import pool_options

MIGRATIONS = ROOT / "db" / "migrations"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _check_sqlite_folder(url: URL) -> None:
    """Fail early with a readable message instead of 'unable to open database file'."""
    if not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"Cannot create the data folder {folder}: {exc.strerror}. "
            "Create it, or set DATABASE_URL to a writable location."
        ) from exc
    # SQLite writes journal files beside the database, so the folder itself must be writable.
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ConfigError(
            f"The data folder {folder} is read-only ({exc.strerror}). Make it writable "
            f"(e.g. chmod u+w {folder}) or set DATABASE_URL to a writable location."
        ) from exc


def _ping_when_idle(engine: Engine, after: float) -> None:
    """Test a pooled connection on checkout only when it sat idle `after` seconds or more.

    A connection a busy process used a moment ago is alive; one that waited (a restart of
    the server may have dropped it) is pinged, and a dead one is replaced by the pool
    (DisconnectionError), as `pool_pre_ping` would. A restart quicker than `after` between
    two uses of one connection fails that one request; the error invalidates the pool, so
    the next request reconnects."""

    @event.listens_for(engine, "checkin")
    def _used(_dbapi_conn, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn, record, _proxy) -> None:
        if time.monotonic() - record.info.get("idle_since", float("-inf")) < after:
            return
        try:
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT 1")
            dbapi_conn.rollback()
        except Exception as exc:  # noqa: BLE001 - any failure: the pool connects afresh
            raise DisconnectionError(str(exc)) from exc


def make_engine(url: URL | str | None = None, *, ping_idle_after: float = 0.0) -> Engine:
    """Create an engine for the configured store and prove it is reachable.

    PostgreSQL connections are tested on every checkout (`pool_pre_ping`) unless
    `ping_idle_after` > 0: then only after that many idle seconds (`_ping_when_idle`; the
    API, whose workers reuse each connection many times a second, saves a round trip an
    event)."""
    url = database_url() if url is None else url
    url = url if isinstance(url, URL) else database_url({"DATABASE_URL": url})
    if url.get_backend_name() == "sqlite":
        _check_sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        options, connect = pool_options()  # replicas: see db/pooling.py
        engine = create_engine(
            url, pool_pre_ping=ping_idle_after <= 0,
            connect_args={"connect_timeout": 5, **connect}, **options,
        )  # fmt: skip
        if ping_idle_after > 0:
            _ping_when_idle(engine, ping_idle_after)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        safe = url.render_as_string(hide_password=True)
        raise ConfigError(
            f"Cannot reach the database at {safe}: {str(exc.orig).strip().splitlines()[0]}. "
            "Check DATABASE_URL (or [connections.contracts] in .streamlit/secrets.toml) "
            "and that the server is running."
        ) from exc
    return engine


def store_failure(exc: BaseException, engine: Engine | None = None) -> str | None:
    """What a user should read when the store fails mid-run; None when `exc` is not that.

    Every write runs in one transaction (`session_scope`), so a failure rolls it back: the
    message can promise that nothing from the action was saved.
    """
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return None
    detail = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    first = detail[0] if detail else type(exc).__name__
    low = first.lower()
    if "disk is full" in low or "no space left" in low or "disk full" in low:
        where = ""
        if engine is not None and engine.url.get_backend_name() == "sqlite":
            where = f" ({Path(engine.url.database or '').parent})"
        return (
            f"The store's disk is full{where}: nothing from this action was saved and the "
            "data already stored is intact. Free disk space there, then try again."
        )
    if "database is locked" in low or "could not obtain lock" in low:
        return (
            "The store is busy with another write: nothing from this action was saved. "
            "Try again in a moment."
        )
    return (
        f"The database stopped answering ({first}). Nothing from this action was saved; "
        "the app reconnects by itself when the server is back: try again or reload."
    )


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def _refuse_newer_store(conn, cfg: Config) -> None:
    """A store a newer Contract Desk migrated has a revision this code does not know: refuse
    with both versions instead of Alembic's "Can't locate revision"."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(cfg)
    known = {rev.revision for rev in script.walk_revisions()}
    current = MigrationContext.configure(conn).get_current_heads()
    unknown = [rev for rev in current if rev not in known]
    if unknown:
        raise ConfigError(
            f"The database is at schema revision {', '.join(unknown)}, written by a newer "
            f"version of Contract Desk; this version knows revisions up to "
            f"{script.get_current_head()}. Upgrade Contract Desk (or point DATABASE_URL at "
            "another store); nothing was changed."
        )


def upgrade(engine: Engine) -> None:
    """Apply every pending migration (the app and the CLI call this on start).

    Replicas starting together on PostgreSQL migrate one at a time (a transaction-level
    advisory lock): the next one finds the schema at head and does nothing.
    """
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(15020)"))
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        _refuse_newer_store(conn, cfg)
        command.upgrade(cfg, "head")


def open_store(url: URL | str | None = None, *, ping_idle_after: float = 0.0) -> Engine:
    """Engine for the configured store, migrated to the latest schema (`make_engine`)."""
    engine = make_engine(url, ping_idle_after=ping_idle_after)
    upgrade(engine)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work: commit on success, roll back everything on error."""
    with session_factory(engine)() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_empty(engine: Engine) -> bool:
    """True when the store holds no contracts yet (the run command then seeds demo data)."""
    if "contracts" not in inspect(engine).get_table_names():
        return True
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM contracts")).scalar_one() == 0
