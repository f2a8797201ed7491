"""Real Chromium: a share link opens the executive page read-only and nothing else."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from db.engine import open_store
from db.share_links import create_link, revoke
from tests.factories import ADMIN

pytestmark = pytest.mark.browser


def _link(url: str) -> tuple[str, int]:
    with Session(open_store(url)) as s, s.begin():
        token = create_link(session=s, actor=ADMIN, label="Board", days=3, now=datetime.now(UTC))
        from db.models import ShareLink

        return token, max(r.id for r in s.query(ShareLink).all())


def test_share_link_opens_only_the_executive_page(live_app, live_store, browser):
    token, link_id = _link(live_store)
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.goto(f"{live_app}/?share={token}")
    page.get_by_role("heading", name="Executive dashboard").wait_for(timeout=60_000)
    page.get_by_text("Shared read-only view.").wait_for(timeout=30_000)
    assert page.get_by_role("link", name="Contracts").count() == 0
    assert page.get_by_role("button", name="Log out").count() == 0
    for other in ("contract_list", "user_admin", "portfolio", "share_links"):
        page.goto(f"{live_app}/{other}?share={token}")
        page.wait_for_timeout(2500)
        page.keyboard.press("Escape")
        assert page.get_by_role("heading", name="Users", exact=True).count() == 0
        assert page.get_by_role("heading", name="Contracts", exact=True).count() == 0
        assert page.get_by_role("heading", name="Share links", exact=True).count() == 0
        assert page.get_by_role("heading", name="Portfolio overview", exact=True).count() == 0
    with Session(open_store(live_store)) as s, s.begin():
        revoke(session=s, actor=ADMIN, link_id=link_id, now=datetime.now(UTC))
    page.goto(f"{live_app}/?share={token}")
    page.get_by_text("This link has been revoked. Ask for a new one.").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Executive dashboard").count() == 0
    page.close()
