"""Import an existing contract list (ConnectWise, Autotask, HaloPSA export or a spreadsheet)."""

import streamlit as st

from contracts.spreadsheet import PRESETS, REQUIRED, SheetRejected
from db.contracts_import import import_contracts, preview_contracts
from safe.text import md_msg
from ui.auth import guard
from ui.feedback import job
from ui.present import show_table
from ui.store import session
from ui.tables import downloads

actor = guard("edit_contracts")
st.title("Import contracts")
st.caption(
    "Bring the contract list you already have: a PSA's agreement/contract export or a "
    "spreadsheet. Preview first; rows are matched by reference, so importing the same file "
    "again changes nothing. Bad rows are listed with their row number and the good rows "
    f"import. Required columns: {', '.join(r.replace('_', ' ') for r in REQUIRED)}. Then "
    "upload the PDFs on **Upload contracts**: each attaches to its client's contract."
)
LABELS = {
    "generic": "Spreadsheet (generic column names)",
    "connectwise": "ConnectWise Manage — Finance › Agreements export",
    "autotask": "Autotask — Contracts search export",
    "halopsa": "HaloPSA — Contracts list export",
}
with st.form("contract-import"):
    upload = st.file_uploader("Contract list", type=["csv", "xlsx"])
    preset = st.selectbox("Exported from", list(PRESETS), format_func=LABELS.get)
    c1, c2 = st.columns(2)
    currency = c1.text_input("Currency of rows that name none", "USD")
    dayfirst = c2.checkbox("Dates are day first (05.11.2026 = 5 November)")
    go = st.form_submit_button("Preview", type="primary")

if go:
    if upload is None:
        st.error("Choose a file first.")
    else:
        args = {
            "data": upload.getvalue(),
            "filename": upload.name,
            "preset": preset,
            "currency": currency.strip() or "USD",
            "dayfirst": dayfirst,
        }
        try:
            with job(f"Checking {upload.name}") as running, session() as s:
                running.step(0.1, "Reading rows and matching clients…")
                preview = preview_contracts(session=s, actor=actor, **args)
                running.finish(f"Preview: {preview.summary}")
            st.session_state["contract_import"] = (args, preview)
        except SheetRejected as exc:
            st.session_state.pop("contract_import", None)
            st.error(f"Nothing was imported. {md_msg(exc)}")

pending = st.session_state.get("contract_import")
if pending is not None:
    args, report = pending
    verb = "Imported" if report.applied else "Preview"
    st.subheader(f"{verb}: {report.summary}")
    show_table(
        report.rows,
        hide_index=True,
        width="stretch",
        column_config={
            "row": st.column_config.NumberColumn("Row", format="%d"),
            "action": "Action",
            "client": "Client",
            "client_status": "Client",
            "reference": "Reference",
            "title": "Title",
            "changes": "Changes",
            "problems": "Problems and notes",
        },
    )
    downloads(report.rows, "contract-import")
    importable = not report.applied and (report.count("create") or report.count("update"))
    if importable and st.button("Import these rows", type="primary"):
        with job("Importing contracts") as running, session() as s:
            running.step(0.1, f"Writing {len(report.rows):,} rows…")
            done = import_contracts(session=s, actor=actor, **args)
            running.finish(f"Contracts: {done.summary}")
        st.session_state["contract_import"] = (args, done)
        st.toast(f"Contracts: {done.summary}")
        st.rerun()
