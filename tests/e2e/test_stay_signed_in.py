"""In real Chromium: a reload keeps the user signed in; logging out ends it for good."""

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.browser


def _login_cookie(page, context) -> dict:
    """The login cookie, once the page's script has set it (right after the sign-in run)."""
    for _ in range(60):
        found = [c for c in context.cookies() if c["name"] == "contract_desk_login"]
        if found:
            return found[0]
        page.wait_for_timeout(250)
    raise AssertionError("the login cookie was never set")


def test_reload_keeps_the_login_and_log_out_ends_it(live_app, browser):
    context = browser.new_context()
    page = context.new_page()
    login(page, live_app, "manager", "demo-manager-pass")
    cookie = _login_cookie(page, context)
    assert cookie["sameSite"] == "Strict"

    page.reload()
    page.get_by_text("Signed in as manager").wait_for(timeout=30_000)
    second = context.new_page()  # a new tab of the same browser
    second.goto(f"{live_app}/renewal_pipeline")
    second.get_by_role("heading", name="Renewal pipeline").wait_for(timeout=30_000)
    second.close()

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    page.reload()
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    assert page.get_by_text("Signed in as").count() == 0

    # The old token, replayed by hand after logging out, is refused by the server.
    replay = browser.new_context()
    replay.add_cookies([{**cookie, "sameSite": "Strict"}])
    other = replay.new_page()
    other.goto(live_app)
    other.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    assert other.get_by_text("Signed in as").count() == 0
    replay.close()
    context.close()
