"""A SQLite store whose disk fills up: a clear message, nothing half-written, nothing corrupted.

The store lives on a real, tiny tmpfs that a filler file then fills to the last byte, so
SQLite itself reports SQLITE_FULL ("database or disk is full") exactly as on a full server disk.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from streamlit.testing.v1 import AppTest

import cli
from access.roles import Actor
from db.config import ROOT
from db.engine import make_engine, open_store, session_scope
from db.models import TaxRate, User
from db.users import create_user
from tests.factories import ADMIN, make_contract
from tests.pages.conftest import serving


@pytest.fixture
def tiny_disk() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="cd-full-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(folder)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs root to mount a tmpfs for the disk-full test: {mounted.stderr}")
        pytest.skip("needs root to mount a small tmpfs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        folder.rmdir()


def _fill(folder: Path) -> Path:
    """Write zeros until the filesystem refuses, in ever smaller pieces: the disk is full."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as f:
        size = 1 << 20
        while size:
            try:
                f.write(b"\0" * size)
            except OSError:
                size //= 2
    return filler


def _intact(url: str) -> tuple[str, int, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        check = conn.execute(text("PRAGMA integrity_check")).scalar_one()
        users = conn.execute(select(func.count()).select_from(User)).scalar_one()
        rates = conn.execute(select(func.count()).select_from(TaxRate)).scalar_one()
    engine.dispose()
    return check, users, rates


def test_cli_write_on_a_full_disk_says_so_and_keeps_the_store(tiny_disk, capsys, monkeypatch):
    url = f"sqlite:///{tiny_disk / 'store.db'}"
    engine = open_store(url)
    with session_scope(engine) as s:
        create_user(session=s, actor=ADMIN, username="boss", password="a long pass phrase 9",
                    role="admin")  # fmt: skip
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    filler = _fill(tiny_disk)

    args = ["users", "add", "newbie", "--role", "manager", "--password", "another long phrase 7"]
    rc = cli.main(args)
    err = capsys.readouterr().err
    assert rc == 1
    assert "disk is full" in err and "nothing from this action was saved" in err
    assert "Traceback" not in err
    filler.unlink()
    assert _intact(url)[:2] == ("ok", 1)
    assert cli.main(args) == 0  # space back: the same command works
    assert _intact(url)[:2] == ("ok", 2)


def test_page_write_on_a_full_disk_shows_a_clear_message(tiny_disk, monkeypatch):
    url = f"sqlite:///{tiny_disk / 'store.db'}"
    engine = open_store(url)
    with session_scope(engine) as s:
        user = create_user(session=s, actor=ADMIN, username="boss", password="a long pass phrase 9",
                           role="admin")  # fmt: skip
        make_contract(s, name="Bluewater Dental")
        actor = Actor(user_id=user.id, username="boss", role="admin")
    engine.dispose()
    with serving(url, monkeypatch):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.session_state["actor"] = actor
        at.run()
        at.switch_page("pages/tax_rates.py").run()
        assert not at.exception and "Tax rates" in [t.value for t in at.title]
        filler = _fill(tiny_disk)
        at.text_input(key="tax-name").input("VAT")
        at.selectbox(key="tax-kind").set_value("vat")
        at.number_input(key="tax-rate").set_value(20.0)
        at.text_input(key="tax-country").input("GB")
        at.button(key="tax-save").click().run()
        assert not at.exception, [e.stack_trace for e in at.exception]
        failed = [e.value for e in at.error if "The contract store failed" in e.value]
        assert failed and "disk is full" in failed[0] and str(tiny_disk) in failed[0]
        assert _intact(url) == ("ok", 1, 0)  # nothing half-written, the file is sound
        filler.unlink()
        at.switch_page("pages/tax_rates.py").run()
        at.text_input(key="tax-name").input("VAT")
        at.selectbox(key="tax-kind").set_value("vat")
        at.number_input(key="tax-rate").set_value(20.0)
        at.text_input(key="tax-country").input("GB")
        at.button(key="tax-save").click().run()
        assert not at.exception and not at.error
        assert any("Tax rate VAT 20% added" in m.value for m in at.success)
    assert _intact(url) == ("ok", 1, 1)
