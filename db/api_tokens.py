"""API tokens: created, listed and revoked by admins; shown once, stored as SHA-256.

A token looks like `cdk_<43 random chars>`; lookup is by the hash (an index hit), then the
hash is compared again with `hmac.compare_digest`, so the check does not depend on how
many leading characters matched. Every change is audited. The API checks tokens through
`TokenCache`: a worker re-reads a token at most every TOKEN_TTL seconds (a revocation takes
effect within that) and records its last use at most once a minute.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access.roles import Actor, require
from access.tokens import new_token, token_hash
from db import audit
from db.models import ApiToken

SCOPES = ("tickets:write", "tickets:read", "contracts:read")
PREFIX = "cdk_"
TOKEN_TTL = 2.0  # seconds a worker trusts a token row it read: a revocation's delay
LAST_USED_EVERY = timedelta(minutes=1)  # the last-used time is recorded to the minute


class TokenError(ValueError):
    """A token request the API refuses: `status` is the HTTP status, the message the reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    scopes: frozenset[str]
    rate_per_minute: int


def create_token(
    *,
    session: Session,
    actor: Actor,
    name: str,
    scopes: list[str],
    days: int,
    now: datetime,
    rate_per_minute: int = 6000,
) -> str:
    """A new token (returned once: only its hash is kept)."""
    require(actor, "manage_users")
    name = (name or "").strip()
    if not name:
        raise ValueError("Give the token a name (who or what uses it).")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(f"Scopes must be among {', '.join(SCOPES)} (got {', '.join(unknown)})")
    if not 1 <= days <= 730:
        raise ValueError("A token is valid for 1 to 730 days.")
    token = PREFIX + new_token()
    row = ApiToken(
        name=name[:120],
        token_hash=token_hash(token),
        prefix=token[:10],
        scopes=" ".join(sorted(set(scopes))),
        rate_per_minute=rate_per_minute,
        created_by=actor.username,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session, actor=actor, entity="api_token", entity_id=row.id, action="create",
        field="scopes", new=row.scopes,
    )  # fmt: skip
    return token


def revoke_token(*, session: Session, actor: Actor, token_id: int, now: datetime) -> None:
    require(actor, "manage_users")
    row = session.get(ApiToken, token_id)
    if row is None:
        raise LookupError(f"No API token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(
            session=session, actor=actor, entity="api_token", entity_id=row.id, action="revoke"
        )


def list_tokens(*, session: Session, actor: Actor, now: datetime) -> pd.DataFrame:
    require(actor, "manage_users")
    rows = session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())).all()
    return pd.DataFrame(
        [
            {
                "id": r.id,
                "name": r.name,
                "prefix": r.prefix + "…",
                "scopes": r.scopes,
                "status": "revoked" if r.revoked_at else "expired" if r.expires_at <= now
                else "active",
                "created_by": r.created_by,
                "created_at": r.created_at,
                "expires_at": r.expires_at,
                "last_used_at": r.last_used_at,
            }
            for r in rows
        ],
        columns=["id", "name", "prefix", "scopes", "status", "created_by", "created_at",
                 "expires_at", "last_used_at"],
    )  # fmt: skip


@dataclass(frozen=True)
class _Row:
    """The columns of a token row a request needs, detached from any session."""

    id: int
    name: str
    token_hash: str
    scopes: frozenset[str]
    rate_per_minute: int
    expires_at: datetime
    revoked_at: datetime | None
    fetched: float  # monotonic time it was read


class TokenCache:
    """Per-process token check: the row is read at most once every `ttl` seconds per token.

    So a revocation (or a scope change) reaches a running worker within `ttl` seconds
    (TOKEN_TTL, documented in docs/api.md); expiry is checked on every request against the
    cached expiry time, so it is exact. The last-used time is written at most once every
    LAST_USED_EVERY per token and process, in the read that refreshes the row.
    """

    def __init__(self, factory: Callable[[], Session], ttl: float = TOKEN_TTL) -> None:
        self._factory = factory
        self._ttl = ttl
        self._rows: dict[str, _Row] = {}
        self._used: dict[int, datetime] = {}  # last-used time known per token id
        self._lock = threading.Lock()

    def authenticate(
        self, token: str | None, scope: str, now: datetime, *, read: bool = True
    ) -> TokenInfo | None:
        """The token's info if it is valid and carries `scope`; TokenError(401/403) otherwise.

        `read=False` never touches the store (an event loop's fast path): None when the row
        has to be read first."""
        if not token:
            raise TokenError(401, "missing API token (Authorization: Bearer <token>)")
        digest = token_hash(token.strip())
        row = self._rows.get(digest)
        if row is None or time.monotonic() - row.fetched >= self._ttl:
            if not read:
                return None
            row = self._refresh(digest, now)
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            raise TokenError(401, "unknown API token")
        if row.revoked_at is not None:
            raise TokenError(401, "API token revoked")
        if row.expires_at <= now:
            raise TokenError(401, "API token expired")
        if scope not in row.scopes:
            have = " ".join(sorted(row.scopes))
            raise TokenError(403, f"API token lacks the scope {scope} (has {have})")
        return TokenInfo(row.id, row.name, row.scopes, row.rate_per_minute)

    def _refresh(self, digest: str, now: datetime) -> _Row | None:
        """Read the row again (and record its use when due); unknown tokens are not kept."""
        with self._factory() as s:
            found = s.execute(
                select(ApiToken.id, ApiToken.name, ApiToken.token_hash, ApiToken.scopes,
                       ApiToken.rate_per_minute, ApiToken.expires_at, ApiToken.revoked_at,
                       ApiToken.last_used_at).where(ApiToken.token_hash == digest)
            ).one_or_none()  # fmt: skip
            if found is None:
                self._rows.pop(digest, None)
                return None
            with self._lock:
                used = max(filter(None, (found.last_used_at, self._used.get(found.id))),
                           default=None)  # fmt: skip
                due = found.revoked_at is None and (used is None or now - used >= LAST_USED_EVERY)
                if due:
                    self._used[found.id] = now
            if due:
                s.execute(update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=now))
                s.commit()
        row = _Row(found.id, found.name, found.token_hash, frozenset(found.scopes.split()),
                   found.rate_per_minute, found.expires_at, found.revoked_at,
                   time.monotonic())  # fmt: skip
        self._rows[digest] = row
        return row
