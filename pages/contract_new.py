"""Create a contract (validated, audited)."""

import streamlit as st

from db.contracts_repo import create_contract, form_choices
from safe.text import md, md_msg
from ui.auth import guard
from ui.contract_form import contract_form
from ui.store import session

actor = guard("edit_contracts")
st.title("New contract")
with session() as s:
    choices = form_choices(session=s)
data = contract_form(choices, key="new-contract")
if data is not None:
    try:
        with session() as s:
            new = create_contract(session=s, actor=actor, data=data)
            new_id = new.id
        st.success(f"Contract {md(data.reference)} created.")
        st.switch_page("pages/contract_detail.py", query_params={"id": str(new_id)})
    except (ValueError, LookupError) as exc:
        st.error(md_msg(exc))
