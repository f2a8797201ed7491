"""Migrations from every earlier revision reach the models exactly, on each backend; a store a
newer version migrated is refused with both revisions (issue 20, item 4).

The revisions are read from the script directory, so slots filled later are covered too."""

from __future__ import annotations

import os

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.base import Base
from db.config import ConfigError
from db.engine import alembic_config, make_engine, open_store, upgrade

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _revisions() -> list[str]:
    cfg = alembic_config(None)  # type: ignore[arg-type]
    return [r.revision for r in reversed(list(ScriptDirectory.from_config(cfg).walk_revisions()))]


def _fresh_store(backend: str, tmp_path, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / f'{name}.db'}"
    base = make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg")
    db = f"{base.database}_migrations"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": db})
        if not found.first():
            conn.execute(text(f'CREATE DATABASE "{db}"'))
    admin.dispose()
    url = base.set(database=db)
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    eng.dispose()
    return url.render_as_string(hide_password=False)


def _to(engine, revision: str) -> None:
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_every_earlier_revision_matches_the_models(backend, tmp_path):
    revisions = _revisions()
    assert len(revisions) >= 16
    for rev in revisions[:-1]:
        engine = make_engine(_fresh_store(backend, tmp_path, f"r{rev}"))
        _to(engine, rev)
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (rev,)
        upgrade(engine)
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (revisions[-1],)
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == [], rev
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_store_a_newer_version_migrated_is_refused_with_both_revisions(backend, tmp_path):
    engine = open_store(_fresh_store(backend, tmp_path, "newer"))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(ConfigError, match=rf"revision 9999.*up to {_revisions()[-1]}"):
        upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()
