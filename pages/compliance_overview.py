"""Compliance overview: requirements unmet on a date or within the horizon, worst first."""

from datetime import date

import streamlit as st

from access.roles import Actor
from db.compliance.gaps import GapReport, gap_report, report_csv, report_pdf
from safe.text import md_msg
from ui.auth import guard
from ui.present import show_table
from ui.store import session
from ui.tables import paged

actor = guard("work_compliance")

SEVERITIES = ["critical", "high", "medium", "low"]
GAP_COLUMNS = [
    "severity",
    "starts",
    "days_until",
    "contract",
    "client",
    "technician",
    "requirement",
    "kind",
    "reason",
]


@st.cache_data(ttl=120, show_spinner="Checking every requirement…")
def load(on: date, horizon: int, who: Actor) -> GapReport:
    with session() as s:
        return gap_report(session=s, actor=who, on=on, horizon_days=horizon)


@st.cache_data(ttl=120, show_spinner=False)
def pdf_of(on: date, horizon: int, who: Actor) -> bytes:
    return report_pdf(load(on, horizon, who))


st.title("Compliance")
st.caption(
    "A gap is a contract requirement (insurance, certification, security clause, technician "
    "credential) that is unmet on the date, or will be within the horizon. Expiry dates are "
    "the last day a policy or credential is valid; in the reasons below, 'expires on' names "
    "the first day it no longer counts."
)
left, right = st.columns(2)
on = left.date_input("As of", value=date.today(), key="on", format="YYYY-MM-DD")
horizon = int(
    right.number_input("Horizon (days ahead)", min_value=0, max_value=730, value=60, step=10)
)
try:
    report = load(on, horizon, actor)
except ValueError as exc:
    st.error(md_msg(exc))
    st.stop()

table = report.table
counts = table["severity"].value_counts()
cols = st.columns(4)
for col, sev in zip(cols, SEVERITIES, strict=True):
    col.metric(sev.capitalize(), int(counts.get(sev, 0)))
if table.empty:
    st.success(f"No gaps: every requirement is met from {on} for {horizon} days.")
    st.stop()

chosen = st.multiselect("Severity", SEVERITIES, default=SEVERITIES[:3], key="severity")
shown = table[table["severity"].isin(chosen)]
a, b = st.columns(2)
a.download_button(
    "Download CSV (all gaps)",
    report_csv(report),
    file_name=f"compliance-gaps-{on}.csv",
    mime="text/csv",
    key="gaps-csv",
)
b.download_button(
    "Download PDF report",
    lambda: pdf_of(on, horizon, actor),
    file_name=f"compliance-risk-{on}.pdf",
    mime="application/pdf",
    key="gaps-pdf",
)

gaps_tab, contract_tab, tech_tab = st.tabs(["Gaps", "By contract", "By technician"])
with gaps_tab:
    st.caption(f"{len(shown)} of {len(table)} gaps, most urgent first")
    show_table(
        paged(shown[GAP_COLUMNS], key="gaps-page"),
        hide_index=True,
        width="stretch",
        column_config={
            "days_until": st.column_config.NumberColumn("days", help="negative: already open"),
            "reason": st.column_config.TextColumn(width="large"),
        },
    )
with contract_tab:
    by_contract = report.by_contract.drop(columns="contract_id")
    show_table(paged(by_contract, key="contract-page"))
with tech_tab:
    by_tech = report.by_technician.drop(columns="technician_id")
    if by_tech.empty:
        st.info("No technician is missing a credential in this window.")
    else:
        show_table(paged(by_tech, key="tech-page"))
