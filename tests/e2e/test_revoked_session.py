"""Real Chromium: a login session revoked elsewhere (My account or the Users page) signs the
already-open tab out on its next interaction (issue 18)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from access.roles import SYSTEM
from access.tokens import token_hash
from db.engine import open_store
from db.login_sessions import list_sessions, revoke_session
from tests.e2e.conftest import login

pytestmark = pytest.mark.browser


def _cookie(page, context) -> str:
    for _ in range(60):
        found = [c for c in context.cookies() if c["name"] == "contract_desk_login"]
        if found and found[0]["value"]:
            return found[0]["value"]
        page.wait_for_timeout(250)
    raise AssertionError("the login cookie was never set")


def test_a_revoked_session_signs_the_open_tab_out(live_app, live_store, browser):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    login(page, live_app, "manager", "demo-manager-pass")
    mine = token_hash(_cookie(page, context))
    link = page.locator("[data-testid=stSidebarNav]").get_by_role(
        "link", name="Contracts", exact=True
    )
    link.click()
    page.get_by_role("heading", name="Contracts").first.wait_for(timeout=30_000)

    now = datetime.now(UTC)
    with Session(open_store(live_store)) as s, s.begin():
        row = next(
            r for r in list_sessions(session=s, actor=SYSTEM, now=now) if r["token_hash"] == mine
        )
        assert row["user"] == "manager" and row["browser"].startswith("Mozilla")
        revoke_session(session=s, actor=SYSTEM, session_id=row["id"], now=now)

    page.wait_for_timeout(6_000)  # past the 5 s re-check cache
    page.locator("[data-testid=stSidebarNav]").get_by_role(
        "link", name="Clients", exact=True
    ).click()
    page.get_by_text("Your access changed").wait_for(timeout=30_000)
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    assert page.get_by_text("Signed in as manager").count() == 0
    page.reload()  # the cookie of the revoked session does not sign it back in
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    assert page.get_by_text("Signed in as").count() == 0
    context.close()
