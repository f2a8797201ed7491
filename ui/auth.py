"""The logged-in actor and the server-side guard every page runs first.

A Streamlit session lives as long as its websocket, so a reload would log the user out.
Signing in therefore also opens a remembered login (`db.login_sessions`): its random token
goes into a `SameSite=Strict` cookie, and a new connection without an actor resumes from it.
Logging out revokes the token on the server, so a copied cookie is useless afterwards.

The cookie is written by a script (Streamlit offers no way to set a response header from
the app), so it cannot be HttpOnly: it is kept `SameSite=Strict`, 12 h at most, `Secure`
when the app sees https or the deployment forces it (behind a TLS proxy), and only its hash
is stored. Every rerun re-checks it, so a revoked session ends on its next interaction.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st
from streamlit.errors import StreamlitAPIException

from access.deployment import client_address, cookie_is_secure, deployment
from access.roles import Actor, PermissionDenied, require
from access.tokens import token_hash
from db.config import ROOT
from db.login_sessions import SESSION_HOURS, close_login, open_login, recheck, resume
from safe.text import md_msg
from ui.store import session

ENTRY = ROOT / "app.py"
COOKIE = "contract_desk_login"

_KEY = "actor"
_LOGIN_KEY = "_login_token"
_COOKIE_JS = "_login_cookie_js"
_SHARE_KEY = "_share_token"
_CHANGED_KEY = "_access_changed"
RECHECK_SECONDS = 5  # how long a revoked session may keep its last answer, at most
ACCESS_CHANGED = "Your access changed: sign in again (or ask for a new link)."


def current_actor() -> Actor | None:
    return st.session_state.get(_KEY)


def sign_in(actor: Actor, *, remember: bool = True, share_token: str | None = None) -> None:
    """Sign this session in; `remember` keeps the browser signed in across reloads."""
    st.session_state[_KEY] = actor
    if share_token is not None:
        st.session_state[_SHARE_KEY] = share_token
    if remember and actor.user_id is not None:
        with session() as s:
            token, _ = open_login(
                session=s,
                actor=actor,
                now=datetime.now(UTC),
                address=request_address(),
                user_agent=_header("User-Agent"),
            )
        st.session_state[_LOGIN_KEY] = token
        st.session_state[_COOKIE_JS] = _cookie(token, SESSION_HOURS * 3600)


def sign_out() -> None:
    token = st.session_state.get(_LOGIN_KEY)
    if token:
        with session() as s:
            close_login(session=s, token=token, now=datetime.now(UTC))
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[_COOKIE_JS] = _cookie("", 0)


def _header(name: str) -> str | None:
    try:
        value = st.context.headers.get(name)
    except Exception:  # noqa: BLE001 - no browser request (e.g. AppTest)
        return None
    return value if isinstance(value, str) and value else None


def request_address() -> str | None:
    """The client's address for throttling and the sessions list; `X-Forwarded-For` only
    when the deployment trusts a proxy (access/deployment.py)."""
    try:
        remote = st.context.ip_address
        headers = dict(st.context.headers)
    except Exception:  # noqa: BLE001 - no browser request (e.g. AppTest)
        remote, headers = None, {}
    remote = remote if isinstance(remote, str) else None
    return client_address(remote, headers, trusted_proxies=deployment().trusted_proxies)


def login_token_hash() -> str | None:
    """The hash of this session's login token (to mark "this session" in a list)."""
    token = st.session_state.get(_LOGIN_KEY)
    return token_hash(token) if token else None


def restore() -> Actor | None:
    """Resume a remembered login from this browser's cookie (a reload, a new tab)."""
    if current_actor() is not None:
        return current_actor()
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser request (e.g. a script run in tests)
        token = None
    if not isinstance(token, str) or not token:
        return None
    with session() as s:
        actor = resume(session=s, token=token, now=datetime.now(UTC))
    if actor is not None:
        st.session_state[_KEY] = actor
        st.session_state[_LOGIN_KEY] = token
    return actor


@st.cache_data(ttl=RECHECK_SECONDS, show_spinner=False, max_entries=10_000)
def _rechecked(
    key: str, _actor: Actor, _login_token: str | None, _share_token: str | None
) -> Actor | None:
    # Only `key` (the token's hash, or the user id) names the entry: the raw token is never
    # hashed into Streamlit's cache. A few ms per miss, none per hit.
    with session() as s:
        return recheck(
            session=s,
            actor=_actor,
            login_token=_login_token,
            share_token=_share_token,
            now=datetime.now(UTC),
        )


def revalidate() -> Actor | None:
    """Check the session's actor against the store on this rerun (issue 18).

    Access that ended (logout elsewhere, deactivation, revoked link) signs the session out
    with a clear message; a role change replaces the actor.
    """
    actor = current_actor()
    if actor is None:
        return None
    login = st.session_state.get(_LOGIN_KEY)
    share = st.session_state.get(_SHARE_KEY)
    key = token_hash(share or login) if (share or login) else f"user:{actor.user_id}"
    fresh = _rechecked(key, actor, login, share)
    if fresh is None:
        for k in list(st.session_state.keys()):
            del st.session_state[k]
        st.session_state[_CHANGED_KEY] = True
        return None
    if fresh != actor:
        st.session_state[_KEY] = fresh
    return fresh


def access_changed() -> bool:
    """True once, right after `revalidate` signed this session out."""
    return bool(st.session_state.pop(_CHANGED_KEY, False))


def write_cookie() -> None:
    """Send a pending cookie change to the browser (after sign-in or sign-out)."""
    script = st.session_state.pop(_COOKIE_JS, None)
    if script:
        st.html(script, unsafe_allow_javascript=True)


def _cookie(token: str, max_age: int) -> str:
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - no browser request (e.g. AppTest)
        url = None
    return cookie_script(token, max_age, secure=cookie_is_secure(url, deployment()))


def cookie_script(token: str, max_age: int, *, secure: bool) -> str:
    """The script that sets (or with max_age 0 clears) the login cookie."""
    # The token is URL-safe base64 made here, never user input: nothing to escape.
    flag = "; Secure" if secure else ""
    return (
        f"<script>document.cookie = '{COOKIE}={token}; Path=/; Max-Age={max_age}; "
        f"SameSite=Strict{flag}';</script>"
    )


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
        st.error(md_msg(exc))
        st.stop()
        raise


def run_action(fn, *args, success: str | None = None, **kwargs):
    """Run a capability action; show PermissionDenied/ValueError as a message, not a trace."""
    try:
        result = fn(*args, **kwargs)
    except PermissionDenied as exc:
        st.error(md_msg(exc))
        return None
    if success:
        st.success(success)
    return result
