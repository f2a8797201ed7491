"""Billing run: pick a month, preview invoices and findings, approve, run, issue, export."""

from datetime import date

import streamlit as st

from db.billing.common import period_choices
from db.billing.exports import EXPORT_FORMATS, export_invoices
from db.billing.findings import approve_entries, billing_runs
from db.billing.invoices import issue_invoices, period_invoices
from db.billing.run import RunPreview, preview_run, run_billing
from safe.text import md_msg
from ui.auth import guard
from ui.feedback import done, job
from ui.present import show_table
from ui.store import session
from ui.tables import downloads, paged, to_csv

actor = guard("work_billing")
st.title("Billing run")


def _preview(period: str) -> RunPreview:
    """Kept while the store is unchanged (db/billing/preview_cache.py): an edit here, in
    another replica or through the API shows on the next rerun, never a stale preview."""
    with st.spinner("Checking every time entry against its contract…"), session() as s:
        return preview_run(session=s, actor=actor, period=period)


today = date.today()
months = period_choices(today)
period = st.selectbox("Period (bill dates in this month)", months, index=1, key="billing-period")
try:
    preview = _preview(period)
except ValueError as exc:
    st.error(md_msg(exc))
    st.stop()

m = st.columns(4)
m[0].metric("Invoices", len(preview.invoices))
m[1].metric("Entries checked", f"{preview.entries_checked:,}")
m[2].metric(
    "Billing accuracy",
    "—" if not preview.entries_checked else f"{preview.accuracy:.1%}",
    help="Entries with no finding / all entries checked.",
)
m[3].metric("Findings", f"{len(preview.findings):,}")

tabs = st.tabs(["Invoices", "Lines", "Findings", "Accuracy by client", "Drafts and issue", "Runs"])
with tabs[0]:
    show_table(paged(preview.invoices, "inv-page"), hide_index=True, width="stretch")
    if not preview.alerts.empty:
        st.warning(f"{len(preview.alerts)} block-hours contracts at or above their alert level.")
        show_table(preview.alerts, hide_index=True, width="stretch")
    if st.button("Run billing: save drafts", type="primary", key="run-billing"):
        try:
            with job(f"Billing run for {period}") as running, session() as s:
                summary = run_billing(session=s, actor=actor, period=period, progress=running.step)
                running.finish(summary.text())
            done(summary.text())
        except ValueError as exc:
            st.error(md_msg(exc))
with tabs[1]:
    show_table(paged(preview.lines, "line-page"), hide_index=True, width="stretch")
    downloads(preview.lines, f"billing-lines-{period}")
with tabs[2]:
    codes = sorted(preview.findings["code"].unique())
    chosen = st.multiselect("Reason codes", codes, default=codes, key="finding-codes")
    shown = preview.findings[preview.findings["code"].isin(chosen)].reset_index(drop=True)
    page = paged(shown, "finding-page")
    event = show_table(
        page,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        key="findings-table",
    )
    st.download_button(
        "Download findings CSV",
        lambda: to_csv(shown),
        file_name=f"billing-findings-{period}.csv",
        mime="text/csv",
        on_click="ignore",
    )
    picked = page.iloc[event.selection.rows] if event and event.selection.rows else page.iloc[0:0]
    approvable = picked[(picked["code"] == "NOT_APPROVED") & picked["entry_id"].notna()]
    st.caption("Select NOT_APPROVED rows to approve the out-of-scope work behind them.")
    if st.button(f"Approve {len(approvable)} out-of-scope entries", disabled=approvable.empty):
        try:
            with session() as s:
                n = approve_entries(
                    session=s, actor=actor, entry_ids=[int(i) for i in approvable["entry_id"]]
                )
            done(f"{n} entries approved. Run billing again to put them on the drafts.")
        except ValueError as exc:
            st.error(md_msg(exc))
with tabs[3]:
    show_table(
        preview.accuracy_by_client.sort_values("accuracy"),
        hide_index=True,
        width="stretch",
        column_config={"accuracy": st.column_config.ProgressColumn(min_value=0, max_value=1)},
    )
with tabs[4]:
    with session() as s:
        drafts = period_invoices(session=s, actor=actor, period=period)
    if drafts.empty:
        st.info("No invoices saved for this period yet: run billing first.")
    else:
        ev = show_table(
            drafts,
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="multi-row",
            key="drafts-table",
        )
        rows = drafts.iloc[ev.selection.rows] if ev and ev.selection.rows else drafts.iloc[0:0]
        c1, c2 = st.columns(2)
        on = c1.date_input("Issue date", value=today, key="issue-date")
        anyway = c2.checkbox("Issue despite open findings", key="issue-anyway")
        ids = [int(i) for i in rows.loc[rows["status"] == "draft", "id"]]
        if st.button(f"Issue {len(ids)} selected drafts", disabled=not ids, key="issue"):
            try:
                with session() as s:
                    numbers = issue_invoices(
                        session=s, actor=actor, invoice_ids=ids, on=on, accept_findings=anyway
                    )
                    done(f"{len(numbers)} invoice(s) issued: {', '.join(numbers)}.")
            except ValueError as exc:
                st.error(md_msg(exc))
        if len(rows) == 1:
            st.page_link(
                "pages/invoice_detail.py",
                label=f"Open {rows.iloc[0]['number']}",
                query_params={"id": str(int(rows.iloc[0]["id"]))},
            )
    with st.expander("Export issued invoices of this month"):
        fmt = st.radio("Format", EXPORT_FORMATS, horizontal=True, key="export-fmt")
        xlsx = fmt == "generic" and st.checkbox("XLSX", key="export-xlsx")
        with session() as s:
            data, name, count = export_invoices(
                session=s, actor=actor, period=period, fmt=fmt, xlsx=xlsx
            )
        st.download_button(f"Download {count} invoices ({name})", data, file_name=name)
with tabs[5]:
    with session() as s:
        runs = billing_runs(session=s, actor=actor)
    show_table(
        runs,
        hide_index=True,
        width="stretch",
        column_config={"accuracy": st.column_config.ProgressColumn(min_value=0, max_value=1)},
    )
