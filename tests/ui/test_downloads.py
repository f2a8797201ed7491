"""Download buttons build their file only when clicked (ui.tables.downloads): an eager XLSX
of a billing run's lines cost seconds on every rerun of the page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import pandas as pd

    from safe import sheets
    from ui.tables import downloads

    built: list[str] = []
    real_csv, real_xlsx = sheets.csv_bytes, sheets.xlsx_bytes
    sheets.csv_bytes = lambda df: built.append("csv") or real_csv(df)
    sheets.xlsx_bytes = lambda df: built.append("xlsx") or real_xlsx(df)
    try:
        downloads(pd.DataFrame({"a": range(3)}), "t")
    finally:
        sheets.csv_bytes, sheets.xlsx_bytes = real_csv, real_xlsx
    import streamlit as st

    st.write(f"built: {built}")


def test_a_rerun_builds_no_file_and_both_buttons_are_there():
    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert {b.label for b in at.get("download_button")} == {"Download CSV", "Download XLSX"}
    assert at.markdown[0].value == "built: []"
