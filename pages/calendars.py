"""Coverage calendars: weekly hours, zone, public holidays and own dates, versioned."""

from datetime import date

import streamlit as st

from db.calendars import calendar_detail, calendars_frame, change_calendar, create_calendar
from safe.text import md_msg
from ui.auth import guard
from ui.present import show_table
from ui.store import session

actor = guard("work_sla")
st.title("Coverage calendars")
st.caption(
    "A change applies to tickets created from now on: earlier tickets keep the calendar "
    "version they were created under, so past SLA results do not move."
)

with session() as s:
    frame = calendars_frame(session=s, actor=actor)
show_table(frame, hide_index=True, width="stretch")


def _attempt(action, done: str) -> None:
    try:
        with session() as s:
            action(s)
        st.success(done)
        st.rerun()
    except ValueError as exc:
        st.error(md_msg(exc))


with st.expander("New calendar"), st.form("cal-new"):
    n = st.columns(2)
    name = n[0].text_input("Name", key="cal-name")
    hours = n[1].text_input("Weekly hours", placeholder="Mon-Fri 08:00-12:00, 13:00-18:00",
                            key="cal-hours")  # fmt: skip
    n = st.columns(3)
    zone = n[0].text_input("Time zone (IANA)", value="Europe/London", key="cal-zone")
    country = n[1].text_input("Holidays of country (ISO)", key="cal-country")
    sub = n[2].text_input("Subdivision", key="cal-sub")
    if st.form_submit_button("Create calendar", key="cal-create"):
        _attempt(
            lambda s: create_calendar(session=s, actor=actor, name=name, spec=hours,
                                      timezone=zone, country=country, subdivision=sub),
            f"Calendar {name!r} created.",
        )  # fmt: skip

if frame.empty:
    st.info("No calendar yet: create one above.")
    st.stop()
ids = frame["id"].tolist()
names = dict(zip(frame["id"], frame["name"], strict=True))
c1, c2 = st.columns(2)
picked = c1.selectbox("Calendar", ids, format_func=names.get, key="cal-pick")
year = c2.number_input("Holidays of year", 1990, 2100, date.today().year, key="cal-year")
with session() as s:
    d = calendar_detail(session=s, actor=actor, calendar_id=int(picked), year=int(year))
st.subheader(d["name"])
st.write(d["describe"])
t1, t2 = st.tabs(["Holidays", "Versions"])
show_table(d["holidays"], hide_index=True, width="stretch", into=t1)
show_table(d["versions"], hide_index=True, width="stretch", into=t2)

with st.form("cal-change"):
    st.markdown("**Change** (a new version, valid from now)")
    ch = st.columns(2)
    new_hours = ch[0].text_input("Weekly hours", value=d["spec"], key="chg-hours")
    new_zone = ch[1].text_input("Time zone", value=d["timezone"], key="chg-zone")
    ch = st.columns(3)
    new_country = ch[0].text_input("Country", value=d["country"] or "", key="chg-country")
    new_sub = ch[1].text_input("Subdivision", value=d["subdivision"] or "", key="chg-sub")
    closure = ch[2].date_input("Add an own date (closure)", value=None, key="chg-day")
    closure_name = st.text_input("Its name", value="Office closed", key="chg-day-name")
    if st.form_submit_button("Save change", key="chg-save"):
        region_changed = (new_country.strip().upper() or None, new_sub.strip().upper() or None) != (
            d["country"],
            d["subdivision"],
        )
        _attempt(
            lambda s: change_calendar(
                session=s, actor=actor, calendar_id=int(picked), spec=new_hours,
                timezone=new_zone,
                country=new_country if region_changed and new_country.strip() else None,
                subdivision=new_sub if region_changed and new_country.strip() else None,
                clear_region=region_changed and not new_country.strip(),
                add_holidays={closure: closure_name} if closure else None,
            ),
            "Calendar changed: a new version is in force from now.",
        )  # fmt: skip
