"""AppTest for the compliance pages and the field view, role refusals included."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.engine import open_store, session_scope
from db.models import OutOfScopeRequest
from tests.pages.conftest import ADMIN, EXEC, MANAGER, TECH, page

USERS = {"admin": ADMIN, "manager": MANAGER, "executive": EXEC, "technician": TECH}
ALLOWED = {
    "pages/compliance_overview.py": {"admin", "manager"},
    "pages/compliance_requirements.py": {"admin", "manager"},
    "pages/technician_credentials.py": {"admin", "manager"},
    "pages/field_view.py": {"admin", "manager", "technician"},
}


@pytest.mark.parametrize("path", sorted(ALLOWED))
@pytest.mark.parametrize("role", sorted(USERS))
def test_pages_refuse_roles_without_permission(app_env, path, role):
    at = page(path, app_env, user=USERS[role]).run(timeout=60)
    assert not at.exception
    denied = any("may not" in e.value for e in at.error)
    assert denied == (role not in ALLOWED[path])
    if denied:
        assert not at.dataframe and not at.metric


def test_overview_shows_gaps_risk_tables_and_exports(app_env):
    at = page("pages/compliance_overview.py", app_env, user=MANAGER).run()
    assert [m.label for m in at.metric] == ["Critical", "High", "Medium", "Low"]
    gaps = at.dataframe[0].value
    assert len(gaps) > 0 and set(gaps["severity"]) <= {"critical", "high", "medium"}
    assert list(gaps.columns[:4]) == ["severity", "starts", "days_until", "contract"]
    assert {b.label for b in at.get("download_button")} == {
        "Download CSV (all gaps)",
        "Download PDF report",
    }
    total = sum(int(m.value) for m in at.metric)
    at.number_input[0].set_value(0).run()  # only what is unmet today
    assert sum(int(m.value) for m in at.metric) <= total
    assert not at.exception


def test_requirement_editor_flags_unknown_names_and_refuses_bad_cover(app_env):
    at = page("pages/compliance_requirements.py", app_env, user=MANAGER).run()
    at.selectbox[1].set_value("insurance").run()
    at.text_input[0].input("Cyber")
    at.text_input[1].input("a lot")
    at.button[0].click().run()
    assert any("must be a number" in e.value for e in at.error)
    at.selectbox[1].set_value("credential").run()
    at.text_input[0].input("Forklift licence")
    at.button[0].click().run()
    assert any("unknown credential 'Forklift licence'" in w.value for w in at.warning)
    assert "Forklift licence" in set(at.dataframe[0].value["name"])


def test_credentials_page_warns_on_missing_expiry(app_env):
    at = page("pages/technician_credentials.py", app_env, user=ADMIN).run()
    assert [m.label for m in at.metric] == ["Expired", "Expiring", "No expiry recorded"]
    at.selectbox[0].select_index(1).run()
    at.text_input[0].input("First aid")
    at.button[0].click().run()
    assert any("no expiry date" in w.value for w in at.warning)
    assert not at.exception


def test_field_view_as_technician_records_an_out_of_scope_request(app_env):
    at = page("pages/field_view.py", app_env, user=TECH).run()
    text = "\n".join(m.value for m in at.markdown)
    assert "respond within" in text and 'href="tel:' in text
    at.text_area[0].input("replace the toner in the printer")
    at.button[0].click().run()
    assert any("Out of scope" in e.value for e in at.error)
    record = [b for b in at.button if b.label == "Record out-of-scope request"]
    record[0].click().run()
    assert any("Recorded: pending approval" in s.value for s in at.success)
    with session_scope(open_store(app_env)) as s:
        row = s.scalars(select(OutOfScopeRequest)).all()[-1]
        assert (row.description, row.status) == ("replace the toner in the printer", "pending")


def test_field_view_never_says_in_scope_for_empty_or_foreign_text(app_env):
    at = page("pages/field_view.py", app_env, user=TECH).run()
    for text in ["", "bitte den Drucker reparieren"]:
        at.text_area[0].input(text)
        at.button[0].click().run()
        assert not at.success
        assert any("Unclear" in w.value for w in at.warning)
