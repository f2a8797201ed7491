"""Executive dashboard: the contract business at a glance (read-only; also via share link)."""

from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from access.roles import SHARE
from analytics.kpis import DEFINITIONS, Targets
from db.analytics_repo import executive_view
from db.models.contracts import TIERS
from ui.auth import guard
from ui.store import session

actor = guard("view_executive")
targets = Targets()
st.title("Executive dashboard")
if actor.role == SHARE:
    st.caption("Shared read-only view.")

today = date.today()
c1, c2, c3 = st.columns(3)
period = c1.selectbox("Period", ["Last 30 days", "Last 90 days", "Last 12 months"], index=1)
days = {"Last 30 days": 30, "Last 90 days": 90, "Last 12 months": 365}[period]
tiers = c2.multiselect("Tier", TIERS)
currency_box = c3.empty()
start, end = today - timedelta(days=days), today - timedelta(days=1)


@st.cache_data(ttl=600, show_spinner="Computing the figures…")
def _view(currency: str | None, start: date, end: date, today: date, tiers: tuple[str, ...]):
    with session() as s:
        return executive_view(
            session=s,
            actor=actor,
            currency=currency,
            start=start,
            end=end,
            today=today,
            tiers=tiers,
        )


first = _view(None, start, end, today, tuple(tiers))
currency = currency_box.selectbox("Currency", first.currencies or [first.currency])
view = first if currency == first.currency else _view(currency, start, end, today, tuple(tiers))

for note in view.missing:
    st.info(note)


def fmt(k) -> str:
    if k.value is None:
        return "—"
    if k.unit == "money":
        v = float(k.value)
        return f"{v / 1e6:,.2f}M {view.currency}" if abs(v) >= 1e6 else f"{v:,.0f} {view.currency}"
    if k.unit == "share":
        return f"{float(k.value):.1%}"
    if k.unit == "score":
        return f"{float(k.value):,.1f}" if k.name.startswith("Contracts") else f"{k.value:.2f}"
    return f"{int(k.value):,}"


def delta(k) -> str | None:
    if k.change is None:
        return None
    if k.unit == "share":
        return f"{k.change:+.1%}"
    return f"{k.change:+,.0f}" if k.unit == "count" else f"{k.change:+,.2f}"


cols = st.columns(4)
for i, k in enumerate(view.tiles):
    cols[i % 4].metric(k.name, fmt(k), delta(k), help=DEFINITIONS.get(k.name.split(" (")[0]))

st.subheader("Renewal pipeline")
if view.pipeline.empty:
    st.info("No contract is inside its 90-day renewal window.")
else:
    pipe = view.pipeline.assign(value=view.pipeline["value"].astype(float))
    st.altair_chart(
        alt.Chart(pipe)
        .mark_bar()
        .encode(
            x=alt.X(
                "month:O", title="Key date (end or notice deadline)", axis=alt.Axis(labelAngle=0)
            ),
            y=alt.Y("sum(value):Q", title=f"Value ({view.currency})"),
            color=alt.Color("stage:N"),
            tooltip=["stage", "count()", "sum(value)"],
        ),
        width="stretch",
    )
    stage = st.selectbox("Contracts behind the pipeline", ["all", *sorted(pipe["stage"].unique())])
    shown = pipe if stage == "all" else pipe[pipe["stage"] == stage]
    st.dataframe(shown.drop(columns=["id"]), hide_index=True, width="stretch")

a, b = st.columns(2)
with a:
    st.subheader("Margin by tier")
    mt = view.margin_tier.dropna(subset=["margin"])
    bars = (
        alt.Chart(mt)
        .mark_bar()
        .encode(
            x="tier:N",
            y=alt.Y("margin:Q", axis=alt.Axis(format="%")),
            tooltip=["tier", "revenue", "cost", alt.Tooltip("margin", format=".1%")],
        )
    )
    goal = (
        alt.Chart(pd.DataFrame({"y": [targets.margin]}))
        .mark_rule(strokeDash=[4, 4], color="firebrick")
        .encode(y="y:Q")
    )
    st.altair_chart(bars + goal, width="stretch")
with b:
    st.subheader("SLA compliance trend")
    if view.sla_trend.empty:
        st.info("No decided SLA targets in this period.")
    else:
        line = (
            alt.Chart(view.sla_trend)
            .mark_line(point=True)
            .encode(
                x="month:O",
                y=alt.Y("rate:Q", scale=alt.Scale(zero=False), axis=alt.Axis(format="%")),
                color="metric:N",
            )
        )
        goal = (
            alt.Chart(pd.DataFrame({"y": [targets.sla_compliance]}))
            .mark_rule(strokeDash=[4, 4], color="firebrick")
            .encode(y="y:Q")
        )
        st.altair_chart(line + goal, width="stretch")

a, b = st.columns(2)
with a:
    st.subheader("Revenue per contract")
    rev = view.revenue[view.revenue["revenue"] > 0]
    st.altair_chart(
        alt.Chart(rev)
        .mark_bar()
        .encode(
            x=alt.X("revenue:Q", bin=alt.Bin(maxbins=30), title=f"Revenue ({view.currency})"),
            y="count():Q",
        ),
        width="stretch",
    )
with b:
    st.subheader("Utilisation")
    util = view.utilisation.dropna(subset=["utilisation"])
    st.altair_chart(
        alt.Chart(util)
        .mark_circle(size=60)
        .encode(
            x=alt.X("contracted:Q", title="Contracted hours"),
            y=alt.Y("used:Q", title="Hours used"),
            color="quadrant:N",
            tooltip=["reference", "client", "tier", alt.Tooltip("utilisation", format=".0%")],
        ),
        width="stretch",
    )
    quadrant = st.selectbox("Contracts in", ["upgrade opportunity", "churn risk", "on plan"])
    st.dataframe(
        util[util["quadrant"] == quadrant].drop(columns=["id"]), hide_index=True, width="stretch"
    )

a, b = st.columns([3, 2])
with a:
    st.subheader("Contracts at risk, and why")
    if view.at_risk.empty:
        st.success("No contract at risk.")
    else:
        st.dataframe(view.at_risk, hide_index=True, width="stretch")
with b:
    st.subheader("Revenue recovered by billing validation")
    if view.recovered.empty:
        st.info("No out-of-scope, overage or after-hours lines invoiced in this period.")
    else:
        st.dataframe(view.recovered, hide_index=True, width="stretch")

st.subheader("Underperforming contracts")
if view.underperforming.empty:
    st.success("No contract below the margin floor or the SLA target.")
else:
    st.dataframe(view.underperforming, hide_index=True, width="stretch")
