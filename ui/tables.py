"""Tables the way users expect: paginated on screen, downloadable whole as CSV or XLSX."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

PAGE_SIZE = 50


def to_xlsx(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    out.to_excel(buf, index=False)
    return buf.getvalue()


def downloads(df: pd.DataFrame, name: str) -> None:
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download CSV",
        df.to_csv(index=False).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{name}-csv",
    )
    c2.download_button(
        "Download XLSX",
        to_xlsx(df),
        file_name=f"{name}.xlsx",
        key=f"{name}-xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def paged(df: pd.DataFrame, key: str, page_size: int = PAGE_SIZE) -> pd.DataFrame:
    """The slice of `df` on the page the user picked (keeps big tables fast to send)."""
    pages = max(1, -(-len(df) // page_size))
    if pages == 1:
        return df
    page = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, key=key)
    return df.iloc[(page - 1) * page_size : page * page_size]
