"""The login sessions table with its Revoke form, shared by My account and the Users page."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from access.roles import Actor
from db.login_sessions import list_sessions, revoke_session
from safe.text import md_msg
from ui.auth import login_token_hash, sign_out
from ui.present import show_table
from ui.store import session


def sessions_panel(actor: Actor, *, everyone: bool) -> None:
    """The open sessions (the actor's own, or with `everyone` all users') and a Revoke form;
    revoking this browser's own session signs it out at once."""
    now = datetime.now(UTC)
    with session() as s:
        rows = list_sessions(
            session=s, actor=actor, user_id=None if everyone else actor.user_id, now=now
        )
    if not rows:
        st.caption("No open login session.")
        return
    mine = login_token_hash()
    table = pd.DataFrame(rows)
    table["this session"] = table["token_hash"] == mine
    hidden = ["token_hash", "id"] + ([] if everyone else ["user"])
    show_table(table.drop(columns=hidden))
    labels = {
        r["id"]: f"#{r['id']} {r['user']} · {r['created']:%Y-%m-%d %H:%M} UTC"
        f" · {r['address'] or 'address unknown'}"
        + (" (this session)" if r["token_hash"] == mine else "")
        for r in rows
    }
    with st.form("revoke-session"):
        label = st.selectbox("Session to revoke", list(labels.values()))
        chosen = next(k for k, v in labels.items() if v == label)
        if st.form_submit_button("Revoke session"):
            try:
                with session() as s:
                    revoke_session(session=s, actor=actor, session_id=int(chosen), now=now)
            except ValueError as exc:
                st.error(md_msg(exc))
            else:
                if next(r for r in rows if r["id"] == chosen)["token_hash"] == mine:
                    sign_out()
                st.rerun()
