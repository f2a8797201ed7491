"""Admin: users and roles."""

import pandas as pd
import streamlit as st

from access.roles import ROLES
from db.login_throttle import failures, locked_usernames, unlock
from db.users import UserError, create_user, list_users, set_active
from ui.auth import guard
from ui.store import session

actor = guard("manage_users")
st.title("Users")
with session() as s:
    users = pd.DataFrame(list_users(session=s, actor=actor))
st.dataframe(users, hide_index=True, width="stretch")

with st.form("add-user"):
    st.subheader("Add user")
    a, b = st.columns(2)
    username = a.text_input("Username")
    role = b.selectbox("Role", ROLES, index=1)
    name = a.text_input("Full name")
    email = b.text_input("Email")
    password = a.text_input("Initial password (12+ characters, not a common one)", type="password")
    if st.form_submit_button("Add user"):
        try:
            with session() as s:
                create_user(
                    session=s,
                    username=username,
                    password=password,
                    role=role,
                    display_name=name or None,
                    email=email or None,
                    actor=actor,
                )
            st.success(f"User {username} added.")
            st.rerun()
        except UserError as exc:
            st.error(str(exc))

if not users.empty:
    with st.form("activate"):
        st.subheader("Activate / deactivate")
        uid = st.selectbox(
            "User",
            users["id"].tolist(),
            format_func=lambda i: users.set_index("id").loc[i, "username"],
        )
        active = st.toggle("Active", value=True)
        if st.form_submit_button("Apply"):
            try:
                with session() as s:
                    set_active(session=s, actor=actor, user_id=int(uid), active=active)
                st.rerun()
            except UserError as exc:
                st.error(str(exc))

st.subheader("Login lockouts")
with session() as s:
    locked = locked_usernames(session=s)
    recent = pd.DataFrame(failures(session=s, actor=actor, limit=100))
if locked:
    with st.form("unlock"):
        who = st.selectbox("Locked username", locked)
        if st.form_submit_button("Unlock"):
            with session() as s:
                unlock(session=s, actor=actor, username=who)
            st.success(f"{who} unlocked.")
            st.rerun()
else:
    st.caption("No username is locked.")
st.caption("Failed login attempts (latest first)")
st.dataframe(recent, hide_index=True, width="stretch")
