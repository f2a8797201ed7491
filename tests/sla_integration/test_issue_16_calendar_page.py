"""Issue 16 item 5 on the page: create, refuse overlaps / bad zones, change, see versions."""

from __future__ import annotations

import pytest

from tests.pages.conftest import (
    ADMIN,
    EXEC,
    MANAGER,
    demo_url,  # noqa: F401 - fixture
    page,
    private_copy,
    serving,
)

PATH = "pages/calendars.py"


@pytest.fixture
def cal_env(demo_url, tmp_path, monkeypatch):  # noqa: F811
    with serving(private_copy(demo_url, tmp_path), monkeypatch) as url:
        yield url


def test_create_refuses_overlaps_and_unknown_zones_then_changes_are_versioned(cal_env):
    at = page(PATH, cal_env, user=MANAGER).run()
    assert not at.exception and at.title[0].value == "Coverage calendars"
    seeded = len(at.dataframe[0].value)
    at.text_input(key="cal-name").input("Night desk")
    at.text_input(key="cal-hours").input("Mon-Fri 08:00-18:00, 17:00-22:00")
    at.button(key="cal-create").click().run()
    assert any("Overlapping windows on Mon" in e.value for e in at.error)
    at.text_input(key="cal-hours").input("Mon-Fri 08:00-12:00, 13:00-22:00")
    at.text_input(key="cal-zone").input("Europe/Londn")
    at.button(key="cal-create").click().run()
    assert any("Unknown time zone 'Europe/Londn'" in e.value for e in at.error)
    assert len(at.dataframe[0].value) == seeded  # nothing written
    at.text_input(key="cal-zone").input("Europe/Dublin")
    at.text_input(key="cal-country").input("IE")
    at.button(key="cal-create").click().run()
    assert not at.exception and not at.error
    listed = at.dataframe[0].value
    assert len(listed) == seeded + 1
    new_id = int(listed[listed["name"] == "Night desk"]["id"].iloc[0])
    at.selectbox(key="cal-pick").set_value(new_id)
    at.number_input(key="cal-year").set_value(2044).run()
    holidays = at.tabs[0].dataframe[0].value
    assert "Saint Patrick's Day" in set(holidays["name"])  # a year no seed ever stored
    at.text_input(key="chg-hours").input("Mon-Fri 07:00-22:00")
    at.button(key="chg-save").click().run()
    assert not at.exception and not at.error
    versions = at.tabs[1].dataframe[0].value
    assert list(versions["hours"]) == ["Mon-Fri 08:00-12:00, 13:00-22:00", "Mon-Fri 07:00-22:00"]


@pytest.mark.parametrize("user", [EXEC], ids=["executive"])
def test_roles_without_sla_work_are_refused(cal_env, user):
    at = page(PATH, cal_env, user=user).run()
    assert any("may not work sla" in e.value for e in at.error)
    assert len(at.dataframe) == 0


def test_admin_sees_the_seeded_calendars(cal_env):
    at = page(PATH, cal_env, user=ADMIN).run()
    assert not at.exception and len(at.dataframe[0].value) > 0
