"""Import tickets from a help-desk export (CSV/XLSX) with a preset or a saved mapping."""

import pandas as pd
import streamlit as st

from db.sla.import_mappings import list_mappings, save_mapping
from db.sla.tickets_import import import_tickets
from safe.text import md, md_msg
from sla import ImportRejected
from sla.import_presets import FIELDS, PRESETS, REQUIRED
from ui.auth import guard
from ui.feedback import job
from ui.present import show_table
from ui.store import session
from ui.tables import downloads

actor = guard("work_sla")
st.title("Import tickets")
st.caption(
    "Upserts by (source, ticket id): importing the same file again changes nothing. A file "
    "that cannot be read or lacks a required column imports nothing; bad rows are listed "
    "and the good rows import. Files up to 100 MiB (104.9 MB); the header may sit below a "
    "title row."
)

with session() as s:
    saved = list_mappings(session=s)
choices = [f"preset: {p}" for p in PRESETS] + [f"mapping: {m}" for m in saved]
with st.form("import"):
    upload = st.file_uploader("Ticket export", type=["csv", "xlsx"])
    how = st.selectbox("Columns", choices)
    tz = st.text_input("Time zone of times without an offset", "UTC")
    order = st.radio(
        "Dates like 05.11.2026",
        ["detect", "day first (5 Nov)", "month first (11 May)"],
        horizontal=True,
        key="dayfirst",
        help="'detect' uses the preset's order unless a row settles it (13.05.2026 can only be "
        "day first).",
    )
    go = st.form_submit_button("Import", type="primary")
if go:
    if upload is None:
        st.error("Choose a file first.")
    else:
        kind, _, name = how.partition(": ")
        try:
            with job(f"Importing {upload.name}") as running, session() as s:
                running.step(0.1, f"Reading {upload.size / 1e6:,.1f} MB and matching clients…")
                report = import_tickets(
                    session=s,
                    actor=actor,
                    data=upload.getvalue(),
                    filename=upload.name,
                    preset=name if kind == "preset" else None,
                    mapping=name if kind == "mapping" else None,
                    source_tz=tz.strip() or "UTC",
                    dayfirst={"detect": None}.get(order, order.startswith("day")),
                )
                running.finish(f"{report.source}: {report.summary}")
        except (ImportRejected, ValueError) as exc:
            st.error(f"Nothing was imported. {md_msg(exc)}")
        else:
            st.session_state["import_report"] = report
            st.toast(f"Tickets: {report.summary}", icon=":material/check_circle:")
report = st.session_state.get("import_report")
if report is not None:
    st.success(f"{md(report.source)}: {report.summary}")
    if len(report.fuzzy_matches):
        st.warning("Client names matched approximately — check them:")
        show_table(report.fuzzy_matches, hide_index=True, width="stretch")
    if len(report.errors):
        st.error(f"{len(report.errors)} row(s) were not imported:")
        show_table(report.errors, hide_index=True, width="stretch")
        downloads(report.errors, "ticket-import-errors")

st.subheader("Custom mappings")
st.caption(f"Map each field to the column header in your export. Required: {', '.join(REQUIRED)}.")
with st.form("mapping"):
    name = st.text_input("Mapping name")
    base = saved.get(name, {}) if name else {}
    editor = st.data_editor(
        pd.DataFrame({"field": list(FIELDS), "column": [base.get(f, "") for f in FIELDS]}),
        disabled=["field"],
        hide_index=True,
        width="stretch",
        key="mapping_editor",
    )
    if st.form_submit_button("Save mapping"):
        mapping = dict(zip(editor["field"], editor["column"].fillna(""), strict=True))
        try:
            with session() as s:
                save_mapping(session=s, actor=actor, name=name, mapping=mapping)
        except ValueError as exc:
            st.error(md_msg(exc))
        else:
            st.success(f"Mapping “{md(name)}” saved.")
if saved:
    show_table(
        pd.DataFrame([{"name": k, **v} for k, v in saved.items()]), hide_index=True, width="stretch"
    )
