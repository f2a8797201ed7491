"""Log in; on a store with no users yet, create the first admin instead (no default password)."""

import streamlit as st

from access.secretbox import SecretError
from db.users import LoginLocked, UserError, authenticate, count_users, create_user
from safe.text import md_msg
from ui.auth import request_address, sign_in
from ui.store import session

st.title("Contract Desk")

with session() as s:
    first_run = count_users(session=s) == 0

if first_run:
    st.subheader("Create the first admin")
    st.caption("No users exist yet. The account you create here is the administrator.")
    with st.form("first-admin"):
        username = st.text_input("Username")
        name = st.text_input("Full name")
        password = st.text_input("Password (12+ characters, not a common one)", type="password")
        again = st.text_input("Repeat password", type="password")
        create = st.form_submit_button("Create admin")
    if create:
        if password != again:
            st.error("The two passwords differ.")
        else:
            try:
                with session() as s:
                    create_user(
                        session=s,
                        username=username,
                        password=password,
                        role="admin",
                        display_name=name or None,
                        actor=None,
                    )
                st.success("Admin created: log in below.")
                st.rerun()
            except UserError as exc:
                st.error(md_msg(exc))
else:
    with st.form("login"):
        username = st.text_input("Username")
        password = st.text_input("Password", type="password")
        code = st.text_input(
            "Authenticator code",
            max_chars=8,
            help="Only if you turned on a second factor (My account): the app's 6 digits.",
        )
        submitted = st.form_submit_button("Log in")
    if submitted:
        locked = None
        with session() as s:
            try:
                actor = authenticate(
                    session=s,
                    username=username,
                    password=password,
                    address=request_address(),
                    code=code,
                )
            except (LoginLocked, SecretError) as exc:  # caught inside: the failure is kept
                actor, locked = None, exc
        if locked is not None:
            st.error(str(locked))
        elif actor is None:
            st.error("Unknown user, wrong password or wrong authenticator code.")
        else:
            sign_in(actor)
            st.rerun()
