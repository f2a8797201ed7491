"""Tax rates per country or client (VAT, GST, sales tax, reverse charge, exempt).

The billing run adds the rate in force on each draft's date: the client's own, else its
country's; no rate, no tax line. A new rate never changes invoices already drafted.
"""

from datetime import date

import streamlit as st

from billing.tax import KINDS
from db.billing.receivables import client_options
from db.billing.tax import set_client_country, set_tax_rate, tax_rates
from safe.text import md_msg
from ui.auth import guard
from ui.present import show_table
from ui.store import session

actor = guard("work_billing")
st.title("Tax rates")
st.caption(
    "Each draft gets the rate in force on its date: the client's own rate, else the rate of "
    "the client's country. Drafted and issued invoices keep the rate they were made with."
)

if flash := st.session_state.pop("tax-flash", None):
    st.success(flash)
with session() as s:
    frame = tax_rates(session=s, actor=actor)
    clients = client_options(session=s, actor=actor)
if frame.empty:
    st.info("No tax rates yet: invoices carry no tax line until you add one below.")
else:
    show_table(frame.drop(columns=["id"]))


def _attempt(action, done: str) -> None:
    try:
        with session() as s:
            action(s)
    except ValueError as exc:
        st.error(f"{md_msg(exc)} Nothing was saved.")
        return
    st.session_state["tax-flash"] = done
    st.rerun()


st.subheader("Add a rate")
with st.form("tax-add"):
    c = st.columns(3)
    name = c[0].text_input("Name on the invoice", placeholder="VAT", key="tax-name")
    kind = c[1].selectbox("Kind", KINDS, format_func=lambda k: k.replace("_", " "), key="tax-kind")
    rate = c[2].number_input("Rate %", min_value=0.0, max_value=100.0, step=0.5, key="tax-rate")
    c = st.columns(3)
    scope = c[0].radio("For", ["A country", "One client"], horizontal=True, key="tax-scope")
    country = c[1].text_input("Country (ISO, e.g. GB)", key="tax-country")
    client = c[2].selectbox(
        "Client", list(clients), format_func=clients.get, index=None, key="tax-client"
    )
    c = st.columns(3)
    start = c[0].date_input("In force from", value=date.today(), key="tax-from")
    qb = c[1].text_input("QuickBooks tax code (optional)", key="tax-qb")
    xero = c[2].text_input("Xero tax type (optional)", key="tax-xero")
    if st.form_submit_button("Add rate", key="tax-save"):
        for_client = scope == "One client"
        _attempt(
            lambda s: set_tax_rate(
                session=s, actor=actor, name=name, kind=kind, rate=rate, effective_from=start,
                client_id=int(client) if for_client and client is not None else None,
                country=None if for_client else country,
                quickbooks_code=qb, xero_tax_type=xero,
            ),
            f"Tax rate {name or kind} {rate:g}% added from {start:%d %b %Y}.",
        )  # fmt: skip

st.subheader("A client's country")
with st.form("tax-country-form"):
    c = st.columns(2)
    who = c[0].selectbox("Client", list(clients), format_func=clients.get, index=None,
                         key="cc-client")  # fmt: skip
    code = c[1].text_input("Country (ISO; empty clears it)", key="cc-code")
    if st.form_submit_button("Save country", key="cc-save"):
        if who is None:
            st.error("Pick a client first. Nothing was saved.")
        else:
            _attempt(
                lambda s: set_client_country(session=s, actor=actor, client_id=int(who),
                                             country=code),
                f"{clients[who]}: country set to {code.strip().upper() or 'none'}.",
            )  # fmt: skip
