"""Portfolio overview: read-only figures for executives and managers."""

from datetime import date

import altair as alt
import streamlit as st

from analytics.portfolio import summarize
from db.loaders import contracts_frame
from ui.auth import guard
from ui.present import show_table
from ui.store import session

actor = guard("view_dashboards")
st.title("Portfolio overview")


@st.cache_data(ttl=300, show_spinner=False)
def _contracts():
    with session() as s:
        return contracts_frame(session=s)


summary = summarize(_contracts(), today=date.today())
c = st.columns(3)
c[0].metric("Active contracts", summary.active_contracts)
c[1].metric("Clients", summary.clients)
c[2].metric("Ending in 90 days", len(summary.ending_soon))
if summary.missing_value:
    st.warning(f"{summary.missing_value} active contracts have no value recorded.")
a, b = st.columns(2)
a.subheader("Contract value by currency")
show_table(summary.value_by_currency, hide_index=True, width="stretch", into=a)
b.subheader("Contracts by tier")
b.altair_chart(
    alt.Chart(summary.by_tier)
    .mark_bar()
    .encode(
        x=alt.X("tier:N", sort="-y", title="Tier", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("contracts:Q", title="Active contracts"),
        tooltip=[alt.Tooltip("tier", title="Tier"), alt.Tooltip("contracts", title="Contracts")],
    ),
    width="stretch",
)
st.subheader("Ending in the next 90 days")
show_table(summary.ending_soon)
