"""End to end in real Chromium: log in, open the contract list, open a contract."""

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.browser


def test_admin_logs_in_and_browses_contracts(live_app, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    login(page, live_app, "admin", "demo-admin-pass")
    page.get_by_role("link", name="Contracts").first.click()
    page.get_by_role("heading", name="Contracts").wait_for(timeout=30_000)
    page.get_by_text("10 contracts").wait_for(timeout=30_000)
    page.get_by_role("link", name="Contract detail").click()
    page.get_by_role("combobox").first.click()
    page.keyboard.type("C-0001")
    page.get_by_role("option", name="C-0001").first.click()
    page.get_by_role("heading", name="C-0001").wait_for(timeout=30_000)
    page.get_by_text("Pricing model").first.wait_for(timeout=30_000)  # the Terms table
    page.screenshot(path=str(tmp_path / "contract.png"))
    page.close()


def test_technician_url_to_admin_page_shows_no_admin_content(live_app, browser):
    page = browser.new_page()
    login(page, live_app, "tech", "demo-tech-pass", path="user_admin")
    page.get_by_role("heading", name="Field view").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Users").count() == 0
    assert page.get_by_text("demo-admin-pass").count() == 0
    page.close()
