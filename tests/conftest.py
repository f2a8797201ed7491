"""Shared fixtures: real SQLite always, real PostgreSQL whenever TEST_DATABASE_URL is set.

`engine` is parametrised over the available backends, so every database test runs on both.
Each backend is migrated once per session; tables are emptied after each test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from access.roles import Actor
from db import reference
from db.base import Base
from db.engine import open_store, session_factory
from tests.pg_cluster import private_pg  # noqa: F401  (a fixture for every test folder)

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
TODAY = date(2026, 11, 23)


def pytest_report_header(config) -> str:
    return f"database backends under test: {', '.join(BACKENDS)}"


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(request, tmp_path_factory) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = _worker_database(os.environ["TEST_DATABASE_URL"])
        _reset_postgres(url)
    engine = open_store(url)
    yield engine
    engine.dispose()


def _worker_database(url: str) -> str:
    """One PostgreSQL database per pytest-xdist worker, created on first use."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url).set(drivername="postgresql+psycopg")
    name = f"{base.database}_{worker}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    from db.config import database_url

    eng = create_engine(database_url({"DATABASE_URL": url}))
    with eng.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    eng.dispose()


def empty_all_tables(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(autouse=True)
def _frame_cache_dir(tmp_path, monkeypatch) -> Iterator[None]:
    """Each test's own folder of shared frame files (db.frame_files): tables emptied between
    tests restart their ids, so a file of one test must never meet the next one's store."""
    monkeypatch.setenv("CONTRACT_DESK_CACHE_DIR", str(tmp_path / "frame-cache"))
    yield
    from db.sla import outcome_cache

    outcome_cache.reset()  # nor an entry a test left in this process (a page test turns it on)


@pytest.fixture
def engine(migrated_engine) -> Iterator[Engine]:
    yield migrated_engine
    empty_all_tables(migrated_engine)
    reference.invalidate()  # emptied tables restart their ids: the next test's data is new


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        yield s
        s.rollback()


@pytest.fixture
def admin() -> Actor:
    return Actor(user_id=None, username="test-admin", role="admin")
