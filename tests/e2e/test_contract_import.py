"""End to end in real Chromium: a contract list spreadsheet previewed, imported, re-imported."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from db.engine import open_store, session_scope
from db.models import Contract
from tests.e2e.conftest import login, serve_app

pytestmark = pytest.mark.browser

SHEET = (
    "Company Name,Agreement Name,Agreement Type,Date Start,Date End,Amount,Billing Cycle\n"
    "Lakeside Vets,Lakeside managed IT,Managed Services,2026-04-01,2027-03-31,1500,Monthly\n"
    "Lakeside Vets,Lakeside bad,Managed Services,31/31/2026,,1500,Monthly\n"
)


def _contracts(url: str) -> int:
    with session_scope(open_store(url)) as s:
        return s.scalar(select(func.count()).select_from(Contract))


def _preview(page, base: str, sheet) -> None:
    page.get_by_role("link", name="Import contracts").click()
    page.get_by_role("heading", name="Import contracts").wait_for(timeout=30_000)
    page.locator("input[type=file]").set_input_files(str(sheet))
    page.get_by_text("agreements.csv").first.wait_for(timeout=30_000)
    page.get_by_label("Exported from").click()
    page.get_by_role("option", name="ConnectWise", exact=False).first.click()
    page.get_by_role("button", name="Preview").click()


def test_spreadsheet_import_previews_imports_and_reimports_nothing(live_store, browser, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"  # a private copy: the import writes
    shutil.copy(live_store.removeprefix("sqlite:///"), url.removeprefix("sqlite:///"))
    sheet = tmp_path / "agreements.csv"
    sheet.write_text(SHEET)
    before = _contracts(url)
    with serve_app(url) as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        login(page, base, "admin", "demo-admin-pass")
        _preview(page, base, sheet)
        page.get_by_role(
            "heading", name="Preview: 1 would be created, 1 would be refused"
        ).wait_for(timeout=60_000)
        assert _contracts(url) == before  # a preview writes nothing
        page.get_by_role("button", name="Import these rows").click()
        page.get_by_role("heading", name="Imported: 1 created, 1 refused").wait_for(timeout=60_000)
        assert _contracts(url) == before + 1
        page.screenshot(path=str(tmp_path / "imported.png"))
        page.goto(base)  # a new session (still signed in by its cookie): the same file again
        page.get_by_text("Signed in as admin").wait_for(timeout=30_000)
        _preview(page, base, sheet)
        page.get_by_role(
            "heading", name="Preview: 1 would be unchanged, 1 would be refused"
        ).wait_for(timeout=60_000)
        assert page.get_by_role("button", name="Import these rows").count() == 0
        page.close()
    assert _contracts(url) == before + 1
