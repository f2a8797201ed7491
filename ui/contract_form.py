"""The contract form used by 'New contract' and the detail page's Edit tab."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import streamlit as st
from pydantic import ValidationError

from contracts.schema import ContractInput, friendly_errors
from db.contracts_repo import FormChoices
from db.models.contracts import BILLING_ALIGNMENTS, BILLING_CYCLES, PRICING_MODELS, STATUSES, TIERS
from safe.text import md_msg


def _dec(label: str, current, key: str, col) -> Decimal | None:
    raw = col.text_input(label, value="" if current is None else str(current), key=key)
    raw = raw.strip().replace(",", "")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except ArithmeticError:
        st.session_state.setdefault("_form_errors", []).append(f"{label}: {raw!r} is not a number")
        return None


def contract_form(choices: FormChoices, current=None, *, key: str) -> ContractInput | None:
    """Render the form; on submit return validated input or show every problem and return None."""
    c = current
    with st.form(key):
        st.session_state["_form_errors"] = []
        a, b, d = st.columns(3)
        client_ids = list(choices.clients)
        client_id = a.selectbox(
            "Client",
            client_ids,
            format_func=choices.clients.get,
            index=client_ids.index(c.client_id) if c else None,
        )
        reference = b.text_input("Reference", value=c.reference if c else "")
        title = d.text_input("Title", value=c.title if c else "")
        tier = a.selectbox("Tier", TIERS, index=TIERS.index(c.tier) if c and c.tier in TIERS else 2)
        status = b.selectbox("Status", STATUSES, index=STATUSES.index(c.status) if c else 1)
        currency = d.text_input("Currency (ISO 4217)", value=c.currency if c else "USD")
        start = a.date_input("Start date", value=c.start_date if c else date.today())
        end = b.date_input("End of initial term", value=c.end_date if c else None)
        value = _dec("Contract value", c.value if c else None, f"{key}-value", d)
        auto = a.checkbox("Auto-renews", value=c.auto_renew if c else False)
        renewal = b.number_input(
            "Renewal term (months)",
            min_value=0,
            max_value=120,
            value=(c.renewal_term_months or 0) if c else 12,
        )
        notice = d.number_input(
            "Notice period (days, 0 = none)",
            min_value=0,
            max_value=730,
            value=(c.notice_days or 0) if c else 60,
        )
        evergreen = a.checkbox(
            "Evergreen (runs until notice)", value=bool(c.evergreen) if c else False
        )
        notice_given = b.date_input(
            "Notice of non-renewal given on", value=c.notice_given_on if c else None
        )
        terminated = d.date_input(
            "Terminated (last day in force)", value=c.terminated_on if c else None
        )
        st.markdown("**Pricing**")
        a, b, d = st.columns(3)
        models = [None, *PRICING_MODELS]
        model = a.selectbox(
            "Pricing model", models, index=models.index(c.pricing_model) if c else 1
        )
        cycle = b.selectbox(
            "Billing cycle", BILLING_CYCLES, index=BILLING_CYCLES.index(c.billing_cycle) if c else 0
        )
        timing = d.selectbox(
            "Billed",
            ["advance", "arrears"],
            index=["advance", "arrears"].index(c.billing_timing) if c else 0,
        )
        alignments = list(BILLING_ALIGNMENTS)
        alignment = a.selectbox(
            "Billing periods",
            alignments,
            index=alignments.index(c.billing_alignment) if c else 0,
            help="calendar: months/quarters/years from the 1st, the first and last partial "
            "periods prorated by day; anniversary: periods from the start date. Cannot change "
            "once an invoice was issued.",
        )
        fee = _dec("Recurring fee", c.recurring_fee if c else None, f"{key}-fee", a)
        hourly = _dec("Hourly rate", c.hourly_rate if c else None, f"{key}-hourly", b)
        mult = _dec(
            "After-hours multiplier", c.after_hours_multiplier if c else "1.5", f"{key}-mult", d
        )
        hours = _dec("Included hours / period", c.included_hours if c else None, f"{key}-hours", a)
        overage = _dec("Overage rate", c.overage_rate if c else None, f"{key}-over", b)
        unit_price = _dec("Unit price", c.unit_price if c else None, f"{key}-unit", d)
        st.markdown("**Coverage and people**")
        a, b, d = st.columns(3)
        cal_ids = [None, *choices.calendars]
        calendar_id = a.selectbox(
            "Coverage calendar",
            cal_ids,
            format_func=lambda i: choices.calendars.get(i, "—"),
            index=cal_ids.index(c.calendar_id) if c and c.calendar_id in cal_ids else 0,
        )
        tz = b.text_input("Time zone (IANA)", value=c.timezone if c else "UTC")
        mgr_ids = [None, *choices.managers]
        manager = d.selectbox(
            "Account manager",
            mgr_ids,
            format_func=lambda i: choices.managers.get(i, "—"),
            index=mgr_ids.index(c.account_manager_id)
            if c and c.account_manager_id in mgr_ids
            else 0,
        )
        instructions = st.text_area(
            "Special instructions", value=(c.special_instructions or "") if c else ""
        )
        submitted = st.form_submit_button("Save contract", type="primary")
    if not submitted:
        return None
    problems = list(st.session_state.pop("_form_errors", []))
    if client_id is None:
        problems.append("Client: choose a client (create it on the Clients page first)")
    if problems:
        st.error("Not saved:\n\n" + "\n".join(f"- {p}" for p in problems))
        return None
    try:
        return ContractInput(
            client_id=client_id,
            reference=reference,
            title=title,
            tier=tier,
            status=status,
            start_date=start,
            end_date=end,
            auto_renew=auto,
            renewal_term_months=renewal or None,
            notice_days=notice or None,
            evergreen=evergreen,
            notice_given_on=notice_given,
            terminated_on=terminated,
            value=value,
            currency=currency,
            pricing_model=model,
            billing_cycle=cycle,
            billing_timing=timing,
            billing_alignment=alignment,
            recurring_fee=fee,
            hourly_rate=hourly,
            after_hours_multiplier=mult,
            included_hours=hours,
            overage_rate=overage,
            unit_price=unit_price,
            unit_name=c.unit_name if c else None,
            unit_count=c.unit_count if c else None,
            rollover=c.rollover if c else False,
            rollover_cap_hours=c.rollover_cap_hours if c else None,
            role_rates=c.role_rates if c else None,
            term_months=c.term_months if c else None,
            calendar_id=calendar_id,
            timezone=tz,
            special_instructions=instructions or None,
            account_manager_id=manager,
        )
    except ValidationError as exc:
        problems = [f"- {md_msg(m)}" for m in friendly_errors(exc)]
        st.error("Not saved:\n\n" + "\n".join(problems))
        return None
