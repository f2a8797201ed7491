"""Outbox: every queued email with its status, attempts and last error; a preview of each;
messages whose delivery is uncertain are released by a person, never resent blindly."""

import pandas as pd
import streamlit as st

from db.config import ConfigError
from db.outbox_views import (
    delivery_overview,
    job_issues_overview,
    message_preview,
    outbox_overview,
    release_message,
)
from db.renewals.common import NotFound
from notify.config import smtp_settings
from safe.text import md, md_msg
from ui.auth import guard, run_action
from ui.present import show_table
from ui.store import session
from ui.tables import downloads, paged

actor = guard("work_renewals")
st.title("Outbox")

STATUSES = ["pending", "sending", "sent", "failed", "dead", "uncertain"]

with session() as s:
    frame, counts = outbox_overview(session=s, actor=actor)
    issues = job_issues_overview(session=s, actor=actor)
    runs = delivery_overview(session=s, actor=actor)

m = st.columns(len(STATUSES))
for i, status in enumerate(STATUSES):
    m[i].metric(status, counts.get(status, 0))
try:
    smtp = smtp_settings()
    st.caption(f"Sending through {smtp.host}:{smtp.port} as {smtp.sender} (`cli.py jobs run`).")
except ConfigError as exc:
    st.warning(f"Nothing can be sent yet. {md_msg(exc)}")
stuck = frame[frame["status"].isin(["failed", "dead"])]
if len(stuck):
    last = stuck.iloc[0]
    st.error(
        f"{counts.get('failed', 0)} message(s) waiting for a retry and {counts.get('dead', 0)} "
        f"given up. Last error: {last['last error']}"
    )
if counts.get("uncertain"):
    st.warning(
        f"{counts['uncertain']} message(s) may or may not have gone out (a runner stopped "
        "mid-send). Check with the recipient, then release each one below."
    )

st.subheader("Deliveries")
if runs.empty:
    st.caption("No delivery has run yet: `cli.py jobs run` (cron) sends what is due.")
else:
    last = runs.iloc[0]
    oldest = last["oldest waiting (min)"]
    st.caption(
        f"Last delivery {last['at']:%Y-%m-%d %H:%M} UTC: {last['sent']} sent, "
        f"{last['to retry']} to retry, {last['given up']} given up, {last['waiting']} waiting"
        + ("" if pd.isna(oldest) else f" (oldest {oldest} min)")
        + f", {last['seconds']:.1f} s."
    )
    if last["waiting"]:
        st.warning(
            f"{last['waiting']} due message(s) were still waiting when the last delivery ended "
            "(its time budget was spent): run `cli.py jobs run` more often."
        )
    show_table(runs, hide_index=True, width="stretch", key="deliveries")

if len(issues):
    needs = issues[issues["kind"] == "needs_data"]
    failed = issues[issues["kind"] == "failed"]
    st.subheader(f"Needs data ({len(needs)})")
    st.caption(
        "Messages the scheduled jobs could not queue because a recipient is missing, and items "
        "that failed (the job went on with the others). Fix the data; the next run clears it."
    )
    if len(failed):
        st.error(f"{len(failed)} item(s) failed in the last job runs; see the reason below.")
    show_table(issues, hide_index=True, width="stretch", key="needs-data")

if frame.empty:
    st.info("The outbox is empty. Scheduled jobs queue messages here.")
    st.stop()

shown = st.multiselect("Status", STATUSES, default=[], key="status", placeholder="All statuses")
view = frame[frame["status"].isin(shown)] if shown else frame
show_table(paged(view, "outbox-page"), hide_index=True, width="stretch")
downloads(view, "outbox")

st.subheader("Preview")
labels = {
    int(r.id): f"#{r.id} · {r.status} · {r.recipient} · {r.subject}" for r in view.itertuples()
}
picked = st.selectbox("Message", list(labels), format_func=labels.get, index=None, key="message")
if picked is not None:
    try:
        with session() as s:
            msg = message_preview(session=s, actor=actor, notification_id=int(picked))
    except NotFound as exc:
        st.error(md_msg(exc))
        st.stop()
    st.markdown(f"**To:** {md(msg.recipient)}  \n**Rule:** {md(msg.rule)}")
    st.text(f"Subject: {msg.subject}")
    if msg.attachments:
        st.caption("Attachments: " + ", ".join(msg.attachments))
    text_tab, html_tab = st.tabs(["Text", "HTML"])
    text_tab.text(msg.text)
    with html_tab:
        if msg.html and msg.from_template:
            # Our Jinja2 templates autoescape every value, so this HTML holds no raw user data.
            st.html(msg.html)
        elif msg.html:
            st.code(msg.html, language="html")  # shown as text, never rendered
        else:
            st.info("This message has no HTML part.")
    if msg.status == "uncertain":
        st.warning("Delivery of this message is uncertain.")
        a, b = st.columns(2)
        choice = None
        if a.button("It arrived: mark sent", key="mark-sent"):
            choice = False
        if b.button("It did not arrive: send again", key="resend"):
            choice = True
        if choice is not None:
            try:
                with session() as s:
                    done = run_action(release_message, session=s, actor=actor,
                                      notification_id=msg.id, resend=choice)  # fmt: skip
                if done is not None:
                    st.rerun()
            except ValueError as exc:
                st.error(md_msg(exc))
