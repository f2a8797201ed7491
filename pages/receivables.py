"""Receivables: what clients owe at a date, by ageing bucket, and what is overdue."""

from datetime import date

import altair as alt
import streamlit as st

from db.billing.receivables import BUCKETS, Receivables, receivables
from ui.auth import guard
from ui.present import show_table
from ui.store import session
from ui.tables import downloads, paged, to_csv

actor = guard("work_billing")
st.title("Receivables")


@st.cache_data(ttl=300, show_spinner=False)
def _receivables(as_of: date, _actor, version: int) -> Receivables:
    with session() as s:
        return receivables(session=s, actor=_actor, as_of=as_of)


as_of = st.date_input("As of", value=date.today(), key="recv-date")
r = _receivables(as_of, actor, st.session_state.get("billing-version", 0))

if r.totals.empty:
    st.info("Nothing outstanding at this date.")
else:
    cols = st.columns(len(r.totals))
    for col, row in zip(cols, r.totals.itertuples(index=False), strict=True):
        col.metric(f"Outstanding {row.currency}", f"{row.total:,.2f}")
    long = r.totals.melt(id_vars="currency", value_vars=list(BUCKETS))
    long["value"] = long["value"].map(float)
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("variable:N", sort=list(BUCKETS), title="Days past due"),
            y=alt.Y("value:Q", title="Outstanding (each bar in its own currency)"),
            color=alt.Color("currency:N", title="Currency"),
            xOffset="currency:N",
            tooltip=[
                alt.Tooltip("currency:N", title="Currency"),
                alt.Tooltip("variable:N", title="Days past due"),
                alt.Tooltip("value:Q", title="Outstanding", format=",.2f"),
            ],
        )
        .properties(height=240)
    )
    st.altair_chart(chart, width="stretch")

tabs = st.tabs(["Ageing by client", "Overdue invoices", "All balances"])
with tabs[0]:
    show_table(paged(r.ageing.drop(columns=["client_id"]), "age-page"), hide_index=True)
    downloads(r.ageing, f"ageing-{as_of}")
with tabs[1]:
    overdue = r.overdue.drop(columns=["client_id", "contract_id"])
    ev = show_table(
        paged(overdue, "overdue-page"),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="overdue-table",
    )
    downloads(overdue, f"overdue-{as_of}")
    if ev and ev.selection.rows:
        chosen = overdue.iloc[ev.selection.rows[0]]
        st.page_link(
            "pages/invoice_detail.py",
            label=f"Open {chosen['invoice_no']}",
            query_params={"id": str(int(chosen["invoice_id"]))},
        )
with tabs[2]:
    shown = r.balances.drop(columns=["client_id", "contract_id"])
    show_table(paged(shown, "bal-page"), hide_index=True, width="stretch")
    st.download_button(
        "Download CSV",
        lambda: to_csv(shown),
        file_name=f"balances-{as_of}.csv",
        mime="text/csv",
        on_click="ignore",
    )
