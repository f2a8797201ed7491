"""Upload contracts (PDF, Word DOCX, text or Markdown, or ZIPs of them): each file is kept,
its terms extracted, its client matched; one bad file never stops the batch. Encrypted files
ask for their password here."""

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from db.contracts_repo import NotFound
from db.documents.archives import expand_uploads
from db.documents.batch import store_many
from db.documents.clients import assign_client, client_options
from db.documents.settings import upload_limit
from db.documents.upload import retry_extraction
from safe.text import md_msg
from ui.auth import guard
from ui.present import show_table
from ui.store import session

actor = guard("upload_documents")
st.title("Upload contracts")
RESULTS = "upload_results"
NEW = -1  # select value meaning "create a new client from the customer party name"

with session() as s:
    limit, warning = upload_limit(session=s)
    clients = client_options(session=s, actor=actor)
if warning:
    st.warning(warning)
st.caption(
    f"PDF, Word (DOCX), text or Markdown files, or ZIP archives of them, up to "
    f"{limit / 1e6:.0f} MB per file. Every file is kept, even when its terms cannot be read; "
    "duplicates (same bytes) are reported, not stored."
)
files = st.file_uploader(
    "Contract files or ZIP archives",
    type=["pdf", "docx", "txt", "md", "markdown", "zip"],
    accept_multiple_files=True,
)
for_client = st.selectbox(
    "Client for these files (optional)",
    list(clients),
    index=None,
    format_func=clients.get,
    placeholder="Match each file's client from its parties",
)


def _row(r) -> dict:
    return {
        "document": r.document_id or r.duplicate_of,
        "file": r.filename,
        "status": r.status,
        "message": r.message,
        "client_id": r.client_id,
        "client": r.client_name,
        "match": r.client_score,
        "customer": r.customer_name,
        "contract_id": r.contract_id,
        "terms": len(r.terms.terms()) if r.terms is not None else 0,
        "needs_password": r.needs_password,
        "confirmed": r.client_id is not None and r.client_score is None,
    }


def _failed(name: str, message: str) -> dict:
    return {"document": None, "file": name, "status": "failed", "message": message, "terms": 0}


if files and st.button("Upload and extract", type="primary"):
    items = expand_uploads([(f.name, f.getvalue()) for f in files], max_bytes=limit)
    readable = [item for item in items if not item.error]
    bar = st.progress(0.0, text=f"0 of {len(items)} files")
    table = st.empty()
    rows: list[dict] = [_failed(item.name, item.error) for item in items if item.error]

    def _arrived(i: int, n: int, name: str, result) -> None:
        rows.append(_row(result))
        bar.progress(i / n, text=f"{i} of {n}: {name}")
        show_table(pd.DataFrame(rows)[["file", "status", "message"]], hide_index=True, into=table)

    results = []
    try:
        results = store_many(
            engine_or_session_factory=session,
            actor=actor,
            files=[(item.name, item.data) for item in readable],
            client_id=for_client,
            progress=_arrived,
        )
    except NotFound as exc:  # the chosen client was deleted meanwhile: nothing was stored
        st.error(f"{md_msg(exc)} Pick another client, or none, and upload again.")
        st.stop()
    if readable:
        for warning_text in dict.fromkeys(w for r in results for w in r.warnings):
            st.warning(warning_text)
        rows = rows[: len(items) - len(readable)] + [_row(r) for r in results]  # input order
    bar.progress(1.0, text=f"{len(items)} of {len(items)} files processed")
    table.empty()
    st.session_state[RESULTS] = rows
    got = pd.Series([r["status"] for r in rows]).value_counts()
    st.toast(
        f"{len(items)} file{'s' if len(items) != 1 else ''}: "
        + ", ".join(f"{got.get(k, 0)} {k}" for k in ("ok", "failed", "duplicate")),
        icon=":material/check_circle:",
    )

rows = st.session_state.get(RESULTS, [])
if not rows:
    st.stop()
frame = pd.DataFrame(rows)
counts = frame["status"].value_counts()
st.subheader("Results")
st.write(", ".join(f"{counts.get(k, 0)} {k}" for k in ("ok", "failed", "duplicate")))
show_table(
    frame.reindex(columns=["file", "status", "terms", "client", "match", "message"]),
    hide_index=True,
    column_config={"match": st.column_config.NumberColumn("match %", format="%.0f")},
)

locked = [r for r in rows if r.get("needs_password") and r.get("document")]
if locked:
    st.subheader("Password-protected files")
for r in locked:
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    password = c1.text_input(
        f"Password for {r['file']}", type="password", key=f"pw-{r['document']}"
    )
    if c2.button("Retry", key=f"retry-{r['document']}", disabled=not password):
        with session() as s:
            result = retry_extraction(
                session=s, actor=actor, document_id=r["document"], password=password
            )
        r.update(_row(result))
        if result.status == "ok":
            st.rerun()
        st.error(result.message)

pending = [
    r for r in rows if r.get("document") and r["status"] != "duplicate" and not r.get("confirmed")
]
if pending:
    st.subheader("Confirm clients")
    st.caption("Suggested from the customer named in each contract (fuzzy match of 90% or more).")
for r in pending:
    options = list(clients)
    labels = dict(clients)
    if r.get("customer") and r.get("client_id") is None:
        options.insert(0, NEW)
        labels[NEW] = f"Create new client: {r['customer']}"
    index = (
        options.index(r["client_id"])
        if r.get("client_id") in options
        else (0 if options and options[0] == NEW else None)
    )
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    chosen = c1.selectbox(
        f"Client of {r['file']}",
        options,
        index=index,
        format_func=labels.get,
        key=f"client-{r['document']}",
        placeholder="Choose a client",
    )
    if c2.button("Confirm", key=f"confirm-{r['document']}", disabled=chosen is None):
        try:
            with session() as s:
                result = assign_client(
                    session=s,
                    actor=actor,
                    document_id=r["document"],
                    client_id=None if chosen == NEW else chosen,
                    new_client_name=r["customer"] if chosen == NEW else None,
                )
        except (ValueError, LookupError) as exc:
            st.error(md_msg(exc))
        else:
            r.update(
                client_id=result.client_id,
                client=result.client_name,
                confirmed=True,
                contract_id=result.contract_id,
                match=None,
            )
            st.rerun()

if any(r["status"] == "ok" for r in rows):
    try:
        st.page_link(
            "pages/review.py", label="Review the extracted terms", icon=":material/fact_check:"
        )
    except StreamlitAPIException:  # page run outside the app's router
        st.caption("Open **Review terms** in the menu to review the extracted terms.")
