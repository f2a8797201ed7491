"""Admin: read-only links to the executive dashboard (create, see uses, revoke)."""

from datetime import UTC, datetime

import streamlit as st

from db.share_links import create_link, list_links, revoke, uses
from safe.text import md_msg
from ui.auth import guard
from ui.present import show_table
from ui.revoke import revoke_picker
from ui.store import session

actor = guard("manage_share_links")
st.title("Share links")
st.caption(
    "A share link opens the executive dashboard read-only, with no access to any "
    "other page. Only a fingerprint of the link is stored: copy it now."
)
now = datetime.now(UTC)
with st.form("new-link"):
    label = st.text_input("Who is it for?", placeholder="Board pack, Q4")
    days = st.number_input("Valid for (days)", min_value=1, max_value=365, value=30)
    if st.form_submit_button("Create link"):
        try:
            with session() as s:
                token = create_link(session=s, actor=actor, label=label, days=int(days), now=now)
            st.success("Link created. Copy it now; it is not shown again.")
            st.code(f"?share={token}", language=None)
            st.caption(
                "Append this to the app's address, e.g. https://contracts.example.com/?share=…"
            )
        except ValueError as exc:
            st.error(md_msg(exc))

with session() as s:
    links = list_links(session=s, actor=actor, now=now)
pick, revoking = revoke_picker(links, "Link", "label")
if revoking:
    with session() as s:
        revoke(session=s, actor=actor, link_id=pick, now=now)
    st.rerun()
if pick is not None:
    with session() as s:
        show_table(uses(session=s, actor=actor, link_id=pick), hide_index=True)
