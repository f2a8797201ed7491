"""Field view: on a phone at the client's door, what is covered and who to call."""

from datetime import date
from html import escape

import streamlit as st

from access.roles import PermissionDenied
from db.field_repo import field_card, search_clients
from ui.auth import guard
from ui.store import session

actor = guard("field_view")
st.title("Field view")
text = st.text_input("Find client", placeholder="Name, site, city or contract reference")
with session() as s:
    found = search_clients(session=s, actor=actor, text=text)
if not found:
    st.info("No client matches." if text else "No clients are assigned to you yet.")
    st.stop()
client_id = st.selectbox("Client", list(found), format_func=found.get)
try:
    with session() as s:
        card = field_card(session=s, actor=actor, client_id=int(client_id), today=date.today())
except PermissionDenied as exc:
    st.error(str(exc))
    st.stop()

st.subheader(card.client)
if card.contract is None:
    st.error("No active contract: any work here is billable and needs approval.")
else:
    st.caption(f"Contract {card.contract} · {card.tier} · coverage {card.coverage}")
    st.markdown("**SLA**")
    for line in card.sla_lines:
        st.markdown(f"- {line}")
    st.markdown("**Covered**")
    for name, desc in card.included:
        st.markdown(f"- ✅ {name}" + (f" — {desc}" if desc else ""))
    st.markdown("**Not covered**")
    for name, desc in card.excluded:
        st.markdown(f"- ⛔ {name}" + (f" — {desc}" if desc else ""))
if card.instructions:
    st.markdown("**Special instructions**")
    for line in card.instructions:
        st.markdown(f"- {line}")
st.markdown("**Escalation**")
for c in card.escalation:
    phone = escape(c["phone"] or "")
    email = escape(c["email"] or "")
    links = " · ".join(
        x
        for x in [
            f"[📞 {phone}](tel:{phone.replace(' ', '')})" if phone else "",
            f"[✉️ {email}](mailto:{email})" if email else "",
        ]
        if x
    )
    st.markdown(f"{c['level']}. {escape(c['name'])} ({escape(c['title'] or '')}) {links}")
st.markdown("**Recent tickets**")
st.dataframe(card.recent_tickets, hide_index=True, width="stretch")
