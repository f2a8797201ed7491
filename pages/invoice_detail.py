"""One invoice: lines, payments, backup documents, payment, credit note, void."""

from datetime import date

import streamlit as st

from db.billing.backup_documents import BackupMismatch, backup_documents
from db.billing.invoice_detail import invoice_detail, invoice_options
from db.billing.invoices import create_credit_note, void_invoice
from db.billing.payments import record_payment
from safe.text import md, md_msg
from ui.auth import guard
from ui.present import show_table
from ui.store import session

actor = guard("work_billing")
st.title("Invoice")

with session() as s:
    options = invoice_options(session=s, actor=actor)
raw = st.query_params.get("id")
current = int(raw) if raw and raw.isdigit() and int(raw) in options else None
picked = st.selectbox(
    "Invoice",
    list(options),
    format_func=options.get,
    index=list(options).index(current) if current else None,
    placeholder="Choose an invoice",
)
if picked is None:
    st.info("Choose an invoice, or open one from a billing run or a client's billing history.")
    st.stop()
if picked != current:
    st.query_params["id"] = str(picked)

today = date.today()
with session() as s:
    inv = invoice_detail(session=s, actor=actor, invoice_id=picked, as_of=today)

st.header(f"{md(inv.number)} · {md(inv.client)}")
kind = f"credit note for {inv.credit_note_for}" if inv.credit_note_for else "invoice"
st.caption(
    f"{kind} · contract {inv.contract or '—'} · period {inv.period_start} to {inv.period_end}"
    f" · issued {inv.issue_date or '—'} · due {inv.due_date or '—'}"
)
m = st.columns(4)
m[0].metric("Status", inv.status.replace("_", " "))
m[1].metric("Total", f"{inv.total:,.2f} {inv.currency}")
m[2].metric("Paid + credited", f"{inv.paid + inv.credited:,.2f}")
m[3].metric("Balance", f"{inv.balance:,.2f}")
if not inv.findings.empty:
    st.warning(f"{len(inv.findings)} open findings on this contract's run: fix or approve first.")
    show_table(inv.findings, hide_index=True, width="stretch")

st.subheader("Lines")
show_table(inv.lines, hide_index=True, width="stretch")
a, b = st.columns(2)
a.subheader("Payments")
show_table(inv.payments, hide_index=True, width="stretch", into=a)
b.subheader("Credit notes")
show_table(inv.credit_notes, hide_index=True, width="stretch", into=b)

st.subheader("Backup documents")
try:
    with session() as s:
        docs = backup_documents(session=s, actor=actor, invoice_id=inv.id)
    if not docs.entries_listed:
        st.caption("Lines only: this invoice was not drafted by a billing run.")
    c = st.columns(3)
    c[0].download_button("Backup PDF", docs.pdf, f"{docs.name}.pdf", "application/pdf")
    c[1].download_button("Backup CSV", docs.csv, f"{docs.name}.csv", "text/csv")
    c[2].download_button("Backup XLSX", docs.xlsx, f"{docs.name}.xlsx")
    with st.expander(f"{len(docs.frame)} backup rows"):
        show_table(docs.frame, hide_index=True, width="stretch")
except BackupMismatch as exc:
    st.error(md_msg(exc))

receivable = inv.status not in ("draft", "void") and not inv.credit_note_for
if receivable and inv.balance > 0:
    with st.form("payment"):
        st.subheader("Record a payment")
        p = st.columns(4)
        amount = p[0].text_input("Amount", value=f"{inv.balance:.2f}", key=f"pay-amount-{inv.id}")
        paid_on = p[1].date_input("Paid on", value=today)
        method = p[2].text_input("Method", value="bank transfer")
        ref = p[3].text_input("Reference")
        if st.form_submit_button("Record payment", key="pay-submit"):
            try:
                with session() as s:
                    record_payment(
                        session=s,
                        actor=actor,
                        invoice_id=inv.id,
                        amount=amount,
                        paid_on=paid_on,
                        method=method or None,
                        reference=ref or None,
                    )
                st.success(f"Payment of {amount} {inv.currency} recorded.")
                st.rerun()
            except ValueError as exc:
                st.error(md_msg(exc))
if receivable:
    with st.expander("Credit note"), st.form("credit"):
        lines = st.multiselect(
            "Lines to credit (none = all)", list(inv.lines["line"]), key="credit-lines"
        )
        on = st.date_input("Credit note date", value=today)
        if st.form_submit_button("Issue credit note"):
            try:
                with session() as s:
                    number = create_credit_note(
                        session=s,
                        actor=actor,
                        invoice_id=inv.id,
                        on=on,
                        line_numbers=[int(n) for n in lines] or None,
                    )
                st.success(f"Credit note {number} issued.")
                st.rerun()
            except ValueError as exc:
                st.error(md_msg(exc))
if inv.status in ("draft", "issued"):
    with st.expander("Void"), st.form("void"):
        reason = st.text_input("Reason")
        if st.form_submit_button("Void invoice"):
            try:
                with session() as s:
                    void_invoice(session=s, actor=actor, invoice_id=inv.id, reason=reason)
                st.success(f"{inv.number} voided.")
                st.rerun()
            except ValueError as exc:
                st.error(md_msg(exc))
