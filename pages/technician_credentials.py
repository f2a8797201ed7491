"""Technician credentials (expiry status, certificates) and assignments to clients."""

from datetime import date

import streamlit as st

from access.roles import PermissionDenied
from compliance.requirements import default_registry
from db.compliance.assignments import (
    assign_technician,
    assignments_frame,
    check_technician,
    client_choices,
    unassign_technician,
)
from db.compliance.common import MAX_PDF_BYTES
from db.compliance.credentials import (
    add_credential,
    credential_document,
    credentials_frame,
    technician_choices,
)
from safe.text import md, md_msg
from ui.auth import guard
from ui.present import show_table
from ui.store import session
from ui.tables import paged

actor = guard("work_compliance")
today = date.today()


def act(fn, success: str | None, **kwargs):
    """Run one repository action in its own transaction; show refusals as messages."""
    try:
        with session() as s:
            result = fn(session=s, actor=actor, **kwargs)
    except (PermissionDenied, ValueError) as exc:
        st.error(md_msg(exc))
        return None
    if success:
        st.success(success)
    return result


st.title("Technician credentials")
st.caption(
    "Expiry dates are the last day a credential is valid (as printed on the certificate): "
    "it no longer counts from the next day. 'Expiring' means within 60 days."
)
with session() as s:
    techs = technician_choices(session=s, actor=actor)
if not techs:
    st.info("No technicians yet.")
    st.stop()
ALL = 0
tech_id = st.selectbox(
    "Technician", [ALL, *techs], format_func=lambda t: "All technicians" if t == ALL else techs[t]
)
chosen = None if tech_id == ALL else int(tech_id)
cred_tab, assign_tab = st.tabs(["Credentials", "Assignments"])

with cred_tab:
    if chosen is not None:
        names = sorted(e.name for e in default_registry().entries if e.kind == "credential")
        with st.form("add-credential", clear_on_submit=True):
            st.markdown("**Add or renew a credential** (a renewal is a new row; history stays)")
            name = st.text_input("Credential", help="Known names: " + ", ".join(names))
            issued = st.date_input("Issued on", value=None)
            expires = st.date_input("Last valid day", value=None)
            upload = st.file_uploader(
                f"Certificate (PDF, up to {MAX_PDF_BYTES // 1_048_576} MB)", type=["pdf"]
            )
            if st.form_submit_button("Save credential", type="primary"):
                result = act(
                    add_credential,
                    "Credential saved.",
                    technician_id=chosen,
                    name=name,
                    issued_on=issued,
                    expires_on=expires,
                    filename=upload.name if upload else None,
                    document=upload.getvalue() if upload else None,
                )
                for warning in result[1] if result else []:
                    st.warning(warning)
    with session() as s:
        creds = credentials_frame(session=s, actor=actor, on=today, technician_id=chosen)
    if creds.empty:
        st.info("No credentials recorded.")
    else:
        status = creds["status"]
        a, b, c = st.columns(3)
        a.metric("Expired", int((status == "expired").sum()))
        b.metric("Expiring", int(status.str.startswith("expiring").sum()))
        c.metric("No expiry recorded", int((status == "no expiry recorded").sum()))
        show_table(paged(creds.drop(columns=["id", "technician_id"]), key="cred-page"))
        with_doc = creds[creds["certificate"] != ""]
        if not with_doc.empty:
            labels = {
                r.id: f"{r.technician}: {r.credential} ({r.certificate})"
                for r in with_doc.itertuples()
            }
            doc_id = st.selectbox("Certificate", list(labels), format_func=labels.get)
            with session() as s:
                filename, content = credential_document(
                    session=s, actor=actor, credential_id=int(doc_id)
                )
            st.download_button(
                "Download certificate", content, file_name=filename, mime="application/pdf"
            )

with assign_tab:
    with session() as s:
        clients = client_choices(session=s, actor=actor)
    if chosen is not None and clients:
        client_id = st.selectbox("Client", list(clients), format_func=clients.get)
        left, right = st.columns(2)
        if left.button("Check credentials"):
            missing = act(
                check_technician, None, technician_id=chosen, client_id=int(client_id), on=today
            )
            if missing == []:
                st.success("Holds every credential this client's contracts require today.")
            for line in missing or []:
                st.warning(f"Missing: {md(line)}")
        if right.button("Assign to client", type="primary"):
            missing = act(
                assign_technician,
                "Assigned.",
                technician_id=chosen,
                client_id=int(client_id),
                on=today,
            )
            for line in missing or []:
                st.warning(f"Assigned, but missing: {md(line)}")
    with session() as s:
        assigned = assignments_frame(session=s, actor=actor, on=today, technician_id=chosen)
    flagged = int((assigned["missing"] != "ok").sum())
    st.caption(f"{len(assigned)} assignments, {flagged} with a missing credential")
    show_table(paged(assigned.drop(columns=["technician_id", "client_id"]), key="assign-page"))
    if chosen is not None and not assigned.empty:
        with st.expander("Take off a client"):
            mine = dict(zip(assigned["client_id"], assigned["client"], strict=True))
            off = st.selectbox("Assigned client", list(mine), format_func=mine.get)
            if st.button("Unassign"):
                act(unassign_technician, "Unassigned.", technician_id=chosen, client_id=int(off))
