"""Spine pages under AppTest: login, contract list and detail, clients, users, role guards."""

from datetime import date

import pytest

from db.config import ROOT
from tests.pages.conftest import ADMIN, EXEC, MANAGER, TECH, page

GUARDED = {
    "pages/contract_list.py": {"admin", "manager"},
    "pages/contract_detail.py": {"admin", "manager"},
    "pages/contract_new.py": {"admin", "manager"},
    "pages/client_list.py": {"admin", "manager"},
    "pages/user_admin.py": {"admin"},
    "pages/portfolio.py": {"admin", "manager", "executive"},
    "pages/field_view.py": {"admin", "manager", "technician"},
}
USERS = {"admin": ADMIN, "manager": MANAGER, "executive": EXEC, "technician": TECH}


def test_login_rejects_wrong_password_and_accepts_right_one(app_env):
    at = page("app.py", app_env).run()
    at.text_input[0].input("admin")
    at.text_input[1].input("wrong-password")
    at.button[0].click().run()
    wrong = "Unknown user, wrong password or wrong authenticator code."
    assert wrong in [e.value for e in at.error]
    assert "actor" not in at.session_state
    at.text_input[1].input("demo-admin-pass")
    at.button[0].click().run()
    assert at.session_state["actor"].role == "admin"
    assert not at.exception


@pytest.mark.parametrize("path", sorted(GUARDED))
@pytest.mark.parametrize("role", sorted(USERS))
def test_every_page_enforces_its_role_when_run_directly(app_env, path, role):
    at = page(path, app_env, user=USERS[role]).run(timeout=60)
    assert not at.exception
    denied = any("may not" in e.value for e in at.error)
    assert denied == (role not in GUARDED[path])
    if denied:
        assert len(at.dataframe) == 0 and len(at.text_input) == 0


@pytest.mark.parametrize("path", sorted(GUARDED))
def test_pages_refuse_anonymous_callers(app_env, path):
    at = page(path, app_env).run()
    assert [e.value for e in at.error] == ["Please log in first."]
    assert len(at.dataframe) == 0


def test_technician_cannot_reach_admin_page_through_the_router(app_env):
    at = page("app.py", app_env, user=TECH).run()
    # a technician's router knows only the field view and their own account page
    known = r"Known pages: \['[^,]*field_view.py', '[^,]*my_account.py'\]"
    with pytest.raises(ValueError, match=known):
        at.switch_page(str(ROOT / "pages/user_admin.py"))


def test_admin_router_registers_admin_pages(app_env):
    at = page("app.py", app_env, user=ADMIN).run()
    at.switch_page(str(ROOT / "pages/user_admin.py")).run()
    assert at.title[0].value == "Users"


def test_contract_list_search_and_export(app_env):
    at = page("pages/contract_list.py", app_env, user=MANAGER).run()
    table = at.dataframe[0].value
    assert len(table) == 16
    first_client = table["client"].iloc[0]
    at.text_input(key="q").input(first_client.split()[0].lower()).run()
    filtered = at.dataframe[0].value
    assert 0 < len(filtered) <= 16
    assert filtered["client"].str.contains(first_client.split()[0]).all()
    assert {b.label for b in at.get("download_button")} >= {"Download CSV", "Download XLSX"}


def test_contract_detail_shows_terms_services_sla_contacts(app_env):
    at = page("pages/contract_detail.py", app_env, user=ADMIN, query={"id": "1"}).run()
    assert not at.exception
    assert at.title[0].value.startswith("C\\-0001 · ")  # Markdown-escaped (safe.text.md)
    tabs = [t.label for t in at.tabs]
    assert tabs == ["Terms", "Services", "SLA", "Documents", "Contacts", "History", "Edit"]
    sla = at.tabs[2].dataframe[0].value
    assert sorted(sla["priority"]) == ["P1", "P2", "P3", "P4"]
    contacts = at.tabs[4].dataframe[0].value
    assert contacts["escalation"].sum() == 2


def test_edit_through_the_page_is_saved_and_audited(app_env):
    at = page("pages/contract_detail.py", app_env, user=ADMIN, query={"id": "2"}).run()
    edit = at.tabs[6]
    edit.text_input[1].input("Renegotiated support")  # Title
    edit.button[0].click().run()
    assert not at.exception
    at = page("pages/contract_detail.py", app_env, user=ADMIN, query={"id": "2"}).run()
    assert "Renegotiated support" in at.caption[0].value
    versions, history = (d.value for d in at.tabs[5].dataframe)
    row = history[history["field"] == "title"].iloc[0]
    assert row["new"] == "Renegotiated support" and row["user"] == "admin"
    # the History's versions: the edit, effective from the day picked under the form
    version = versions[versions["field"] == "title"].iloc[0]
    assert (version["kind"], version["after"]) == ("edit", "Renegotiated support")
    assert str(version["effective from"])[:10] == date.today().isoformat() and version["by"]


def test_edit_with_bad_dates_is_refused_with_a_message(app_env):
    at = page("pages/contract_detail.py", app_env, user=ADMIN, query={"id": "3"}).run()
    edit = at.tabs[6]
    edit.date_input[1].set_value(edit.date_input[0].value)  # end == start
    edit.button[0].click().run()
    assert any("not after start date" in e.value for e in at.error)


def test_users_page_lists_demo_users_for_admin(app_env):
    at = page("pages/user_admin.py", app_env, user=ADMIN).run()
    users = at.dataframe[0].value
    assert set(users["username"]) >= {"admin", "manager", "exec", "tech"}
    assert "password_hash" not in users.columns


def test_field_view_shows_only_assigned_clients_to_technician(app_env):
    at = page("pages/field_view.py", app_env, user=TECH).run()
    assert not at.exception
    options = at.selectbox[0].options
    assert 0 < len(options) < 8  # assigned subset of the 8 demo clients
    assert any("respond within" in m.value for m in at.markdown)
