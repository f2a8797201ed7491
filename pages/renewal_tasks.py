"""Renewal tasks: the logged-in user's (admins may see everyone's), overdue first in red;
mark done or snooze (both audited)."""

from datetime import UTC, datetime, timedelta

import streamlit as st

from db.renewals.common import NotFound
from db.renewals.tasks import complete_task, snooze_task, task_list
from safe.text import md_msg
from ui.auth import guard, run_action
from ui.present import show_table
from ui.store import session
from ui.tables import downloads

actor = guard("work_renewals")
st.title("My tasks")

today = datetime.now(UTC).date()
c = st.columns(2)
everyone = actor.role == "admin" and c[0].toggle("Everyone's tasks", key="everyone")
include_done = c[1].toggle("Show done", key="done")
with session() as s:
    tasks = task_list(
        session=s, actor=actor, everyone=everyone, include_done=include_done, today=today
    )

overdue = int(tasks["overdue"].sum())
m = st.columns(3)
m[0].metric("Open", int((tasks["status"] != "done").sum()))
m[1].metric("Overdue", overdue)
week = (tasks["due"] <= today + timedelta(days=7)) & ~tasks["overdue"]
m[2].metric("Due within 7 days", int((week & (tasks["status"] != "done")).sum()))
if overdue:
    st.error(f"{overdue} task(s) overdue.")
if tasks.empty:
    st.info("Nothing to do. Tasks appear when contracts reach 90, 60 and 30 days.")
    st.stop()


def _highlight(row):
    return ["background-color: #fde2e1" if row["overdue"] else ""] * len(row)


shown = tasks.drop(columns=["contract_id", "assignee_id", "due_date"])
show_table(
    shown.style.apply(_highlight, axis=1),
    hide_index=True,
    width="stretch",
    column_config={"id": None},
)
downloads(shown, "renewal-tasks")

open_tasks = tasks[tasks["status"] != "done"]
if not open_tasks.empty:
    st.subheader("Update a task")
    labels = {
        int(r.id): f"{r.due} · {r.title}" + (" (overdue)" if r.overdue else "")
        for r in open_tasks.itertuples()
    }
    picked = st.selectbox("Task", list(labels), format_func=labels.get, key="task")
    a, b, d = st.columns([1, 1, 1])
    days = b.number_input("Snooze by (days)", min_value=1, max_value=90, value=7, key="days")
    try:
        if a.button("Mark done", type="primary"):
            with session() as s:
                done = run_action(complete_task, session=s, actor=actor, task_id=int(picked),
                                  now=datetime.now(UTC))  # fmt: skip
            if done is not None:
                st.rerun()
        if d.button("Snooze"):
            with session() as s:
                done = run_action(snooze_task, session=s, actor=actor, task_id=int(picked),
                                  days=int(days), today=today)  # fmt: skip
            if done is not None:
                st.rerun()
    except (ValueError, NotFound) as exc:
        st.error(md_msg(exc))
