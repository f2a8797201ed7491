"""The API's token cache over real SQLite and PostgreSQL: a revoked token is refused within
TOKEN_TTL seconds, expiry is exact, the row is read once per TTL and the last-used time is
written at most once a minute."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from db.api_tokens import LAST_USED_EVERY, TOKEN_TTL, TokenCache, TokenError, revoke_token
from db.engine import session_factory, session_scope
from db.models import ApiToken
from tests.api.conftest import NOW, token_for
from tests.api.test_webhooks import generic, post
from tests.factories import ADMIN


def _last_used(engine):
    with session_factory(engine)() as s:
        return s.scalar(select(ApiToken.last_used_at))


def test_revoked_token_is_refused_within_the_cache_time(client, store):
    tok = token_for(store, ["tickets:write"])
    first = post(client, tok, generic("e1", "created", "2026-03-02T09:00:00Z"))
    assert first.status_code == 200  # the worker now holds the token's row
    with session_scope(store) as s:
        revoke_token(session=s, actor=ADMIN, token_id=1, now=NOW)
    revoked_at = time.monotonic()
    time.sleep(TOKEN_TTL + 0.2)
    late = post(client, tok, generic("e2", "created", "2026-03-02T09:05:00Z", "T-2"))
    assert late.status_code == 401 and "revoked" in late.json()["detail"]
    assert time.monotonic() - revoked_at < TOKEN_TTL + 2  # refused within TTL + epsilon


def test_expiry_is_exact_while_the_row_is_cached(store):
    tok = token_for(store, ["tickets:write"], days=1)
    cache = TokenCache(session_factory(store), ttl=3600)
    assert cache.authenticate(tok, "tickets:write", NOW).id == 1
    with pytest.raises(TokenError, match="expired"):
        cache.authenticate(tok, "tickets:write", NOW + timedelta(days=1))
    with pytest.raises(TokenError, match="lacks the scope"):
        cache.authenticate(tok, "contracts:read", NOW)


def test_row_read_once_per_ttl_and_last_used_written_once_a_minute(store):
    tok = token_for(store, ["tickets:write"])
    statements: list[str] = []

    def seen(_conn, _cursor, sql, *_args) -> None:
        if "api_tokens" in sql:
            statements.append(sql.split()[0].upper())

    event.listen(store, "before_cursor_execute", seen)
    try:
        cached = TokenCache(session_factory(store), ttl=3600)
        for i in range(50):
            cached.authenticate(tok, "tickets:write", NOW + timedelta(seconds=i))
        assert statements == ["SELECT", "UPDATE"]  # one read, one last-used write
        assert _last_used(store) == NOW
        statements.clear()
        every_time = TokenCache(session_factory(store), ttl=0)  # re-reads on each request
        for seconds in (10, 30, 59):
            every_time.authenticate(tok, "tickets:write", NOW + timedelta(seconds=seconds))
        assert statements == ["SELECT"] * 3  # read each time, not written within the minute
        assert _last_used(store) == NOW
        later = NOW + LAST_USED_EVERY
        every_time.authenticate(tok, "tickets:write", later)
        assert _last_used(store) == later
    finally:
        event.remove(store, "before_cursor_execute", seen)


def test_unknown_token_is_not_cached_and_refused(store):
    cache = TokenCache(session_factory(store))
    with pytest.raises(TokenError, match="unknown API token"):
        cache.authenticate("cdk_not-a-token", "tickets:write", NOW)
    with pytest.raises(TokenError, match="missing API token"):
        cache.authenticate(None, "tickets:write", NOW)
    # a token created after a refused attempt works at once
    tok = token_for(store, ["tickets:write"])
    assert cache.authenticate(tok, "tickets:write", NOW).name == "psa"
