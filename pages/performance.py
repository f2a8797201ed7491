"""Performance analytics (managers): volumes, resolution times and CSAT, with suggestions."""

from datetime import UTC, date, datetime, time, timedelta

import altair as alt
import streamlit as st

from analytics.performance import DIMENSIONS, breakdown, suggestions, weekly_volume
from db.performance_repo import contract_figures, performance_tickets
from ui.auth import guard
from ui.present import show_table
from ui.store import session
from ui.tables import downloads

actor = guard("work_sla")
st.title("Performance analytics")
today = date.today()
days = st.selectbox("Period", [30, 90, 180], index=1, format_func=lambda d: f"Last {d} days")
start, end = today - timedelta(days=days), today - timedelta(days=1)


@st.cache_data(ttl=600, show_spinner="Loading tickets…")
def _data(start: date, end: date, today: date):
    now = datetime.combine(today, time(12), UTC)
    with session() as s:
        tickets = performance_tickets(session=s, actor=actor, start=start, end=end, now=now)
        figures = contract_figures(session=s, actor=actor, currency=None, start=start, end=end)
    return tickets, figures


tickets, figures = _data(start, end, today)
if tickets.empty:
    st.info("No tickets in this period.")
    st.stop()
c = st.columns(3)
c[0].metric("Tickets", f"{len(tickets):,}")
c[1].metric("Median resolution (business h)", f"{tickets['resolution_min'].median() / 60:.1f}")
c[2].metric("CSAT", f"{tickets['csat'].mean():.2f}" if tickets["csat"].notna().any() else "—")

st.altair_chart(
    alt.Chart(weekly_volume(tickets))
    .mark_area()
    .encode(
        x=alt.X("week:T", title="Week tickets were created"),
        y=alt.Y("tickets:Q", title="Tickets"),
        color=alt.Color("service_type:N", title="Service type"),
        tooltip=[
            alt.Tooltip("week:T", title="Week of", format="%-d %b %Y"),
            alt.Tooltip("service_type:N", title="Service type"),
            alt.Tooltip("tickets:Q", title="Tickets"),
        ],
    ),
    width="stretch",
)
by = st.radio("Break down by", list(DIMENSIONS), horizontal=True)
table = breakdown(tickets, by)
show_table(
    table,
    hide_index=True,
    width="stretch",
    column_config={"resolved": st.column_config.NumberColumn(format="percent")},
)
downloads(table, f"performance-by-{by.replace(' ', '-')}")

st.subheader("Contract optimisation suggestions")
st.caption(
    f"Contracts in {figures.currency}; rules and thresholds are listed in analytics/performance.py."
)
sugg = suggestions(figures.utilisation, figures.margins, breakdown(tickets, "service type"))
if sugg.empty:
    st.success("Nothing to suggest for this period.")
else:
    show_table(sugg)
    downloads(sugg, "suggestions")
