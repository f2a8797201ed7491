"""Pick one active secret (share link, API token) from its table and offer to revoke it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.present import show_table


def revoke_picker(rows: pd.DataFrame, label: str, name_column: str) -> tuple[int | None, bool]:
    """Show `rows`; return the picked active row's id (None if none) and whether Revoke was hit."""
    show_table(rows)
    active = rows[rows["status"] == "active"]
    if active.empty:
        return None, False
    names = active.set_index("id")[name_column]
    c1, c2 = st.columns(2)
    pick = c1.selectbox(label, active["id"].tolist(), format_func=lambda i: names.loc[i])
    return int(pick), c2.button("Revoke", type="primary")
