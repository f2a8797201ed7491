"""SLA credit report: one client's service credits for a month, with the evidence."""

from datetime import date

import streamlit as st

from billing.credit_report import report_csv, report_pdf
from db.billing.common import period_choices
from db.billing.credit_report import credit_report
from db.billing.receivables import client_options
from ui.auth import guard
from ui.feedback import job
from ui.present import show_table
from ui.store import session

actor = guard("work_billing")
st.title("SLA credit report")

with session() as s:
    options = client_options(session=s, actor=actor)
c1, c2 = st.columns(2)
picked = c1.selectbox(
    "Client", list(options), format_func=options.get, index=None, placeholder="Choose a client"
)
period = c2.selectbox("Month", period_choices(date.today())[1:], key="credit-period")
if picked is None:
    st.info("Choose a client to see the service credits of its invoices for the month.")
    st.stop()

with job(f"Service credits of {options[picked]} for {period}") as running, session() as s:
    running.step(0.1, "Deciding every SLA target of the month's tickets…")
    rep = credit_report(session=s, actor=actor, client_id=int(picked), period=period)
    running.finish(
        f"{len(rep.credits)} credit(s) from {len(rep.evidence)} measured targets, "
        f"{len(rep.problems)} problem(s)"
    )

for problem in rep.problems:
    st.warning(problem)
given = rep.credits["credit"].sum() if len(rep.credits) else 0
m = st.columns(3)
m[0].metric("Credits due", f"{given:,.2f}")
m[1].metric("On the invoices", f"{rep.on_invoice:,.2f}")
m[2].metric("Targets measured", len(rep.evidence))
if len(rep.credits) and rep.on_invoice != given:
    st.warning(
        "The invoices credit a different amount than the rules give now (rules or tickets "
        "changed since the run): re-run billing for a draft, or issue a credit note."
    )
st.subheader("Credits")
if rep.credits.empty:
    st.info("No service credit is due for this client and month.")
else:
    show_table(rep.credits, hide_index=True, width="stretch")
st.subheader("Evidence")
show_table(rep.evidence, hide_index=True, width="stretch")
name = f"sla-credits-{rep.client}-{rep.period}".replace(" ", "-")
d1, d2 = st.columns(2)
d1.download_button("CSV", report_csv(rep.credits, rep.evidence), f"{name}.csv", "text/csv")
d2.download_button(
    "PDF",
    report_pdf(rep.credits, rep.evidence, client=rep.client, period=rep.period),
    f"{name}.pdf",
    "application/pdf",
)
