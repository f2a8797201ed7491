"""Tables the way users expect: paginated on screen, downloadable whole as CSV or XLSX."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from safe import sheets

PAGE_SIZE = 50


def to_xlsx(df: pd.DataFrame) -> bytes:
    """Formula-safe XLSX of the whole table (safe.sheets)."""
    return sheets.xlsx_bytes(df)


def to_csv(df: pd.DataFrame) -> bytes:
    """Formula-safe UTF-8 CSV of the whole table (safe.sheets)."""
    return sheets.csv_bytes(df)


def downloads(df: pd.DataFrame, name: str) -> None:
    """CSV and XLSX buttons for the whole table, each file built only when clicked (built on
    every rerun, the XLSX of a billing run's lines alone took seconds)."""
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download CSV",
        lambda: to_csv(df),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{name}-csv",
        on_click="ignore",
    )
    c2.download_button(
        "Download XLSX",
        lambda: to_xlsx(df),
        file_name=f"{name}.xlsx",
        key=f"{name}-xlsx",
        mime=sheets.XLSX_MIME,
        on_click="ignore",
    )


def paged(df: pd.DataFrame, key: str, page_size: int = PAGE_SIZE) -> pd.DataFrame:
    """The slice of `df` on the page the user picked (keeps big tables fast to send)."""
    pages = max(1, -(-len(df) // page_size))
    if pages == 1:
        return df
    page = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, key=key)
    return df.iloc[(page - 1) * page_size : page * page_size]
