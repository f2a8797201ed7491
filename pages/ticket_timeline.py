"""Ticket timeline: when a ticket's SLA clock ran, paused, was outside coverage or stopped."""

from datetime import UTC, datetime

import altair as alt
import streamlit as st

from db.sla.tickets_search import find_tickets
from db.sla.timeline import ticket_timeline
from safe.text import md
from ui.auth import guard
from ui.present import show_table
from ui.store import session
from ui.tables import downloads

actor = guard("work_sla")
OUTCOME_COLS = [
    "metric",
    "state",
    "elapsed_min",
    "target_min",
    "due_at",
    "stopped_at",
    "minutes_left",
]
st.title("Ticket timeline")

text = st.text_input(
    "Search by external ticket id",
    value=st.query_params.get("ticket", ""),
    placeholder="e.g. D-0001234 or INC0012",
)
if not text.strip():
    st.info("Type part of a ticket id to find it.")
    st.stop()
with session() as s:
    found = find_tickets(session=s, actor=actor, text=text)
if found.empty:
    st.warning(f"No ticket id contains “{md(text.strip())}”.")
    st.stop()
labels = {
    int(
        r.id
    ): f"{r.external_id} · {r.client or 'no client'} · {r.priority} · {r.status} ({r.source})"
    for r in found.itertuples()
}
ticket_id = st.selectbox("Ticket", list(labels), format_func=labels.get)
now = datetime.now(UTC)
with session() as s:
    tl = ticket_timeline(session=s, actor=actor, ticket_id=ticket_id, now=now)

t = tl.ticket
st.subheader(f"{md(t['external_id'])} — {md(t['client']) or 'no client'}")
c = st.columns(4)
c[0].metric("Priority", t["priority"])
c[1].metric("Service type", t["service_type"])
c[2].metric("Status", t["status"])
c[3].metric("Contract", t["contract_id"] or "none")
st.caption(f"Coverage: {md(tl.calendar)}")
if len(tl.outcomes):
    show_table(tl.outcomes[OUTCOME_COLS])
if tl.segments.empty:
    st.info("No SLA clock for this ticket.")
    st.stop()
seg = tl.segments
colors = alt.Scale(
    domain=["running", "paused", "outside-coverage", "stopped"],
    range=["#16a34a", "#f59e0b", "#9ca3af", "#1f2937"],
)
shown = seg[seg["end"].notna()] if seg["end"].notna().any() else seg
st.altair_chart(
    alt.Chart(shown.assign(ticket=t["external_id"]))
    .mark_bar(height=28)
    .encode(
        x=alt.X("start:T", title="Time (UTC)"),
        x2="end:T",
        y=alt.Y("ticket:N", title=None),
        color=alt.Color("kind:N", scale=colors, legend=alt.Legend(orient="top", title=None)),
        tooltip=[
            alt.Tooltip("kind:N", title="Clock"),
            alt.Tooltip("reason:N", title="Reason"),
            alt.Tooltip("start:T", title="From", format="%-d %b %Y %H:%M"),
            alt.Tooltip("end:T", title="To", format="%-d %b %Y %H:%M"),
            alt.Tooltip("minutes:Q", title="Minutes"),
        ],
    )
    .properties(height=140),
    width="stretch",
)
show_table(seg)
downloads(seg, f"timeline-{t['external_id']}")
