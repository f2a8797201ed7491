"""AppTest for each SLA page: renders for managers, refuses executives and technicians."""

from __future__ import annotations

import pytest

from tests.pages.conftest import ADMIN, EXEC, MANAGER, TECH, page

PAGES = [
    "pages/sla_dashboard.py",
    "pages/ticket_timeline.py",
    "pages/ticket_import.py",
    "pages/sla_policies.py",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("user", [EXEC, TECH], ids=["executive", "technician"])
def test_refused_without_work_sla(app_env, path, user):
    at = page(path, app_env, user=user).run()
    assert not at.exception
    assert any("may not work sla" in e.value for e in at.error)
    assert not at.title


@pytest.mark.parametrize("path", PAGES)
def test_refused_without_login(app_env, path):
    at = page(path, app_env).run()
    assert any("log in" in e.value.lower() for e in at.error)


def test_dashboard_renders_rates_and_board(app_env):
    at = page("pages/sla_dashboard.py", app_env, user=MANAGER).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "SLA dashboard"
    labels = {m.label: m.value for m in at.metric}
    assert labels["Tickets"] != "0"
    assert labels["Response compliance"].endswith("%")
    assert "Breached" in labels  # the at-risk board fragment ran
    at.multiselect(key="f_tier").select("gold").run()
    assert not at.exception
    at.radio(key="dim").set_value("technician").run()
    assert not at.exception


def test_timeline_shows_segments(app_env):
    at = page("pages/ticket_timeline.py", app_env, user=ADMIN, query={"ticket": "D-00000"}).run()
    assert not at.exception, at.exception
    assert at.subheader and at.subheader[0].value.replace("\\", "").startswith("D-00000")
    kinds = set(at.dataframe[-1].value["kind"])
    assert kinds & {"running", "outside-coverage", "stopped"}


def test_timeline_unknown_id(app_env):
    at = page("pages/ticket_timeline.py", app_env, user=MANAGER, query={"ticket": "NOPE"}).run()
    assert any("No ticket id contains" in w.value for w in at.warning)


def test_policies_page_shows_matrix_and_tiers(app_env):
    at = page("pages/sla_policies.py", app_env, user=MANAGER).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "SLA policies"
    assert any("tier" in m.value for m in at.markdown)


def test_import_page_renders(app_env):
    at = page("pages/ticket_import.py", app_env, user=MANAGER).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Import tickets"
    at.button[0].click().run()  # submit without a file
    assert any("Choose a file" in e.value for e in at.error)
