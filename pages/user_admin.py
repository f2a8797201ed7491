"""Admin: users and roles."""

import pandas as pd
import streamlit as st

from access.roles import ROLES
from db.login_throttle import failures, locked_addresses, locked_usernames, unlock, unlock_address
from db.second_factor import SecondFactorError, enrolled_users, reset
from db.users import UserError, create_user, list_users, set_active
from safe.text import md, md_msg
from ui.auth import guard
from ui.login_sessions import sessions_panel
from ui.present import show_table
from ui.store import session

actor = guard("manage_users")
st.title("Users")
with session() as s:
    users = pd.DataFrame(list_users(session=s, actor=actor))
show_table(users, hide_index=True, width="stretch")

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
            st.success(f"User {md(username)} added.")
            st.rerun()
        except UserError as exc:
            st.error(md_msg(exc))

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
                st.error(md_msg(exc))

st.subheader("Login sessions")
sessions_panel(actor, everyone=True)

st.subheader("Second factors")
with session() as s:
    enrolled = enrolled_users(session=s, actor=actor)
if enrolled:
    names = {u["id"]: u["username"] for u in enrolled}
    with st.form("reset-totp"):
        who = st.selectbox("User with a second factor", list(names.values()))
        who_id = next(k for k, v in names.items() if v == who)
        if st.form_submit_button("Reset second factor"):
            try:
                with session() as s:
                    reset(session=s, actor=actor, user_id=int(who_id))
            except SecondFactorError as exc:
                st.error(md_msg(exc))
            else:
                st.success(f"Second factor of {md(names[who_id])} reset: they may set it up again.")
else:
    st.caption("No user has a second factor.")

st.subheader("Login lockouts")
with session() as s:
    locked = locked_usernames(session=s)
    addresses = locked_addresses(session=s)
    recent = pd.DataFrame(failures(session=s, actor=actor, limit=100))
if locked:
    with st.form("unlock"):
        who = st.selectbox("Locked username", locked)
        if st.form_submit_button("Unlock"):
            with session() as s:
                unlock(session=s, actor=actor, username=who)
            st.success(f"{md(who)} unlocked.")  # a typed username: untrusted
            st.rerun()
else:
    st.caption("No username is locked.")
if addresses:
    with st.form("unlock-address"):
        where = st.selectbox("Locked address", addresses)
        if st.form_submit_button("Unlock address"):
            with session() as s:
                unlock_address(session=s, actor=actor, address=where)
            st.success(f"{md(where)} unlocked.")
            st.rerun()
else:
    st.caption("No client address is locked.")
st.caption("Failed login attempts (latest first)")
show_table(recent, hide_index=True, width="stretch")
