"""API tokens: created, listed and revoked by admins; shown once, stored as SHA-256.

A token looks like `cdk_<43 random chars>`; lookup is by the hash (an index hit), then the
hash is compared again with `hmac.compare_digest`, so the check does not depend on how
many leading characters matched. Every change is audited.
"""

from __future__ import annotations

import hmac
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


def authenticate(*, session: Session, token: str | None, scope: str, now: datetime) -> TokenInfo:
    """The token's info if it is valid and carries `scope`; TokenError(401/403) otherwise.

    Records the last-used time (at most once a minute per token, to keep writes cheap).
    """
    if not token:
        raise TokenError(401, "missing API token (Authorization: Bearer <token>)")
    digest = token_hash(token.strip())
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise TokenError(401, "unknown API token")
    if row.revoked_at is not None:
        raise TokenError(401, "API token revoked")
    if row.expires_at <= now:
        raise TokenError(401, "API token expired")
    scopes = frozenset(row.scopes.split())
    if scope not in scopes:
        raise TokenError(403, f"API token lacks the scope {scope} (has {row.scopes})")
    if row.last_used_at is None or now - row.last_used_at >= timedelta(minutes=1):
        session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return TokenInfo(row.id, row.name, scopes, row.rate_per_minute)
