"""Clients: search, create (duplicates refused), and one client's contracts, sites, contacts."""

import streamlit as st

from db.clients_repo import DuplicateClient, client_overview, create_client, list_clients
from db.contract_search import ContractFilter, search_contracts
from safe.text import md, md_msg
from ui.auth import guard
from ui.present import show_table
from ui.store import session
from ui.tables import downloads

actor = guard("view_contracts")
st.title("Clients")

text = st.text_input("Search clients", key="client-q")
with session() as s:
    df = list_clients(session=s, actor=actor, text=text)
event = show_table(
    df.drop(columns=["id"]),
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="clients-table",
)
downloads(df, "clients")

if actor.can("edit_contracts"):
    with st.expander("New client"), st.form("new-client"):
        name = st.text_input("Name")
        industry = st.text_input("Industry")
        if st.form_submit_button("Create client"):
            try:
                with session() as s:
                    create_client(session=s, actor=actor, name=name, industry=industry or None)
                st.success(f"Client {md(name)} created.")
                st.rerun()
            except (DuplicateClient, ValueError) as exc:
                st.error(md_msg(exc))

rows = event.selection.rows if event else []
if rows:
    client_id = int(df.iloc[rows[0]]["id"])
    with session() as s:
        ov = client_overview(session=s, actor=actor, client_id=client_id)
        contracts = search_contracts(
            session=s, actor=actor, flt=ContractFilter(client_id=client_id)
        )
    st.header(ov["client"].name)
    st.subheader("Contracts")
    ev = show_table(
        contracts.drop(columns=["id", "version"]),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="client-contracts",
    )
    if ev and ev.selection.rows:
        st.switch_page(
            "pages/contract_detail.py",
            query_params={"id": str(int(contracts.iloc[ev.selection.rows[0]]["id"]))},
        )
    a, b = st.columns(2)
    a.subheader("Sites")
    show_table(ov["sites"], hide_index=True, width="stretch", into=a)
    b.subheader("Contacts")
    show_table(ov["contacts"], hide_index=True, width="stretch", into=b)
