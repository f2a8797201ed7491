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
from ui.present import show_table
from ui.store import session

STAGE_ORDER = ["health_check", "proposal", "closing", "lapsed", "needs_data"]
STAGE_COLOURS = ["#90caf9", "#42a5f5", "#fb8c00", "#c62828", "#bdbdbd"]

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


def goal_line(value: float, label: str) -> alt.LayerChart:
    """A dashed target rule with its label, for a chart whose y axis is a share."""
    data = pd.DataFrame({"y": [value], "label": [f"{label} {value:.1%}"]})
    rule = alt.Chart(data).mark_rule(strokeDash=[4, 4], color="#555").encode(y="y:Q")
    text = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, dy=-6, color="#555")
        .encode(y="y:Q", x=alt.value(0), text="label:N")
    )
    return rule + text


def fmt(k) -> str:
    if k.value is None:
        return "—"
    if k.unit == "money":
        v = float(k.value)
        return f"{v / 1e6:,.2f}M {view.currency}" if abs(v) >= 1e6 else f"{v:,.0f} {view.currency}"
    if k.unit == "share":
        return f"{float(k.value):.1%}"
    if k.unit == "score":
        return f"{float(k.value):,.0f}" if k.name.startswith("Contracts") else f"{k.value:.2f}"
    return f"{int(k.value):,}"


def delta(k) -> str | None:
    if k.change is None:
        return None
    if k.unit == "share":
        return f"{k.change * 100:+.1f} pts"
    if k.unit == "money":
        return f"{k.change:+,.0f} {view.currency}"
    return f"{k.change:+,.0f}" if k.unit == "count" else f"{k.change:+,.2f}"


def goal(k) -> str:
    if isinstance(k.target, tuple):
        text = f"Target {k.target[0]:,.0f}–{k.target[1]:,.0f}"
    else:
        text = f"Target {k.target:.1%}" if k.unit == "share" else f"Target {k.target:,}"
    if k.status is None:
        return f"{text} · no figure yet"
    return f":{'green' if k.status == 'on target' else 'red'}[{text} · {k.status}]"


st.caption(f"Changes compare with the previous {days} days.")
cols = st.columns(4)
for i, k in enumerate(view.tiles):
    with cols[i % 4].container(border=True):
        change = delta(k)
        flat = change is not None and not any(ch in "123456789" for ch in change.split(" ")[0])
        st.metric(
            k.name,
            fmt(k),
            "no change" if flat else change,
            delta_color="off" if flat else "normal" if k.higher_is_better else "inverse",
            delta_arrow="off" if flat else "auto",
            help=DEFINITIONS.get(k.name.split(" (")[0]),
        )
        if k.target is not None:
            st.caption(goal(k))

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
            color=alt.Color(
                "stage:N",
                title="Stage",
                sort=STAGE_ORDER,
                scale=alt.Scale(domain=STAGE_ORDER, range=STAGE_COLOURS),
            ),
            tooltip=[
                alt.Tooltip("stage", title="Stage"),
                alt.Tooltip("count()", title="Contracts"),
                alt.Tooltip("sum(value)", title=f"Value ({view.currency})", format=",.0f"),
            ],
        ),
        width="stretch",
    )
    stage = st.selectbox("Contracts behind the pipeline", ["all", *sorted(pipe["stage"].unique())])
    shown = pipe if stage == "all" else pipe[pipe["stage"] == stage]
    show_table(shown.drop(columns=["id"]), currency=view.currency)

a, b = st.columns(2)
with a:
    st.subheader("Margin by tier")
    mt = view.margin_tier.dropna(subset=["margin"])
    bars = (
        alt.Chart(mt)
        .mark_bar()
        .encode(
            x=alt.X("tier:N", title="Tier", sort=list(TIERS), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("margin:Q", title="Margin", axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("tier", title="Tier"),
                alt.Tooltip("revenue", title=f"Revenue ({view.currency})", format=",.0f"),
                alt.Tooltip("cost", title=f"Cost ({view.currency})", format=",.0f"),
                alt.Tooltip("margin", title="Margin", format=".1%"),
            ],
        )
    )
    st.altair_chart(bars + goal_line(targets.margin, "Target"), width="stretch")
with b:
    st.subheader("SLA compliance trend")
    if view.sla_trend.empty:
        st.info("No decided SLA targets in this period.")
    else:
        low = min(float(view.sla_trend["rate"].min()), targets.sla_compliance)
        floor = max(0.0, (int(low * 20) - 1) / 20)  # a 5-point step below the lowest figure
        line = (
            alt.Chart(view.sla_trend)
            .mark_line(point=True)
            .encode(
                x=alt.X("month:O", title="Month tickets were created", axis=alt.Axis(labelAngle=0)),
                y=alt.Y(
                    "rate:Q",
                    title="Targets met",
                    scale=alt.Scale(domain=[floor, 1.0]),
                    axis=alt.Axis(format="%"),
                ),
                color=alt.Color("metric:N", title="Metric"),
                tooltip=[
                    alt.Tooltip("month", title="Month"),
                    alt.Tooltip("metric", title="Metric"),
                    alt.Tooltip("rate", title="Met", format=".1%"),
                ],
            )
        )
        st.altair_chart(line + goal_line(targets.sla_compliance, "Target"), width="stretch")

a, b = st.columns(2)
with a:
    st.subheader("Revenue per contract")
    rev = view.revenue[view.revenue["revenue"] > 0]
    st.altair_chart(
        alt.Chart(rev)
        .mark_bar()
        .encode(
            x=alt.X("revenue:Q", bin=alt.Bin(maxbins=30), title=f"Revenue ({view.currency})"),
            y=alt.Y("count():Q", title="Contracts"),
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
            color=alt.Color(
                "quadrant:N",
                title="Quadrant",
                scale=alt.Scale(
                    domain=["upgrade opportunity", "on plan", "churn risk"],
                    range=["#2e7d32", "#90a4ae", "#c62828"],
                ),
            ),
            tooltip=[
                alt.Tooltip("reference", title="Contract"),
                alt.Tooltip("client", title="Client"),
                alt.Tooltip("tier", title="Tier"),
                alt.Tooltip("utilisation", title="Utilisation", format=".0%"),
            ],
        ),
        width="stretch",
    )
    quadrant = st.selectbox("Contracts in", ["upgrade opportunity", "churn risk", "on plan"])
    show_table(util[util["quadrant"] == quadrant].drop(columns=["id"]))

a, b = st.columns([3, 2])
with a:
    st.subheader("Contracts at risk, and why")
    if view.at_risk.empty:
        st.success("No contract at risk.")
    else:
        show_table(view.at_risk, currency=view.currency)
with b:
    st.subheader("Revenue recovered by billing validation")
    if view.recovered.empty:
        st.info("No out-of-scope, overage or after-hours lines invoiced in this period.")
    else:
        show_table(view.recovered, currency=view.currency)

st.subheader("Underperforming contracts")
st.caption(DEFINITIONS["Underperforming contracts"])
if view.underperforming.empty:
    st.success("No contract is among the weakest tenth and under target.")
else:
    show_table(view.underperforming, currency=view.currency)
