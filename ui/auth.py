"""The logged-in actor and the server-side guard every page runs first."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from access.roles import Actor, PermissionDenied, require
from db.config import ROOT

ENTRY = ROOT / "app.py"

_KEY = "actor"


def current_actor() -> Actor | None:
    return st.session_state.get(_KEY)


def sign_in(actor: Actor) -> None:
    st.session_state[_KEY] = actor


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def guard(permission: str) -> Actor:
    """Stop the page unless the session's actor has `permission` (checked on the server).

    A deep link opened without a session (Streamlit may run a pages/ file directly on first
    load) is sent to the entry point, which shows the login form.
    """
    if current_actor() is None:
        try:
            st.switch_page(str(ENTRY))
        except StreamlitAPIException:
            pass  # no router (e.g. the page run on its own): refuse below
    try:
        return require(current_actor(), permission)
    except PermissionDenied as exc:
        st.error(str(exc))
        st.stop()
        raise


def run_action(fn, *args, success: str | None = None, **kwargs):
    """Run a capability action; show PermissionDenied/ValueError as a message, not a trace."""
    try:
        result = fn(*args, **kwargs)
    except PermissionDenied as exc:
        st.error(str(exc))
        return None
    if success:
        st.success(success)
    return result
