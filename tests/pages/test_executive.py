"""Executive page and share links: read-only, expiring, revocable, logged, nothing else."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from db.config import ROOT
from db.engine import open_store
from db.share_links import create_link, list_links, resolve, revoke
from tests.factories import ADMIN, actor
from tests.pages.conftest import EXEC, MANAGER, TECH, page, serving

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def test_executive_page_renders_kpis_for_executive(app_env):
    at = page("pages/executive.py", app_env, user=EXEC).run(timeout=120)
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert set(values) >= {
        "Total contract value",
        "MRR",
        "ARR",
        "Renewal rate",
        "Margin",
        "SLA compliance (resolution)",
        "Billing accuracy",
    }
    assert values["Total contract value"].endswith(("USD", "GBP", "EUR"))
    # The demo ran last month's billing: its accuracy is shown, not reported missing.
    assert values["Billing accuracy"].endswith("%")
    assert not any("billing accuracy unknown" in i.value for i in at.info)


def test_tiles_show_change_and_target_and_admin_load_ignores_the_currency(app_env):
    at = page("pages/executive.py", app_env, user=EXEC).run(timeout=120)
    tiles = {m.label: m for m in at.metric}
    # Every tile that has a figure in both periods shows its change.
    with_change = [m.label for m in at.metric if m.delta]
    assert {"Tickets", "Margin", "MRR", "At-risk contracts", "Contracts per admin"} <= set(
        with_change
    )
    # A change that rounds to nothing reads "no change", never a green "+0".
    for m in at.metric:
        if m.delta:
            assert m.delta == "no change" or any(ch in "123456789" for ch in m.delta), m.delta
    captions = [c.value for c in at.caption]
    assert any("Target 94.0%" in c for c in captions)  # renewal rate
    assert any(c.startswith((":red[Target", ":green[Target")) for c in captions)
    assert any("Target 250–300" in c for c in captions)
    per_admin = tiles["Contracts per admin"].value
    box = next(b for b in at.selectbox if b.label == "Currency")
    assert len(box.options) > 1  # the demo sells in several currencies
    box.select(box.options[1]).run(timeout=120)
    assert {m.label: m.value for m in at.metric}["Contracts per admin"] == per_admin


@pytest.mark.parametrize("user", [TECH])
def test_executive_page_refuses_technicians(app_env, user):
    at = page("pages/executive.py", app_env, user=user).run()
    assert any("may not" in e.value for e in at.error)
    assert len(at.metric) == 0


def test_share_link_lifecycle(session):
    token = create_link(session=session, actor=ADMIN, label="Board", days=7, now=NOW)
    assert len(token) >= 43  # 256 bits, url-safe
    ok = resolve(session=session, token=token, now=NOW + timedelta(days=1))
    assert ok.actor.role == "share"
    assert resolve(session=session, token=token + "x", now=NOW).actor is None  # tampered
    assert resolve(session=session, token="A" * 43, now=NOW).actor is None  # guessed
    expired = resolve(session=session, token=token, now=NOW + timedelta(days=7))
    assert expired.actor is None and "expired" in expired.reason
    links = list_links(session=session, actor=ADMIN, now=NOW)
    assert links.iloc[0]["uses"] == 1
    revoke(session=session, actor=ADMIN, link_id=int(links.iloc[0]["id"]), now=NOW)
    gone = resolve(session=session, token=token, now=NOW + timedelta(hours=1))
    assert gone.actor is None and "revoked" in gone.reason


def test_only_admins_create_links(session):
    from access.roles import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_link(session=session, actor=actor("manager"), label="x", days=1, now=NOW)
    with pytest.raises(ValueError, match="1 to 365"):
        create_link(session=session, actor=ADMIN, label="x", days=900, now=NOW)


def _token(url: str, days: int = 5) -> str:
    with Session(open_store(url)) as s, s.begin():
        return create_link(session=s, actor=ADMIN, label="Board", days=days, now=datetime.now(UTC))


def test_shared_link_opens_only_the_executive_page(app_env):
    at = page("app.py", app_env, query={"share": _token(app_env)}).run(timeout=120)
    assert not at.exception
    assert at.title[0].value == "Executive dashboard"
    assert at.session_state["actor"].role == "share"
    assert len(at.sidebar.button) == 0  # no menu, no logout, nothing to navigate to
    for other in ("pages/contract_list.py", "pages/portfolio.py", "pages/user_admin.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(str(ROOT / other))


@pytest.mark.parametrize(
    "path",
    ["pages/portfolio.py", "pages/contract_list.py", "pages/share_links.py", "pages/field_view.py"],
)
def test_share_actor_is_refused_by_every_other_page_run_directly(app_env, path):
    at = page("app.py", app_env, query={"share": _token(app_env)}).run(timeout=120)
    share_actor = at.session_state["actor"]
    other = page(path, app_env)
    other.session_state["actor"] = share_actor
    other.run()
    assert any("may not" in e.value for e in other.error)


def test_bad_share_token_shows_reason_and_login(app_env):
    at = page("app.py", app_env, query={"share": "forged-token"}).run()
    assert "This link is not valid." in [e.value for e in at.error]
    assert "actor" not in at.session_state


def test_share_links_page_creates_a_link_for_admin(app_env):
    from tests.pages.conftest import ADMIN as ADMIN_USER

    at = page("pages/share_links.py", app_env, user=ADMIN_USER).run()
    at.text_input[0].input("Board pack")
    at.button[0].click().run()
    assert any("Link created" in s.value for s in at.success)
    assert at.code[0].value.startswith("?share=")
    refused = page("pages/share_links.py", app_env, user=MANAGER).run()
    assert any("may not" in e.value for e in refused.error)


def test_performance_page_for_managers_only(app_env):
    at = page("pages/performance.py", app_env, user=MANAGER).run(timeout=120)
    assert not at.exception
    assert {m.label for m in at.metric} == {"Tickets", "Median resolution (business h)", "CSAT"}
    table = at.dataframe[0].value
    assert {"tickets", "median_resolution_h", "csat"} <= set(table.columns)
    assert table["tickets"].sum() == int(at.metric[0].value.replace(",", ""))
    assert any(c.value.startswith("Contracts in ") for c in at.caption)
    assert page("pages/performance.py", app_env, user=EXEC).run().error


def test_executive_page_on_an_empty_store_renders_and_says_what_is_missing(tmp_path, monkeypatch):
    from access.roles import Actor

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_store(url)
    with serving(url, monkeypatch):
        at = page("pages/executive.py", url)
        at.session_state["actor"] = Actor(user_id=None, username="x", role="executive")
        at.run(timeout=60)
    assert not at.exception
    assert "No contracts in this selection." in [i.value for i in at.info]
    values = {m.label: m.value for m in at.metric}
    assert values["Renewal rate"] == "—" and values["Margin"] == "—"
    assert values["Billing accuracy"] == "—"  # no billing run: shown as missing, not 0%
    assert any("billing accuracy unknown" in i.value for i in at.info)
