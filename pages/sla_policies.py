"""SLA policies per contract: edit the matrix and save it as a new version from a date."""

from datetime import UTC, date, datetime

import streamlit as st

from access.roles import PermissionDenied
from db.sla.policy_editor import contract_choices, policy_view, save_policy_version
from safe.text import md, md_msg
from sla.policy import CALENDARS, PRIORITIES
from ui.auth import guard
from ui.present import editor_config, show_table
from ui.store import session
from ui.tables import downloads

actor = guard("work_sla")
cc = st.column_config
st.title("SLA policies")
st.caption(
    "Targets are covered minutes on the contract's calendar, or wall time for rows marked "
    "24x7. Saving creates a new version from its date: tickets created earlier keep the "
    "policy that was in force when they were created."
)

with session() as s:
    choices = contract_choices(session=s)
if choices.empty:
    st.info("No contracts yet.")
    st.stop()
labels = dict(zip(choices["id"], choices["label"], strict=True))
default = st.query_params.get("contract")
ids = list(labels)
index = ids.index(int(default)) if default and default.isdigit() and int(default) in labels else 0
contract_id = st.selectbox("Contract", ids, index=index, format_func=labels.get)
with session() as s:
    view = policy_view(session=s, actor=actor, contract_id=contract_id, now=datetime.now(UTC))

c = view.contract
st.markdown(
    f"**{md(c['reference'])}** · {md(c['title'])} · tier **{md(c['tier'])}** · {md(c['calendar'])}"
)
tab_edit, tab_versions, tab_tiers = st.tabs(["Matrix in force", "Versions", "Tier defaults"])
with tab_edit, st.form(f"policy-{contract_id}"):
    matrix = st.data_editor(
        view.current,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=editor_config(
            view.current,
            priority=cc.SelectboxColumn(options=list(PRIORITIES), required=True),
            service_type=cc.TextColumn(help="'*' = any service type", default="*"),
            response_minutes=cc.NumberColumn(min_value=1, step=1, required=True),
            resolution_minutes=cc.NumberColumn(min_value=1, step=1, required=True),
            calendar=cc.SelectboxColumn(options=list(CALENDARS), default="contract"),
        ),
        key=f"matrix-{contract_id}",
    )
    a, b = st.columns(2)
    share = a.slider("Warning at share of target", 0.5, 1.0, float(view.warning_share), 0.05)
    effective = b.date_input("Effective from", date.today())
    if st.form_submit_button("Save as new version", type="primary"):
        try:
            with session() as s:
                save_policy_version(
                    session=s,
                    actor=actor,
                    contract_id=contract_id,
                    effective_from=effective,
                    rows=matrix,
                    warning_share=share,
                )
        except (ValueError, PermissionDenied) as exc:
            st.error(f"Not saved: {md_msg(exc)}")
        else:
            st.success(f"New policy version saved, in force from {effective:%Y-%m-%d}.")
with tab_versions:
    if view.versions.empty:
        st.info("This contract has no own policy: its tier defaults apply.")
    else:
        show_table(view.versions)
        downloads(view.versions, f"sla-policy-versions-{c['reference']}")
with tab_tiers:
    show_table(view.tier_defaults)
    downloads(view.tier_defaults, "sla-tier-defaults")
