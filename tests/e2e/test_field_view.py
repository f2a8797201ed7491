"""End to end in real Chromium at phone size: the demo technician opens the field view."""

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.browser


def test_technician_field_view_on_a_390px_phone(live_app, browser, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(page, live_app, "tech", "demo-tech-pass")
    page.get_by_role("heading", name="Field view").wait_for(timeout=30_000)
    sla = page.get_by_text("P1: respond within")
    sla.wait_for(timeout=30_000)
    sla.scroll_into_view_if_needed()
    assert sla.is_visible()
    assert page.get_by_text("P4: respond within").count() == 1
    call = page.locator("a[href^='tel:']").first
    call.scroll_into_view_if_needed()
    assert call.is_visible()
    assert call.get_attribute("href").startswith("tel:+44")
    box = call.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390  # on screen, no sideways scroll
    width = page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth")
    assert width <= 390
    page.screenshot(path=str(tmp_path / "field-view-390.png"))
    page.close()
