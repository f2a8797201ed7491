"""Admin: API tokens (create — shown once —, see last use, revoke) and the unmatched queue."""

from datetime import UTC, datetime

import streamlit as st

from db.api_tokens import SCOPES, create_token, list_tokens, revoke_token
from db.inbound_views import unmatched_queue
from safe.text import md_msg
from ui.auth import guard
from ui.present import show_table
from ui.revoke import revoke_picker
from ui.store import session

actor = guard("manage_users")
st.title("API tokens")
st.caption(
    "Tokens let a help desk push ticket events and ask entitlement questions "
    "(see docs/api.md). Only a fingerprint is stored: copy a new token now."
)
now = datetime.now(UTC)
with st.form("new-token"):
    name = st.text_input("Who or what uses it?", placeholder="Zendesk webhook")
    scopes = st.multiselect("Scopes", list(SCOPES), default=["tickets:write", "tickets:read"])
    days = st.number_input("Valid for (days)", min_value=1, max_value=730, value=365)
    rate = st.number_input("Requests a minute", min_value=1, max_value=100_000, value=6000)
    if st.form_submit_button("Create token"):
        try:
            with session() as s:
                token = create_token(
                    session=s,
                    actor=actor,
                    name=name,
                    scopes=scopes,
                    days=int(days),
                    now=now,
                    rate_per_minute=int(rate),
                )
            st.success("Token created. Copy it now; it is not shown again.")
            st.code(token, language=None)
        except ValueError as exc:
            st.error(md_msg(exc))

with session() as s:
    tokens = list_tokens(session=s, actor=actor, now=now)
pick, revoking = revoke_picker(tokens, "Token", "name")
if revoking:
    with session() as s:
        revoke_token(session=s, actor=actor, token_id=pick, now=now)
    st.rerun()

st.subheader("Unmatched events")
st.caption(
    "Events whose client is not known yet: kept, never dropped. Add the client, then "
    "the jobs worker applies them."
)
with session() as s:
    show_table(unmatched_queue(session=s), hide_index=True, width="stretch")
