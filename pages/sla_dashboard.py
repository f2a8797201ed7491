"""SLA dashboard: compliance by client, service type, technician, tier, priority and period;
trend, response-time distribution and breach heat map; live at-risk board; entitlement per
ticket; exports and a per-client PDF for client reviews."""

from datetime import UTC, date, datetime, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from db.sla.dashboard import (
    DIMENSIONS,
    WEEKDAYS,
    DashboardFilters,
    at_risk_board,
    dashboard_frame,
    dashboard_views,
    ticket_table,
)
from db.sla.entitlements import entitlement_view, ticket_entitlements
from ui.auth import guard
from ui.present import show_table
from ui.sources import show_source_activity
from ui.store import session
from ui.tables import downloads, paged

actor = guard("work_sla")
st.title("SLA dashboard")
show_source_activity(datetime.now(UTC))

REFRESH_MIN = 5
LEFT = st.column_config.NumberColumn("minutes left", format="%d")


def _stamp() -> str:
    """The evaluation instant, in 5-minute steps: the key every cached result shares."""
    now = datetime.now(UTC)
    return now.replace(
        minute=now.minute - now.minute % REFRESH_MIN, second=0, microsecond=0
    ).isoformat()


@st.cache_resource(ttl=REFRESH_MIN * 60, max_entries=1, show_spinner="Evaluating every ticket…")
def _frame(stamp: str) -> pd.DataFrame:
    # Held once per process and never copied (cache_resource): only aggregates leave it.
    with session() as s:
        return dashboard_frame(session=s, actor=actor, now=datetime.fromisoformat(stamp))


@st.cache_data(ttl=REFRESH_MIN * 60, show_spinner=False)
def _options(stamp: str) -> dict[str, list[str]]:
    f = _frame(stamp)
    return {
        col: sorted(str(v) for v in f[col].dropna().unique())
        for col in ("client", "service_type", "technician", "tier", "priority")
    }


@st.cache_data(ttl=REFRESH_MIN * 60, max_entries=50, show_spinner=False)
def _views(stamp: str, flt: DashboardFilters):
    return dashboard_views(_frame(stamp), flt)


@st.cache_data(ttl=REFRESH_MIN * 60, max_entries=20, show_spinner=False)
def _tickets(stamp: str, flt: DashboardFilters) -> pd.DataFrame:
    return ticket_table(_frame(stamp), flt, limit=5000)


@st.cache_resource(ttl=REFRESH_MIN * 60, max_entries=1, show_spinner="Checking entitlement…")
def _entitlements(stamp: str) -> pd.DataFrame:
    # Every ticket's entitlement, computed once per refresh like the dashboard frame and held
    # the same way (cache_resource, never copied); each rerun only filters it.
    with session() as s:
        return ticket_entitlements(session=s, actor=actor)


def _entitlement(stamp: str, start: date, end: date, clients: tuple[str, ...]) -> pd.DataFrame:
    return entitlement_view(_entitlements(stamp), start=start, end=end, clients=clients)


def _report_pdf(who: str, start: date | None, end: date | None, stamp: str) -> bytes:
    # Imported on click: the PDF library costs every cold start of the page otherwise.
    from db.sla.reports import client_report_pdf

    now = datetime.fromisoformat(stamp)
    return client_report_pdf(_frame(stamp), client=who, start=start, end=end, now=now)


def _pct(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(rate=(df["rate"] * 100).round(1)).rename(columns={"rate": "rate %"})


stamp = _stamp()
options = _options(stamp)
today = datetime.now(UTC).date()
with st.expander("Filters", expanded=True):
    c = st.columns(3)
    clients = c[0].multiselect("Client", options["client"], key="f_client")
    services = c[1].multiselect("Service type", options["service_type"], key="f_service")
    techs = c[2].multiselect("Technician", options["technician"], key="f_tech")
    c = st.columns(4)
    tiers = c[0].multiselect("Tier", options["tier"], key="f_tier")
    prios = c[1].multiselect("Priority", options["priority"], key="f_prio")
    span = c[2].date_input("Created between", (today - timedelta(days=90), today), key="f_span")
    period = c[3].radio("Trend by", ["week", "month"], horizontal=True, key="f_period")
start, end = (span[0], span[1]) if isinstance(span, tuple) and len(span) == 2 else (None, None)
flt = DashboardFilters(
    clients=tuple(clients),
    service_types=tuple(services),
    technicians=tuple(techs),
    tiers=tuple(tiers),
    priorities=tuple(prios),
    start=start,
    end=end,
    period=period,
)
views = _views(stamp, flt)

totals = views.totals.set_index("metric")
m = st.columns(4)
m[0].metric("Tickets", f"{views.tickets:,}")
for col, metric in zip(m[1:3], ("response", "resolution"), strict=True):
    rate = totals["rate"].get(metric) if metric in totals.index else None
    col.metric(
        f"{metric.title()} compliance", "n/a" if rate is None or pd.isna(rate) else f"{rate:.1%}"
    )
breached = int(totals["breached"].sum()) if len(totals) else 0
m[3].metric("Breaches", f"{breached:,}")
st.caption(
    f"Evaluated at {stamp[:16].replace('T', ' ')} UTC; refreshed every {REFRESH_MIN} minutes."
)

tabs = st.tabs(
    [
        "Compliance",
        "Trend",
        "Response times",
        "Breach heat map",
        "At risk now",
        "Entitlement",
        "Tickets",
        "Client report",
    ]
)

with tabs[0]:
    dim = st.radio("Compliance by", list(DIMENSIONS), horizontal=True, key="dim")
    table = _pct(views.by[dim])
    column = DIMENSIONS[dim]
    decided = table.dropna(subset=["rate %"]).astype({column: str, "metric": str})
    # The 25 weakest by resolution rate: a chart of 120 clients would be unreadable.
    worst = (
        decided[decided["metric"] == "resolution"].nsmallest(25, "rate %")[column].tolist()
        or decided[column].unique()[:25].tolist()
    )
    chart_data = decided[decided[column].isin(worst)]
    st.caption(f"Lowest {len(worst)} by resolution compliance; the table lists all.")
    st.altair_chart(
        alt.Chart(chart_data)
        .mark_bar(clip=True)
        .encode(
            y=alt.Y(f"{column}:N", sort=worst, title=dim, axis=alt.Axis(labelLimit=220)),
            # From 0: a bar axis starting at 85% makes 90% look like half of 95%.
            x=alt.X(
                "rate %:Q", title="Tickets within target (%)", scale=alt.Scale(domain=[0, 100])
            ),
            color=alt.Color("metric:N", title="Target", sort=["response", "resolution"]),
            yOffset="metric:N",
            tooltip=[
                alt.Tooltip(f"{column}:N", title=dim),
                alt.Tooltip("metric:N", title="Target"),
                alt.Tooltip("met:Q", title="Met"),
                alt.Tooltip("breached:Q", title="Breached"),
                alt.Tooltip("at_risk:Q", title="At risk"),
                alt.Tooltip("rate %:Q", title="Within target (%)", format=".1f"),
            ],
        )
        .properties(height=max(120, 36 * len(worst))),
        width="stretch",
    )
    show_table(paged(table, "p_dim"))
    downloads(table, f"sla-compliance-by-{column}")

with tabs[1]:
    trend = _pct(views.trend).astype({"metric": str})
    st.altair_chart(
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=period),
            y=alt.Y(
                "rate %:Q",
                title="Tickets within target (%, axis zoomed, not from 0)",
                scale=alt.Scale(zero=False),
            ),
            color=alt.Color("metric:N", title="Target", sort=["response", "resolution"]),
            tooltip=[
                alt.Tooltip("period:T", title=period, format="%-d %b %Y"),
                alt.Tooltip("metric:N", title="Target"),
                alt.Tooltip("met:Q", title="Met"),
                alt.Tooltip("breached:Q", title="Breached"),
                alt.Tooltip("rate %:Q", title="Within target (%)", format=".1f"),
            ],
        ),
        width="stretch",
    )
    show_table(paged(trend, "p_trend"))
    downloads(trend, "sla-trend")

with tabs[2]:
    hist = views.response_hist.astype({"bucket": str})
    st.caption("First response time in covered minutes (tickets with a response).")
    st.altair_chart(
        alt.Chart(hist)
        .mark_bar()
        .encode(
            x=alt.X("bucket:N", sort=alt.EncodingSortField("order"), title="First response time"),
            y=alt.Y("tickets:Q", title="Tickets"),
            tooltip=[
                alt.Tooltip("bucket:N", title="Response time"),
                alt.Tooltip("tickets:Q", title="Tickets"),
            ],
        ),
        width="stretch",
    )
    downloads(hist[["bucket", "tickets"]], "sla-response-times")

with tabs[3]:
    heat = views.heatmap
    st.caption("Breaches by the weekday and hour their target fell due, in the contract's zone.")
    st.altair_chart(
        alt.Chart(heat)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="Hour the target fell due", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("weekday:N", sort=WEEKDAYS, title="Weekday"),
            color=alt.Color("breaches:Q", title="Breaches", scale=alt.Scale(scheme="orangered")),
            tooltip=[
                alt.Tooltip("weekday:N", title="Weekday"),
                alt.Tooltip("hour:O", title="Hour"),
                alt.Tooltip("breaches:Q", title="Breaches"),
            ],
        ),
        width="stretch",
    )
    downloads(heat[["weekday", "hour", "breaches"]], "sla-breach-heatmap")

with tabs[4]:

    @st.fragment(run_every="60s")
    def _board() -> None:
        now = datetime.now(UTC)
        with session() as s:
            board = at_risk_board(session=s, actor=actor, now=now)
        if clients:
            board = board[board["client"].isin(clients)]
        show_source_activity(now)
        counts = board.groupby("state").size()
        k = st.columns(3)
        for col, state in zip(k, ("breached", "at_risk", "paused"), strict=True):
            col.metric(state.replace("_", " ").title(), int(counts.get(state, 0)))
        st.caption(f"Open tickets, most urgent first. Updated {now:%H:%M:%S} UTC, every 60 s.")
        show_table(
            paged(board.drop(columns="ticket_id"), "p_board"),
            hide_index=True,
            width="stretch",
            column_config={"minutes_left": LEFT},
        )
        downloads(board, "sla-at-risk")

    _board()

with tabs[5]:
    e_start, e_end = start or today - timedelta(days=30), end or today
    ent = _entitlement(stamp, e_start, e_end, tuple(clients))
    st.caption(f"{len(ent):,} tickets created {e_start:%d %b %Y} – {e_end:%d %b %Y}, newest first.")
    outcomes = st.multiselect(
        "Outcome",
        ["covered", "covered_after_hours", "out_of_scope", "no_contract"],
        key="ent_outcome",
    )
    shown = ent[ent["entitlement"].isin(outcomes)] if outcomes else ent
    counts = (
        ent["entitlement"].value_counts().rename_axis("entitlement").reset_index(name="tickets")
    )
    st.altair_chart(
        alt.Chart(counts.assign(outcome=counts["entitlement"].str.replace("_", " ")))
        .mark_bar()
        .encode(
            x=alt.X("tickets:Q", title="Tickets"),
            y=alt.Y("outcome:N", sort="-x", title="Entitlement"),
            # Red only where money or cover is at stake: out of scope, no contract.
            color=alt.Color(
                "outcome:N",
                title="Entitlement",
                legend=None,
                scale=alt.Scale(
                    domain=["covered", "covered after hours", "out of scope", "no contract"],
                    range=["#16a34a", "#f59e0b", "#dc2626", "#dc2626"],
                ),
            ),
            tooltip=[
                alt.Tooltip("outcome:N", title="Entitlement"),
                alt.Tooltip("tickets:Q", title="Tickets"),
            ],
        ),
        width="stretch",
    )
    show_table(paged(shown.drop(columns="ticket_id"), "p_ent"))
    downloads(shown, "sla-entitlement")

with tabs[6]:
    tickets = _tickets(stamp, flt)
    st.caption("Newest 5,000 tickets matching the filters, both SLA metrics side by side.")
    show_table(paged(tickets, "p_tickets"))
    downloads(tickets, "sla-tickets")

with tabs[7]:
    who = st.selectbox(
        "Client", options["client"], index=None, placeholder="Pick a client", key="rep_client"
    )
    if who:
        st.download_button(
            "Download SLA report (PDF)",
            lambda: _report_pdf(who, start, end, stamp),
            file_name=f"sla-report-{who.lower().replace(' ', '-')}.pdf",
            mime="application/pdf",
            on_click="ignore",
            key="rep_pdf",
        )
