"""Getting started: the first-day checklist for an admin of a new company."""

import streamlit as st

from db.onboarding import first_day_steps
from ui.auth import guard
from ui.store import session

actor = guard("manage_users")
st.title("Getting started")
with session() as s:
    steps = first_day_steps(session=s, actor=actor)
done = sum(step.done for step in steps)
st.progress(done / len(steps), text=f"{done} of {len(steps)} steps done")
for step in steps:
    with st.container(border=True):
        mark = ":material/check_circle:" if step.done else ":material/radio_button_unchecked:"
        st.markdown(f"{mark} **{step.title}**")
        st.caption(step.detail)
        st.caption(f"Where: **{step.page}**")
