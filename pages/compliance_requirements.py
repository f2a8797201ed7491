"""Compliance requirements per contract, and what the company holds to meet them."""

from datetime import date

import streamlit as st

from access.roles import PermissionDenied
from compliance.requirements import default_registry
from db.compliance.holdings import add_holding, holdings_frame
from db.compliance.requirements import (
    add_requirement,
    attest_clause,
    contract_choices,
    remove_requirement,
    requirements_frame,
)
from safe.text import md_msg
from ui.auth import guard
from ui.present import show_table
from ui.store import session

actor = guard("work_compliance")

KIND_LABELS = {
    "insurance": "Insurance (type and minimum cover)",
    "certification": "Provider certification",
    "security_clause": "Security clause",
    "credential": "Technician credential",
}
REGISTRY_KIND = {
    "insurance": "insurance",
    "certification": "certification",
    "credential": "credential",
    "security_clause": "certification",
}


def known(kind: str) -> list[str]:
    return sorted(e.name for e in default_registry().entries if e.kind == REGISTRY_KIND[kind])


def act(fn, success: str, **kwargs):
    """Run one repository action in its own transaction; show refusals as messages."""
    try:
        with session() as s:
            result = fn(session=s, actor=actor, **kwargs)
    except (PermissionDenied, ValueError) as exc:
        st.error(md_msg(exc))
        return None
    st.success(success)
    return result


st.title("Compliance requirements")
st.caption(
    "Expiry and review dates are the last day something is valid (as printed on the "
    "certificate or policy): it no longer counts from the next day."
)
req_tab, hold_tab = st.tabs(["Per contract", "Company holdings"])

with req_tab:
    with session() as s:
        contracts = contract_choices(session=s, actor=actor)
    if not contracts:
        st.info("No contracts yet.")
        st.stop()
    wanted = st.query_params.get("contract")
    ids = list(contracts)
    start = ids.index(int(wanted)) if wanted and wanted.isdigit() and int(wanted) in ids else 0
    contract_id = st.selectbox("Contract", ids, index=start, format_func=contracts.get)

    kind = st.selectbox("Add a requirement", list(KIND_LABELS), format_func=KIND_LABELS.get)
    with st.form("add-requirement", clear_on_submit=True):
        name = st.text_input(
            "Name" if kind != "security_clause" else "Clause",
            help="Known names: " + ", ".join(known(kind)) if kind != "security_clause" else None,
        )
        cover = currency = evidence = None
        applies = "onsite"
        if kind == "insurance":
            cover = st.text_input("Minimum cover", placeholder="2000000")
            currency = st.text_input("Currency", value="GBP", max_chars=3)
        if kind == "credential":
            applies = st.radio(
                "Applies to",
                ["onsite", "all"],
                horizontal=True,
                format_func={"onsite": "technicians sent on site", "all": "every technician"}.get,
            )
        if kind == "security_clause":
            evidence = st.selectbox(
                "Met by certification (optional)",
                ["", *known("certification")],
                help="Leave empty if it is met by an attestation instead.",
            )
        description = st.text_input("Details (optional)")
        if st.form_submit_button("Add requirement", type="primary"):
            result = act(
                add_requirement,
                "Requirement added.",
                contract_id=contract_id,
                kind=kind,
                name=name,
                minimum_cover=cover,
                currency=currency,
                applies_to=applies,
                description=description,
                evidence=evidence or None,
            )
            for warning in result[1] if result else []:
                st.warning(warning)

    with session() as s:
        reqs = requirements_frame(session=s, actor=actor, contract_id=contract_id)
    if reqs.empty:
        st.info("This contract has no compliance requirements.")
    else:
        for problem in reqs.loc[reqs["problem"] != "", "problem"]:
            st.warning(problem)
        show_table(reqs)
        clauses = reqs[reqs["kind"] == "security_clause"]
        if not clauses.empty:
            with st.expander("Attest a security clause"), st.form("attest"):
                clause = st.selectbox(
                    "Clause",
                    list(clauses["id"]),
                    format_func=dict(zip(clauses["id"], clauses["name"], strict=True)).get,
                )
                attested = st.date_input("Attested on", value=date.today())
                review = st.date_input("Valid until (last day)", value=None)
                if st.form_submit_button("Record attestation"):
                    act(
                        attest_clause,
                        "Attestation recorded.",
                        requirement_id=int(clause),
                        attested_on=attested,
                        review_due=review,
                    )
        if actor.can("delete"):
            with st.expander("Remove a requirement"):
                labels = {r.id: f"{r.kind}: {r.name}" for r in reqs.itertuples()}
                gone = st.selectbox("Requirement", list(labels), format_func=labels.get)
                if st.button("Remove requirement"):
                    act(remove_requirement, "Requirement removed.", requirement_id=int(gone))

with hold_tab:
    with st.form("add-holding", clear_on_submit=True):
        st.markdown("**Add or renew a policy or certification** (a renewal is a new row)")
        h_kind = st.radio("Kind", ["insurance", "certification"], horizontal=True)
        h_name = st.text_input(
            "Name",
            help="Insurance types: "
            + ", ".join(known("insurance"))
            + ". Certifications: "
            + ", ".join(known("certification")),
        )
        h_cover = st.text_input("Cover (insurance only)", placeholder="5000000")
        h_currency = st.text_input("Currency (insurance only)", value="GBP", max_chars=3)
        h_expiry = st.date_input("Last valid day", value=None)
        h_file = st.file_uploader("Certificate or policy schedule (PDF)", type=["pdf"])
        if st.form_submit_button("Save", type="primary"):
            result = act(
                add_holding,
                "Saved.",
                kind=h_kind,
                name=h_name,
                expires_on=h_expiry,
                cover_amount=h_cover if h_kind == "insurance" else None,
                currency=h_currency if h_kind == "insurance" else None,
                filename=h_file.name if h_file else None,
                document=h_file.getvalue() if h_file else None,
            )
            for warning in result[1] if result else []:
                st.warning(warning)
    with session() as s:
        holdings = holdings_frame(session=s, actor=actor, on=date.today())
    show_table(holdings.drop(columns="id"))
