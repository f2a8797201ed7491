"""Issue 18: an open session ends when its access ends (logout elsewhere, deactivation,
revoked share link) and a role change applies on the next rerun."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from access.roles import SYSTEM
from db.engine import open_store, session_scope
from db.login_sessions import close_login, open_login, recheck
from db.models import User
from db.share_links import create_link, revoke
from db.users import authenticate, create_user, set_active

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _store(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = open_store(url)
    with session_scope(engine) as s:
        create_user(session=s, username="boss", password="boss-pass-long", role="admin", actor=None)
        create_user(
            session=s, username="tech", password="tech-pass-long", role="technician", actor=SYSTEM
        )
    return url, engine


def test_recheck_follows_the_store(tmp_path):
    _, engine = _store(tmp_path)
    with session_scope(engine) as s:
        tech = authenticate(session=s, username="tech", password="tech-pass-long")
        token, _ = open_login(session=s, actor=tech, now=NOW)
        link = create_link(session=s, actor=SYSTEM, label="board", days=7, now=NOW)
    with session_scope(engine) as s:
        assert recheck(session=s, actor=tech, login_token=token, share_token=None, now=NOW) == tech
        s.get(User, tech.user_id).role = "manager"
    with session_scope(engine) as s:
        promoted = recheck(session=s, actor=tech, login_token=token, share_token=None, now=NOW)
        assert promoted.role == "manager"
        close_login(session=s, token=token, now=NOW)  # logged out in another tab
    with session_scope(engine) as s:
        assert recheck(session=s, actor=tech, login_token=token, share_token=None, now=NOW) is None
        assert recheck(session=s, actor=tech, login_token=None, share_token=None, now=NOW)
        set_active(session=s, actor=SYSTEM, user_id=tech.user_id, active=False)
    with session_scope(engine) as s:
        assert recheck(session=s, actor=tech, login_token=None, share_token=None, now=NOW) is None
        share = recheck(session=s, actor=tech, login_token=None, share_token=link, now=NOW)
        assert share == tech
        later = NOW + timedelta(days=8)
        assert recheck(session=s, actor=tech, login_token=None, share_token=link, now=later) is None
        revoke(session=s, actor=SYSTEM, link_id=1, now=NOW)
    with session_scope(engine) as s:
        assert recheck(session=s, actor=tech, login_token=None, share_token=link, now=NOW) is None
