"""Every page an admin can open, seen in real Chromium at 1400 px, and the technician's field
view at 390 px: no error, not blank, a page title, no sideways scroll of the main block, and
a screenshot (under pytest's tmp dir, never in git) that is not a single colour."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from access.roles import Actor
from tests.e2e.conftest import login
from ui.navigation import pages_for

pytestmark = pytest.mark.browser

WIDTH = 1400


def _open(page, title: str) -> None:
    """Click `title` in the menu and wait until that page's script run has finished."""
    link = page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=title, exact=True)
    path = (link.get_attribute("href") or "").split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    link.click()
    page.wait_for_url(lambda url: url.split("?")[0].rstrip("/").endswith(path), timeout=30_000)
    # The old page is cleared on navigation and "running" shows only after a delay: wait for
    # the new page's content, with nothing running and no spinner ("Scoring every contract…").
    ready = (
        "document.querySelector('[data-testid=stMain]').innerText.trim().length >= 20"
        " && !document.querySelector('[data-testid=stStatusWidget]')"
        " && !document.querySelector('[data-testid=stSpinner]')"
    )
    for _ in range(2):  # twice: a page can show its title, then start a long step
        page.wait_for_timeout(500)
        try:
            page.wait_for_function(ready, timeout=120_000)
        except Exception:  # noqa: BLE001 - a page that stays blank is reported by _problems
            return


def _problems(page, title: str, shot: Path, width: int = WIDTH) -> list[str]:
    found = []
    heading = page.locator("[data-testid=stMain] h1")
    if not heading.count() or not heading.first.inner_text().strip():
        found.append(f"{title}: no page title")
    if page.locator("[data-testid=stException]").count():
        found.append(f"{title}: exception shown")
    main = page.locator("[data-testid=stMain]")
    text = main.inner_text()
    if "Traceback" in text:
        found.append(f"{title}: traceback shown")
    if len(text.strip()) < 20:
        found.append(f"{title}: blank page ({text!r})")
    wide = page.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth")
    if wide > width:
        found.append(f"{title}: {wide} px wide at a {width} px window")
    page.screenshot(path=str(shot))
    colours = Image.open(shot).convert("L").getcolors(maxcolors=1 << 16)
    if colours is not None and len(colours) < 3:
        found.append(f"{title}: screenshot is blank")
    return found


def test_every_admin_page_renders_cleanly_at_1400px(live_app, browser, tmp_path):
    admin = Actor(user_id=1, username="admin", role="admin")
    titles = [p.title for specs in pages_for(admin).values() for p in specs]
    assert len(titles) >= 20  # the whole menu, not a few pages
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    login(page, live_app, "admin", "demo-admin-pass")
    problems: list[str] = []
    for n, title in enumerate(titles):
        _open(page, title)
        problems += _problems(page, title, tmp_path / f"{n:02d}.png")
    page.close()
    assert problems == []


def test_technician_field_view_renders_cleanly_at_390px(live_app, browser, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(page, live_app, "tech", "demo-tech-pass")
    page.get_by_role("heading", name="Field view").wait_for(timeout=30_000)
    page.get_by_text("Who to call").wait_for(timeout=30_000)
    problems = _problems(page, "Field view", tmp_path / "field-view-390.png", width=390)
    page.close()
    assert problems == []
