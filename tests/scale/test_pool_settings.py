"""Pool settings for replicas (db.pooling): read from the environment, bad values refused
with the variable's name, and applied to a real PostgreSQL engine."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.pool import NullPool, QueuePool

from db.config import ConfigError
from db.engine import make_engine
from db.pooling import pool_options


def test_defaults_and_overrides():
    assert pool_options({}) == (
        {"pool_size": 5, "max_overflow": 10, "pool_recycle": 1800, "pool_timeout": 30},
        {},
    )
    options, _ = pool_options(
        {"DB_POOL_SIZE": "2", "DB_MAX_OVERFLOW": "0", "DB_POOL_RECYCLE": "-1"}
    )
    assert options["pool_size"] == 2 and options["max_overflow"] == 0
    assert options["pool_recycle"] == -1


def test_pgbouncer_mode_keeps_no_pool_and_no_prepared_statements():
    assert pool_options({"DB_POOL": "null"}) == (
        {"poolclass": NullPool},
        {"prepare_threshold": None},
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DB_POOL_SIZE": "five"}, "DB_POOL_SIZE must be a whole number, got 'five'"),
        ({"DB_MAX_OVERFLOW": "-3"}, "DB_MAX_OVERFLOW must not be negative"),
        ({"DB_POOL": "bouncer"}, "DB_POOL must be 'null' or 'queue'"),
    ],
)
def test_bad_values_are_refused_by_name(env, message):
    with pytest.raises(ConfigError, match=message):
        pool_options(env)


def test_settings_reach_a_postgresql_engine(engine, monkeypatch):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server connections to pool")
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DB_POOL_SIZE", "2")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "1")
    pooled = make_engine(url)
    assert isinstance(pooled.pool, QueuePool) and pooled.pool.size() == 2
    assert pooled.pool._max_overflow == 1
    pooled.dispose()
    monkeypatch.setenv("DB_POOL", "null")
    bare = make_engine(url)
    with bare.connect() as conn:  # works without server-side prepared statements
        for _ in range(8):
            assert conn.execute(text("SELECT :x"), {"x": 1}).scalar() == 1
    assert isinstance(bare.pool, NullPool)
    bare.dispose()
