"""My account: the user's login sessions (revocable) and, for admins, a TOTP second factor."""

from datetime import UTC, datetime

import streamlit as st

from db.second_factor import (
    ROLES_OFFERED,
    SecondFactorError,
    enabled_since,
    enrol,
    new_secret,
    setup_uri,
)
from safe.text import md, md_msg
from ui.auth import guard
from ui.login_sessions import sessions_panel
from ui.store import session

_PENDING = "_totp_pending"  # the secret being set up: shown until confirmed, then dropped

actor = guard("own_account")
st.title("My account")
st.caption(f"Signed in as {md(actor.username)} ({actor.role})")

st.subheader("Login sessions")
sessions_panel(actor, everyone=False)

if actor.role in ROLES_OFFERED:
    st.subheader("Second factor (authenticator app)")
    with session() as s:
        since = enabled_since(session=s, actor=actor)
    if since is not None:
        st.success(f"On since {since:%Y-%m-%d %H:%M} UTC: every login asks for a code.")
        st.caption("Lost the device? Another admin can reset it on the Users page.")
    elif _PENDING not in st.session_state:
        st.caption("Adds a 6-digit code from an authenticator app to every login.")
        if st.button("Set up a second factor"):
            st.session_state[_PENDING] = new_secret()
            st.rerun()
    else:
        secret = st.session_state[_PENDING]
        st.warning(
            "Add this secret to your authenticator app now: it is shown only until "
            "you confirm, and never again."
        )
        st.code(secret, language=None)
        st.code(setup_uri(secret=secret, username=actor.username), language=None)
        with st.form("totp-confirm"):
            code = st.text_input("Code from the app", max_chars=8)
            confirm = st.form_submit_button("Confirm")
        if confirm:
            try:
                with session() as s:
                    enrol(session=s, actor=actor, secret=secret, code=code, now=datetime.now(UTC))
            except SecondFactorError as exc:
                st.error(md_msg(exc))
            else:
                del st.session_state[_PENDING]
                st.rerun()
        if st.button("Cancel set-up"):
            del st.session_state[_PENDING]
            st.rerun()
