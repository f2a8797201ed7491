"""One client's billing history: invoices and their status, payments, balance, punctuality."""

from datetime import date

import streamlit as st

from db.billing.receivables import client_billing, client_options
from ui.auth import guard
from ui.present import show_table
from ui.store import session
from ui.tables import downloads, paged

actor = guard("work_billing")
st.title("Client billing")

with session() as s:
    options = client_options(session=s, actor=actor)
raw = st.query_params.get("client")
current = int(raw) if raw and raw.isdigit() and int(raw) in options else None
picked = st.selectbox(
    "Client",
    list(options),
    format_func=options.get,
    index=list(options).index(current) if current else None,
    placeholder="Choose a client",
)
if picked is None:
    st.info("Choose a client to see its invoices, payments and balance.")
    st.stop()
if picked != current:
    st.query_params["client"] = str(picked)

as_of = st.date_input("As of", value=date.today(), key="client-billing-date")
with session() as s:
    cb = client_billing(session=s, actor=actor, client_id=picked, as_of=as_of)

st.header(cb.client)
m = st.columns(4)
owed = ", ".join(f"{r.balance:,.2f} {r.currency}" for r in cb.balance.itertuples()) or "nothing"
m[0].metric("Owes", owed)
m[1].metric("Invoices", len(cb.invoices))
share = cb.punctuality["on_time_share"].iloc[0] if len(cb.punctuality) else float("nan")
m[2].metric("Paid on time", "—" if share != share else f"{share:.0%}")
last = cb.accuracy["accuracy"].iloc[0] if len(cb.accuracy) else float("nan")
m[3].metric(
    "Billing accuracy (last run)",
    "—" if last != last else f"{last:.1%}",
    help="Share of this client's time entries that passed validation in the latest run.",
)

st.subheader("Invoices")
shown = cb.invoices.drop(columns=["client_id", "contract_id"])
page = paged(shown, "client-inv-page")
ev = show_table(
    page,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="client-invoices",
)
downloads(shown, f"billing-history-{picked}")
if ev and ev.selection.rows:
    chosen = page.iloc[ev.selection.rows[0]]
    st.page_link(
        "pages/invoice_detail.py",
        label=f"Open {chosen['invoice_no']}",
        query_params={"id": str(int(chosen["invoice_id"]))},
    )
st.subheader("Payments")
show_table(paged(cb.payments, "client-pay-page"), hide_index=True, width="stretch")
st.subheader("Billing accuracy by run")
if cb.accuracy.empty:
    st.info("No billing run has checked this client's time entries yet.")
else:
    show_table(
        cb.accuracy,
        hide_index=True,
        width="stretch",
        column_config={"accuracy": st.column_config.ProgressColumn(min_value=0, max_value=1)},
    )
