"""When each ticket source last delivered (webhooks), with a warning when one went quiet."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from db.inbound_views import QUIET_AFTER, source_activity
from ui.store import session


def _ago(now: datetime, then) -> str:
    minutes = int((now - then.to_pydatetime()).total_seconds() // 60)
    return f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"


def show_source_activity(now: datetime) -> None:
    """One caption line per store; a warning per quiet source. Nothing when no webhooks."""
    with session() as s:
        act = source_activity(session=s, now=now)
    if act.empty:
        return
    st.caption(
        "Live sources — last delivered: "
        + ", ".join(f"{r.source} {_ago(now, r.last_delivered)}" for r in act.itertuples())
    )
    for r in act[act["quiet"]].itertuples():
        silent = _ago(now, r.last_delivered).removesuffix(" ago")
        st.warning(
            f"Source {r.source} has gone quiet: nothing delivered for {silent} "
            f"(warning after {int(QUIET_AFTER.total_seconds() // 3600)} h). "
            "Check its webhook or run `cli.py jobs worker`."
        )
