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
from db.base import Base
from db.engine import open_store, session_factory

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
TODAY = date(2026, 11, 23)


def pytest_report_header(config) -> str:
    return f"database backends under test: {', '.join(BACKENDS)}"


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(request, tmp_path_factory) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = os.environ["TEST_DATABASE_URL"]
        _reset_postgres(url)
    engine = open_store(url)
    yield engine
    engine.dispose()


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    eng = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
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


@pytest.fixture
def engine(migrated_engine) -> Iterator[Engine]:
    yield migrated_engine
    empty_all_tables(migrated_engine)


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with session_factory(engine)() as s:
        yield s
        s.rollback()


@pytest.fixture
def admin() -> Actor:
    return Actor(user_id=None, username="test-admin", role="admin")
