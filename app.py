"""Contract Desk entry point: resolve the user and role, then route to the pages it may see."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from access.deployment import deployment
from access.roles import SHARE
from db.config import ConfigError
from db.share_links import resolve
from ui.auth import (
    ACCESS_CHANGED,
    access_changed,
    current_actor,
    restore,
    revalidate,
    sign_in,
    sign_out,
    write_cookie,
)
from ui.navigation import pages_for
from ui.store import engine, session, store_guard

st.set_page_config(page_title="Contract Desk", page_icon=":material/contract:", layout="wide")
engine()  # a missing or unreachable store stops here with a clear message
try:
    deployment()  # a malformed security setting stops here too, not at the first login
except ConfigError as exc:
    st.error(f"**The security settings are malformed.** {exc}")
    st.stop()


def _route() -> None:
    """Resolve the actor and run the page it asked for."""
    token = st.query_params.get("share")
    if token and current_actor() is None:
        with session() as s:
            result = resolve(session=s, token=token, now=datetime.now(UTC), detail="opened")
        if result.actor is None:
            st.error(result.reason)
        else:
            sign_in(result.actor, remember=False, share_token=token)

    revalidate()  # every rerun: access that ended since the last one ends this session
    if access_changed():
        st.warning(ACCESS_CHANGED)

    actor = restore()
    write_cookie()
    if actor is None:
        st.navigation(
            [st.Page("pages/login.py", title="Log in", icon=":material/login:")], position="hidden"
        ).run()
    elif actor.role == SHARE:
        # A shared link opens the executive page only: no menu, nothing else registered.
        st.navigation(
            [st.Page("pages/executive.py", title="Executive dashboard")], position="hidden"
        ).run()
    else:
        sections = {
            name: [st.Page(p.path, title=p.title, icon=p.icon) for p in specs]
            for name, specs in pages_for(actor).items()
        }
        with st.sidebar:
            st.caption(f"Signed in as **{actor.username}** ({actor.role})")
            if st.button("Log out", icon=":material/logout:"):
                sign_out()
                st.rerun()
        if actor.can("manage_users") and "Admin" in sections:
            from db.onboarding import setup_incomplete

            with session() as s:
                if setup_incomplete(session=s):  # a new company: the checklist opens first
                    start = next(p for p in sections["Admin"] if p.title == "Getting started")
                    sections = {"Start": [start]} | {
                        k: [p for p in v if p is not start] for k, v in sections.items()
                    }
        st.navigation(sections, expanded=True).run()


with store_guard():  # the store failing mid-run: a clear message, nothing half-written
    _route()
