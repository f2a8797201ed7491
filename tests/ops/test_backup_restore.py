"""Backup and restore of both stores (issue 20, item 4): a seeded store that ran billing is
backed up, restored into an empty store, then every page opens and billing matches."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from sqlalchemy import create_engine, select, text

from access.roles import SYSTEM
from db.backup import BackupError, backup, restore, row_counts
from db.billing.run import preview_run, run_billing
from db.engine import open_store, session_scope
from db.models import Invoice
from demo.seed import SeedSize, seed
from tests.conftest import TODAY
from tests.pages.conftest import ADMIN, page, serving
from ui.navigation import PAGES

SMALL = SeedSize(clients=6, contracts=12, tickets=2000, technicians=3)
PERIOD = "2026-12"
RESTORE_DB = "cd_issue20b_restore"


def _empty_store(engine, tmp_path):
    """A new, migrated, empty store on the same backend as `engine`."""
    if engine.dialect.name == "sqlite":
        return open_store(f"sqlite:///{tmp_path / 'restored.db'}")
    url = engine.url.set(database=RESTORE_DB)
    admin = create_engine(engine.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{RESTORE_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{RESTORE_DB}"'))
    admin.dispose()
    return open_store(url)


def _invoices(engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(select(Invoice).order_by(Invoice.id), conn)


def _billing(engine) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    with session_scope(engine) as s:
        p = preview_run(session=s, actor=SYSTEM, period=PERIOD)
        text_ = run_billing(session=s, actor=SYSTEM, period=PERIOD).text()
    return text_.split(":", 1)[1], p.invoices.reset_index(drop=True), p.lines.reset_index(drop=True)


def test_backup_restore_roundtrip_every_page_opens_and_billing_matches(
    engine, tmp_path, monkeypatch
):
    seed(engine, seed=3, size=SMALL, today=TODAY, documents=0)
    with session_scope(engine) as s:
        first = run_billing(session=s, actor=SYSTEM, period=PERIOD)
    assert first.created > 0
    before = row_counts(engine)
    file = tmp_path / "backup.db"
    assert backup(engine, file) == before
    with pytest.raises(BackupError, match="already exists"):
        backup(engine, file)

    target = _empty_store(engine, tmp_path)
    try:
        assert restore(target, file) == before
        pd.testing.assert_frame_equal(_invoices(target), _invoices(engine))
        # the same billing run on the original and on the restored store
        original, restored = _billing(engine), _billing(target)
        assert restored[0] == original[0]
        pd.testing.assert_frame_equal(restored[1], original[1])
        pd.testing.assert_frame_equal(restored[2], original[2])
        # ids continue past the restored ones (PostgreSQL sequences reset)
        with session_scope(target) as s:
            assert run_billing(session=s, actor=SYSTEM, period="2027-01").created > 0

        url = target.url.render_as_string(hide_password=False)
        with serving(url, monkeypatch):
            for spec in PAGES:
                if not os.path.exists(spec.path):
                    continue
                at = page(spec.path, url, user=ADMIN).run(timeout=120)
                assert not at.exception, (spec.path, at.exception)
                assert not [e.value for e in at.error if "not available" in e.value], spec.path
    finally:
        target.dispose()


def test_restore_refuses_a_store_that_holds_data_and_changes_nothing(engine, tmp_path):
    seed(engine, seed=3, size=SeedSize(clients=2, contracts=3, tickets=50, technicians=1),
         today=TODAY, documents=0)  # fmt: skip
    file = tmp_path / "backup.db"
    backup(engine, file)
    before = row_counts(engine)
    with pytest.raises(BackupError, match=r"not empty \(.*clients.*restore only into an empty"):
        restore(engine, file)
    assert row_counts(engine) == before
    with pytest.raises(BackupError, match="No backup file"):
        restore(engine, tmp_path / "missing.db")
    junk = tmp_path / "junk.db"
    junk.write_text("not a database at all, just text" * 10)
    with pytest.raises(BackupError, match="not a Contract Desk backup"):
        restore(engine, junk)


def test_cli_backup_and_restore(engine, tmp_path, monkeypatch, capsys):
    from cli import main

    seed(engine, seed=3, size=SeedSize(clients=2, contracts=3, tickets=50, technicians=1),
         today=TODAY, documents=0)  # fmt: skip
    file = tmp_path / "b.db"
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert main(["store", "backup", str(file)]) == 0
    assert "Backup written" in capsys.readouterr().out
    assert main(["store", "restore", str(file)]) == 2
    assert "restore only into an empty store" in capsys.readouterr().err
    target = _empty_store(engine, tmp_path)
    monkeypatch.setenv("DATABASE_URL", target.url.render_as_string(hide_password=False))
    assert main(["store", "restore", str(file)]) == 0
    assert "3 contracts" in capsys.readouterr().out
    assert row_counts(target) == row_counts(engine)
    target.dispose()
