"""One contract: terms, services, SLA matrix, documents with preview, contacts, history, edit."""

from datetime import date

import streamlit as st

from billing.credits import CREDIT_KINDS, METRICS, TRIGGERS
from contracts.term import term_at
from db.billing.alignment import alignment_text
from db.billing.availability import availability_history, record_availability
from db.billing.common import period_choices
from db.billing.credit_rules import add_credit_rule, credit_rules
from db.billing.units import record_unit_count, unit_count_history
from db.contract_versions import history as version_history
from db.contracts_repo import (
    ConflictError,
    NotFound,
    contract_detail,
    contract_options,
    delete_contract,
    document_content,
    form_choices,
    set_services,
    update_contract,
)
from documents.preview import render_page
from safe.text import md, md_msg
from ui.auth import guard
from ui.contract_form import contract_form
from ui.present import show_table
from ui.store import session

actor = guard("view_contracts")

with session() as s:
    options = contract_options(session=s, actor=actor)
head = st.empty()  # the page title: the contract's name once one is chosen
raw_id = st.query_params.get("id")
contract_id = int(raw_id) if raw_id and raw_id.isdigit() and int(raw_id) in options else None
picked = st.selectbox(
    "Contract",
    list(options),
    format_func=options.get,
    index=list(options).index(contract_id) if contract_id else None,
    placeholder="Choose a contract",
)
if picked is None:
    head.title("Contract detail")
    st.info("Choose a contract, or open one from the Contracts list.")
    st.stop()
if picked != contract_id:
    st.query_params["id"] = str(picked)

try:
    with session() as s:
        d = contract_detail(session=s, actor=actor, contract_id=picked)
        choices = form_choices(session=s)
except NotFound as exc:
    st.error(md_msg(exc))
    st.stop()

c = d.contract
st.title(f"{md(c.reference)} · {md(d.client.name)}")
st.caption(f"{md(c.title)} · {md(c.tier)} · {c.status} · version {c.version}")
m = st.columns(4)
m[0].metric("Value", f"{c.value:,.2f} {c.currency}" if c.value is not None else "—")
m[1].metric("Start", str(c.start_date))
term = term_at(c, date.today())
m[2].metric(
    "Term in force",
    (f"{term.kind} {term.number}: to {term.end}" if term.end else f"{term.kind}, open-ended")
    if term
    else f"ended {c.in_force_until}"
    if c.in_force_until
    else "not started",
    help=f"initial term ends {c.end_date}" if c.end_date else None,
)
m[3].metric("Auto-renew", f"yes, notice {c.notice_days} d" if c.auto_renew else "no")

tabs = st.tabs(["Terms", "Services", "SLA", "Documents", "Contacts", "History", "Edit"])
with tabs[0]:
    terms = {
        "Pricing model": c.pricing_model,
        "Billing": f"{c.billing_cycle}, in {c.billing_timing}",
        "Billing periods": f"{c.billing_alignment}: {alignment_text(c.billing_alignment)}",
        "Recurring fee": c.recurring_fee,
        "Hourly rate": c.hourly_rate,
        "After-hours multiplier": c.after_hours_multiplier,
        "Included hours / period": c.included_hours,
        "Overage rate": c.overage_rate,
        "Units": f"{c.unit_count} x {c.unit_name} at {c.unit_price}" if c.unit_name else None,
        "Renewal term (months)": c.renewal_term_months,
        "Notice period (days)": c.notice_days,
        "Evergreen": "yes" if c.evergreen else None,
        "Notice given on": c.notice_given_on,
        "Terminated (last day)": c.terminated_on,
        "In force until": c.in_force_until or "runs on (renews until notice)",
        **{k.replace("_", " ").capitalize(): v for k, v in (c.facts or {}).items()},
        "Coverage": (
            f"{d.calendar.name} — {d.calendar.spec} ({d.calendar.timezone})" if d.calendar else None
        ),
        "Account manager": d.account_manager,
    }
    st.table({k: [("—" if v is None else str(v))] for k, v in terms.items()})
    if c.special_instructions:
        st.markdown("**Special instructions**")
        st.text(c.special_instructions)
    if not d.terms.empty:
        st.markdown("**Extracted terms**")
        show_table(d.terms, hide_index=True, width="stretch")
    if c.pricing_model == "per_unit" and actor.can("work_billing"):
        st.markdown(f"**Unit counts** ({c.unit_name or 'units'}; each applies until the next)")
        with session() as s:
            history = unit_count_history(session=s, actor=actor, contract_id=c.id)
        show_table(history, hide_index=True, width="stretch")
        with st.form("unit-count"):
            f1, f2 = st.columns(2)
            day = f1.date_input("From", value=date.today().replace(day=1))
            count = f2.number_input("Count", min_value=0, step=1, value=int(c.unit_count or 0))
            if st.form_submit_button("Record count"):
                try:
                    with session() as s:
                        record_unit_count(
                            session=s, actor=actor, contract_id=c.id, effective_from=day,
                            count=count,
                        )  # fmt: skip
                except ValueError as exc:
                    st.error(md_msg(exc))
                else:
                    st.rerun()  # the history above shows the new count
with tabs[1]:
    a, b = st.columns(2)
    a.markdown("**Included**")
    show_table(
        into=a,
        df=[{"service": x.name, "description": x.description} for x in d.included],
        hide_index=True,
        width="stretch",
    )
    b.markdown("**Excluded**")
    show_table(
        into=b,
        df=[{"service": x.name, "description": x.description} for x in d.excluded],
        hide_index=True,
        width="stretch",
    )
    with st.form("services"):
        inc = st.text_area(
            "Included service types (one per line)", "\n".join(x.name for x in d.included)
        )
        exc = st.text_area(
            "Excluded service types (one per line)", "\n".join(x.name for x in d.excluded)
        )
        if st.form_submit_button("Save services"):
            with session() as s:
                set_services(
                    session=s,
                    actor=actor,
                    contract_id=c.id,
                    kind="included",
                    names=inc.splitlines(),
                    version_from=date.today(),
                )
                set_services(
                    session=s,
                    actor=actor,
                    contract_id=c.id,
                    kind="excluded",
                    names=exc.splitlines(),
                    version_from=date.today(),
                )
            st.success("Services saved.")
            st.rerun()
with tabs[2]:
    if d.sla_targets.empty:
        st.info("No SLA policy for this contract or its tier.")
    else:
        show_table(d.sla_targets, hide_index=True, width="stretch")
    st.subheader("Service credits")
    with session() as s:
        rules = credit_rules(session=s, actor=actor, contract_id=c.id)
    if rules.empty:
        st.caption("No credit rule: a breach changes nothing on the invoice.")
    else:
        show_table(rules, hide_index=True, width="stretch")
    if actor.can("edit_contracts"):
        with st.expander("Add a credit rule"), st.form(f"credit-rule-{c.id}"):
            r = st.columns(3)
            rname = r[0].text_input("Name", placeholder="P1 response credit", key="cr-name")
            trigger = r[1].selectbox("Trigger", TRIGGERS, key="cr-trigger")
            metric = r[2].selectbox("Measure (SLA metric)", ["", *METRICS], key="cr-metric")
            r = st.columns(3)
            prio = r[0].selectbox("Priority", ["", "P1", "P2", "P3", "P4"], key="cr-prio")
            threshold = r[1].text_input("Threshold % (below it: credit)", key="cr-threshold")
            ckind = r[2].selectbox("Credit", CREDIT_KINDS, key="cr-kind")
            r = st.columns(4)
            cvalue = r[0].text_input("Credit value (% or amount)", key="cr-value")
            tiers = r[1].text_input(
                "Tiers (below:credit, ...)", placeholder="99:5, 95:10", key="cr-tiers"
            )
            cap_pct = r[2].text_input("Cap % of fee per period", key="cr-cap-pct")
            cap_amt = r[3].text_input("Cap amount per period", key="cr-cap-amt")
            since = st.date_input("In force from", value=c.start_date, key="cr-from")
            if st.form_submit_button("Add rule", key="cr-add"):
                try:
                    with session() as s:
                        add_credit_rule(
                            session=s, actor=actor, contract_id=c.id, name=rname,
                            trigger=trigger, metric=metric or None, priority=prio or None,
                            threshold=threshold, credit_kind=ckind, credit_value=cvalue,
                            tiers=tiers, cap_percent=cap_pct, cap_amount=cap_amt,
                            effective_from=since,
                        )  # fmt: skip
                    st.success(f"Credit rule {md(rname)} added.")
                    st.rerun()
                except ValueError as exc:
                    st.error(md_msg(exc))
    if actor.can("work_billing"):
        with session() as s:
            avail = availability_history(session=s, actor=actor, contract_id=c.id)
        with st.expander(f"Availability figures ({len(avail)})"):
            show_table(avail, hide_index=True, width="stretch")
            with st.form(f"availability-{c.id}"):
                a = st.columns(3)
                month = a[0].selectbox("Month", period_choices(date.today())[1:], key="av-m")
                pct = a[1].text_input("Availability %", key="av-pct")
                src = a[2].text_input("Source", placeholder="monitoring report", key="av-src")
                if st.form_submit_button("Record availability", key="av-add"):
                    try:
                        with session() as s:
                            record_availability(
                                session=s, actor=actor, contract_id=c.id, period=month,
                                percent=pct, source=src,
                            )  # fmt: skip
                        st.success(f"Availability for {month} recorded.")
                        st.rerun()
                    except ValueError as exc:
                        st.error(md_msg(exc))
with tabs[3]:
    if d.documents.empty:
        st.info("No documents yet. Upload PDFs on the Upload page.")
    else:
        show_table(d.documents, hide_index=True, width="stretch")
        doc_id = st.selectbox(
            "Document",
            d.documents["id"].tolist(),
            format_func=lambda i: d.documents.set_index("id").loc[i, "file"],
        )
        with session() as s:
            name, content = document_content(session=s, actor=actor, document_id=int(doc_id))
        st.download_button("Download", content, file_name=name, mime="application/pdf")
        pages = int(d.documents.set_index("id").loc[doc_id, "pages"] or 1)
        page = st.number_input("Preview page", 1, max(pages, 1), 1)
        try:
            st.image(render_page(content, int(page)), caption=f"{name}, page {page}")
        except Exception as exc:  # noqa: BLE001 - a broken file must not break the page
            st.warning(f"No preview for this file: {md_msg(exc)}")
with tabs[4]:
    show_table(d.contacts, hide_index=True, width="stretch")
with tabs[5]:
    st.markdown("**Versions** (what changed, effective from when, from which document, by whom)")
    with session() as s:
        versions = version_history(session=s, actor=actor, contract_id=c.id)
    if versions.empty:
        st.caption("No version recorded yet: Apply, amendments and edits here add one.")
    else:
        show_table(versions, hide_index=True, width="stretch")
    st.markdown("**Audit trail**")
    show_table(d.history, hide_index=True, width="stretch")
with tabs[6]:
    if not actor.can("edit_contracts"):
        st.info("Your role can view but not edit contracts.")
    else:
        # The version the user started editing from: a save based on it is refused if stale.
        base_key = f"edit-base-{c.id}"
        st.session_state.setdefault(base_key, c.version)
        data = contract_form(choices, c, key=f"edit-{c.id}")
        version_from = st.date_input(
            "Saved changes are effective from (billing and the History use it)",
            value=date.today(),
            key=f"edit-from-{c.id}",
        )
        if data is not None:
            try:
                with session() as s:
                    update_contract(
                        session=s,
                        actor=actor,
                        contract_id=c.id,
                        expected_version=st.session_state[base_key],
                        data=data,
                        version_from=version_from,
                    )
                st.session_state.pop(base_key, None)
                st.success("Saved.")
                st.rerun()
            except ConflictError as exc:
                st.error(md_msg(exc))
            except ValueError as exc:
                st.error(md_msg(exc))
        if actor.can("delete") and st.button("Delete contract", type="secondary"):
            with session() as s:
                delete_contract(session=s, actor=actor, contract_id=c.id)
            st.query_params.clear()
            st.switch_page("pages/contract_list.py")
