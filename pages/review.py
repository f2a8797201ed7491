"""Review extracted terms beside the page (or paragraph, or line) they came from; accept,
correct or reject each; take a suggestion as a value only by picking it; apply the accepted
ones to the contract. Nothing reaches a contract before this page applies it."""

import html
from datetime import UTC, date, datetime

import streamlit as st
from streamlit.errors import StreamlitAPIException

from db.contracts_repo import ConflictError
from db.documents.apply import apply_to_contract, preview_apply
from db.documents.preview import term_preview
from db.documents.review import (
    SOURCE_KINDS,
    accept_pending,
    correct_term,
    document_review,
    pick_suggestion,
    review_queue,
    review_term,
    set_document_contract,
)
from db.documents.settings import auto_accept_threshold
from safe.text import md, md_msg
from ui.auth import guard
from ui.store import session
from ui.term_editors import field_label, focus_first_input, term_editor, uses_grid

actor = guard("review_terms")
st.title("Review terms")
STATE_ICON = {
    "pending": ":material/hourglass_empty:",
    "accepted": ":material/check_circle:",
    "corrected": ":material/edit:",
    "rejected": ":material/cancel:",
    "auto_accepted": ":material/smart_toy:",
}


def esc(text: str) -> str:
    """Document text is untrusted: escape it (only our own <mark> is added as HTML)."""
    return html.escape(text).replace("$", "&#36;").replace("\n", "<br>")


@st.cache_data(max_entries=64, show_spinner=False)
def _preview(_actor, term_id: int):
    with session() as s:
        return term_preview(session=s, actor=_actor, term_id=term_id)


with session() as s:
    queue = review_queue(session=s, actor=actor)
if queue.empty:
    st.info("No documents yet: upload contract PDFs first.")
    try:
        st.page_link("pages/upload.py", label="Upload contracts", icon=":material/upload_file:")
    except StreamlitAPIException:  # page run outside the app's router
        pass
    st.stop()

labels = {
    int(r.id): f"{r.file} · {r.client if isinstance(r.client, str) else 'no client'} · "
    + (f"{r.pending} pending" if r.pending else r.extraction)
    for r in queue.itertuples()
}
raw = st.query_params.get("doc")
wanted = int(raw) if raw and raw.isdigit() and int(raw) in labels else next(iter(labels))
doc_id = st.selectbox(
    "Document (pending first)",
    list(labels),
    index=list(labels).index(wanted),
    format_func=labels.get,
)
if doc_id != wanted or raw is None:
    st.query_params["doc"] = str(doc_id)

with session() as s:
    r = document_review(session=s, actor=actor, document_id=doc_id)
extent = f"{r.page_count or '?'} pages" if r.source == "pdf" else SOURCE_KINDS[r.source]
st.caption(f"{md(r.filename)} · {extent} · client: {md(r.client_name or 'not set')}")
if r.status != "ok":
    st.error(md(r.error or "The terms of this document could not be extracted."))
    st.stop()
for note in r.warnings or []:
    st.warning(md(note), icon=":material/warning:")

# --- suggestions: never values unless picked here ------------------------------------------
if r.suggestions is not None and not r.suggestions.empty:
    st.subheader("Suggestions")
    st.caption(
        "The contract does not state these terms; each is a low-confidence guess. "
        "None is used unless you take it as the value."
    )
    for g in r.suggestions.itertuples():
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.markdown(
            f"**{md(g.field.replace('_', ' ').capitalize())}**: {md(g.value)} · "
            f"{md(g.location)} · confidence {g.confidence:.2f}  \n{md(g.snippet)}"
        )
        if c2.button("Use as value", key=f"pick-{g.id}"):
            try:
                with session() as s:
                    pick_suggestion(session=s, actor=actor, suggestion_id=int(g.id))
                st.rerun()
            except (ValueError, LookupError) as exc:
                st.error(md_msg(exc))

if r.terms.empty:
    st.info("No terms were found in this document.")
    st.stop()

# --- contract ------------------------------------------------------------------------------
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
contract_pick = c1.selectbox(
    "Contract these terms belong to",
    list(r.contracts),
    format_func=r.contracts.get,
    index=list(r.contracts).index(r.contract_id) if r.contract_id in r.contracts else None,
    placeholder="Choose the contract (none chosen yet)",
)
if c2.button("Link contract", disabled=contract_pick in (None, r.contract_id)):
    try:
        with session() as s:
            set_document_contract(
                session=s, actor=actor, document_id=doc_id, contract_id=contract_pick
            )
        st.rerun()
    except (ValueError, LookupError) as exc:
        st.error(md_msg(exc))

# --- terms beside the page they came from --------------------------------------------------
terms = r.terms
with session() as s:
    auto_threshold, _ = auto_accept_threshold(session=s)
counts = terms["state"].value_counts()
low = int((terms["confidence"] < auto_threshold).sum())
st.write(
    " · ".join(f"{STATE_ICON[k]} {counts.get(k, 0)} {k.replace('_', ' ')}" for k in STATE_ICON)
    + f" · :material/warning: {low} below the auto-accept level ({auto_threshold:.0%})"
)
if done := st.session_state.pop(f"done-{doc_id}", None):
    st.toast(done, icon=":material/check:")
left, right = st.columns([1, 1])
with left:
    term_labels = {
        int(t.id): f"{STATE_ICON.get(t.state, '')} {t.field.replace('_', ' ')} "
        f"({t.confidence:.0%})"
        + (" · :material/warning: **low**" if t.confidence < auto_threshold else "")
        + (" · auto-accepted" if t.state == "auto_accepted" else "")
        for t in terms.itertuples()
    }
    first_pending = next(
        (int(t.id) for t in terms.itertuples() if t.state == "pending"), next(iter(term_labels))
    )
    editor = st.container()  # the chosen term's editor sits above the list, in view
    term_id = st.radio(
        "All fields (pending first is chosen after each action)",
        list(term_labels),
        format_func=term_labels.get,
        index=list(term_labels).index(first_pending),
        key=f"field-{doc_id}",
    )
with editor:
    t = terms[terms["id"] == term_id].iloc[0]
    st.markdown(
        f"**{field_label(t.field)}** · {md(t.location)} · "
        f"confidence {t.confidence:.0%} · {t.state.replace('_', ' ')}  \n"
        f"As written: {md(t.value)}"
    )
    if t.state == "auto_accepted":
        st.info(
            f"Auto-accepted: its rule's measured precision ({t.confidence:.2f}) is at or above "
            f"the auto-accept threshold ({auto_threshold:g}), so it went live unreviewed "
            "(recorded in the audit). Accept, correct or reject it to review it.",
            icon=":material/smart_toy:",
        )
    elif t.confidence < auto_threshold:
        st.warning(
            f"Low confidence ({t.confidence:.0%}, below {auto_threshold:.0%}): check it "
            "against the page.",
            icon=":material/warning:",
        )
    with st.form(f"term-{term_id}", enter_to_submit=not uses_grid(t.field)):
        read = term_editor(t.field, t.current, key=f"edit-{term_id}")
        b1, b2 = st.columns(2)
        save = b1.form_submit_button(
            "Accept", key=f"accept-{term_id}", type="primary", width="stretch"
        )
        reject = b2.form_submit_button("Reject", key=f"reject-{term_id}", width="stretch")
        st.caption(
            (
                "Enter saves a cell; Accept saves the table"
                if uses_grid(t.field)
                else "Enter accepts"
            )
            + ": an edited value is stored as the correction."
        )
    if save or reject:
        name = field_label(t.field)
        try:
            with session() as s:
                if reject:
                    review_term(session=s, actor=actor, term_id=term_id, action="reject")
                else:
                    saved = correct_term(session=s, actor=actor, term_id=term_id, value=read())
                    state = saved.review_state
            st.session_state[f"done-{doc_id}"] = (
                f"Rejected: {name}." if reject else f"{name}: {state}."
            )
            st.session_state.pop(f"field-{doc_id}", None)  # move on to the next pending field
            st.rerun()
        except (ValueError, LookupError) as exc:
            st.error(f"{name} not saved: {md_msg(exc)}")
    if not uses_grid(t.field):
        focus_first_input(term_id)

with right:
    p = _preview(actor, term_id)
    if p.image is not None:
        st.image(
            p.image,
            caption=f"Page {p.page}"
            + (
                " — the source is boxed in red"
                if p.boxes
                else " — source not located on the image; it is highlighted in the text below"
            ),
        )
    elif r.source != "pdf":
        st.caption(f"A {SOURCE_KINDS[r.source]} has no page image; its text is below.")
    else:
        st.warning("This page cannot be shown as an image; its text is below.")
    st.markdown(
        '<div style="font-size:0.85rem;max-height:16rem;overflow:auto;border:1px solid #ddd;'
        f'padding:0.5rem">…{esc(p.before)}<mark>{esc(p.match)}</mark>{esc(p.after)}…</div>',
        unsafe_allow_html=True,
    )

# --- apply ---------------------------------------------------------------------------------
st.divider()
live = int(terms["state"].isin(["accepted", "corrected", "auto_accepted"]).sum())
st.caption(
    f"{live} accepted, corrected or auto-accepted terms will be written to the contract; "
    "pending and rejected ones are not."
)
a1, a2, a3 = st.columns([1, 1, 2])
threshold = a3.slider("Confidence at least (%)", 50, 100, 90, key=f"min-conf-{doc_id}")
if a1.button("Accept all pending", key=f"accept-all-{doc_id}"):
    with session() as s:
        n = accept_pending(session=s, actor=actor, document_id=doc_id)
    st.success(f"Accepted {n} terms.")
    st.rerun()
if a2.button(f"Accept all above {threshold}%", key=f"accept-above-{doc_id}"):
    with session() as s:
        n = accept_pending(
            session=s, actor=actor, document_id=doc_id, min_confidence=threshold / 100
        )
    st.success(f"Accepted {n} terms at {threshold}% or more.")
    st.rerun()
p1, p2 = st.columns(2)
policy_from = p1.date_input(
    "Changes (and SLA policy) effective from (empty: the document's effective date)",
    value=None,
    key=f"policy-from-{doc_id}",
)
override = p2.text_input(
    "Parties differ from the client? Reason to apply anyway (audited)",
    key=f"override-{doc_id}",
)
why = st.text_input("Why (recorded with the change)", key=f"why-{doc_id}")
if r.contract_id is None:
    st.info("Link a contract above to preview and apply the accepted terms.")
    st.stop()

# The preview is computed on the contract as it is now; Apply is refused if it changed since
# (someone applied or edited it on the contract page) or if the inputs changed.
states = tuple(terms[["id", "state", "corrected"]].itertuples(index=False, name=None))
inputs = (doc_id, r.contract_id, policy_from, override.strip(), states)
preview_key = f"apply-preview-{doc_id}"
if st.button("Preview changes", key=f"preview-{doc_id}", disabled=live == 0):
    try:
        with session() as s:
            st.session_state[preview_key] = (
                inputs,
                preview_apply(
                    session=s,
                    actor=actor,
                    document_id=doc_id,
                    contract_id=r.contract_id,
                    expected_version=r.contract_version,
                    today=date.today(),
                    now=datetime.now(UTC),
                    effective_from=policy_from,
                    party_override=override or None,
                ),
            )
    except LookupError as exc:  # the contract or document was deleted meanwhile
        st.error(md_msg(exc))
        st.stop()
shown = st.session_state.get(preview_key)
if shown is None or shown[0] != inputs:
    st.caption("Preview the changes to see what Apply would do before anything changes.")
    st.stop()
pv = shown[1]
st.subheader("Preview: what Apply would change")
st.caption(
    f"{'Amendment' if pv.kind == 'amendment' else 'Document'} changes effective from "
    f"{pv.effective_from or 'the document date'} · contract version {pv.contract_version}"
)
if pv.refusal:
    st.error(md(pv.refusal))
if not pv.diff.empty:
    st.dataframe(pv.diff, hide_index=True, width="stretch")
elif not pv.refusal:
    st.info("The contract already has these terms: nothing would change.")
st.markdown("**Billing periods affected** (up to today)")
if pv.periods.empty:
    st.caption("No billing period is re-billed, dropped or left unbilled.")
else:
    st.dataframe(pv.periods, hide_index=True, width="stretch")
st.markdown(f"**Tickets whose SLA result changes: {pv.sla_tickets}**")
if not pv.sla.empty:
    st.dataframe(pv.sla.head(10), hide_index=True, width="stretch")
if st.button(
    "Apply accepted terms to contract",
    type="primary",
    key=f"apply-{doc_id}",
    disabled=pv.refusal is not None,
):
    try:
        with session() as s:
            result = apply_to_contract(
                session=s,
                actor=actor,
                document_id=doc_id,
                contract_id=r.contract_id,
                expected_version=pv.contract_version,
                today=date.today(),
                effective_from=policy_from,
                party_override=override or None,
                reason=why or None,
            )
    except (ValueError, LookupError, ConflictError) as exc:
        st.error(md_msg(exc))
    else:
        st.session_state.pop(preview_key, None)
        done = md("; ".join(result.applied)) or "the contract already had them."
        st.success("Applied: " + done)
        for skipped in result.skipped:
            st.warning("Not applied — " + md(skipped))
