"""Field view: on a phone at the client's door, what is covered, the SLA and who to call.

Laid out as one column of short blocks (no side-by-side columns, no wide tables) so it reads
on a 390 px screen. Technicians only ever get their assigned clients: the checks are in
db.field_repo, not in this page.
"""

from datetime import date
from html import escape

import streamlit as st

from access.roles import PermissionDenied
from db.field_repo import field_card, recent_work, search_clients, todays_work
from db.field_scope import check_request, out_of_scope_requests, record_out_of_scope
from safe.text import md, md_html, md_msg
from ui.auth import guard
from ui.store import session

actor = guard("field_view")
VERDICT = {
    "in_scope": (st.success, "In scope"),
    "out_of_scope": (st.error, "Out of scope"),
    "unclear": (st.warning, "Unclear"),
}

st.title("Field view")
text = st.text_input(
    "Find client", placeholder="Name, site, city or contract", key="field_q"
).strip()
today = date.today()
with session() as s:
    found = search_clients(session=s, actor=actor, text=text)
    work = todays_work(session=s, actor=actor, today=today)
    recent = [] if work else recent_work(session=s, actor=actor, today=today)
if not found:
    st.info("No client matches." if text else "No clients are assigned to you yet.")
    st.stop()
# Today's visits first (busiest first); on a day without tickets, the clients of the latest
# tickets; then everyone else alphabetically.
first = [c for c in (list(work) or recent) if c in found]
order = first + [c for c in found if c not in first]
if not text and actor.technician_id is not None:
    if work:
        n = sum(work.values())
        st.caption(f"{n} ticket{'s' if n != 1 else ''} for you today at {len(work)} client(s).")
    elif first:
        st.caption("No tickets for you today: your most recent clients come first.")


def _label(cid: int) -> str:
    n = work.get(cid)
    return f"{found[cid]} · {n} ticket{'s' if n > 1 else ''} today" if n else found[cid]


client_id = st.selectbox("Client", order, format_func=_label, key="field_client")
try:
    with session() as s:
        card = field_card(session=s, actor=actor, client_id=int(client_id), today=today)
except PermissionDenied as exc:
    st.error(md_msg(exc))
    st.stop()


def link(href: str, label: str) -> str:
    # The only links on the page: tel:/mailto: built from the contact's phone and email.
    return f'<a href="{escape(href, quote=True)}">{md_html(label)}</a>'


st.header(md(card.client), divider="gray")
if card.contract is None:
    st.error("No active contract: any work here is billable and needs approval.")
else:
    st.caption(f"Contract {md(card.contract)} · {md(card.tier)}")
    st.markdown(f"**Coverage:** {md(card.coverage)}")

st.subheader("Who to call")
if not card.escalation:
    st.markdown("No escalation contact recorded: call the account manager.")
for c in card.escalation:
    parts = [f"<b>{md_html(c['level'] or '–')}. {md_html(c['name'])}</b>"]
    if c["title"]:
        parts[0] += f" · {md_html(c['title'])}"
    if c["phone"]:
        parts.append(
            ":material/call: Call " + link("tel:" + "".join(c["phone"].split()), c["phone"])
        )
    if c["email"]:
        parts.append(":material/mail: Email " + link("mailto:" + c["email"], c["email"]))
    st.markdown("<br>".join(parts), unsafe_allow_html=True)

if card.instructions:
    st.subheader("Special instructions")
    st.markdown("\n".join(f"- {md(line)}" for line in card.instructions))

if card.contract is not None:
    st.subheader("SLA")
    st.markdown("\n".join(f"- {md(line)}" for line in card.sla_lines) or "No SLA targets.")
    st.subheader(":material/check_circle: Covered")
    st.markdown(
        "\n".join(f"- **{md(n)}**" + (f": {md(d)}" if d else "") for n, d in card.included)
        or "No included services recorded."
    )
    st.subheader(":material/block: Not covered")
    st.markdown(
        "\n".join(f"- **{md(n)}**" + (f": {md(d)}" if d else "") for n, d in card.excluded)
        or "No exclusions recorded."
    )

st.subheader("Is this covered?")
with st.form("scope", clear_on_submit=False):
    asked = st.text_area(
        "What were you asked to do?", placeholder="e.g. replace the toner in the printer", height=80
    )
    checked = st.form_submit_button("Check scope", width="stretch")
if checked:
    with session() as s:
        answer = check_request(
            session=s, actor=actor, client_id=card.client_id, text=asked, today=today
        )
    st.session_state["field_scope"] = (card.client_id, asked, answer)
state = st.session_state.get("field_scope")
if state and state[0] == card.client_id:
    _, asked_text, answer = state
    show, label = VERDICT[answer.verdict]
    show(f"**{label}.** {md(answer.message)}")
    if answer.matched_words:
        st.caption("Matched: " + ", ".join(md(w) for w in answer.matched_words))
    if answer.script:
        st.markdown("**What to say**")
        st.info(md(answer.script))
    if answer.verdict == "out_of_scope" and st.button(
        "Record out-of-scope request", type="primary", width="stretch"
    ):
        try:
            with session() as s:
                record_out_of_scope(
                    session=s,
                    actor=actor,
                    client_id=card.client_id,
                    description=asked_text,
                    matched_clause=answer.clause,
                    today=today,
                )
        except (PermissionDenied, ValueError) as exc:
            st.error(md_msg(exc))
        else:
            st.session_state.pop("field_scope", None)
            st.success("Recorded: pending approval by the account manager, then billed.")
            st.toast("Request recorded; the account manager is notified.", icon=":material/send:")

with session() as s:
    requests = out_of_scope_requests(session=s, actor=actor, client_id=card.client_id)
if requests:
    with st.expander(f"Extra work logged here ({len(requests)})"):
        for r in requests:
            why = f" ({md(r['reason'])})" if r["reason"] else ""
            st.markdown(
                f"- {r['requested']:%d %b %Y} · **{r['status']}**{why} · {md(r['description'])}"
            )

st.subheader("Recent tickets")
if not card.recent_tickets:
    st.markdown("No tickets at this client.")
st.markdown(
    "\n".join(
        f"- {t['created']:%d %b %H:%M} · {t['priority']} · {md(t['status'])} · "
        f"{md(t['subject'] or '')} ({md(t['ticket'])})"
        for t in card.recent_tickets
    )
)
if card.sites:
    st.subheader("Sites")
    st.markdown("\n".join(f"- {md(site)}" for site in card.sites))
