"""Share links: revocable, expiring, unguessable tokens for the read-only executive page.

The token (256 random bits) is shown once; only its SHA-256 is stored, so a database leak
does not leak working links. Every use is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import SHARE, Actor, require
from access.tokens import new_token, token_hash
from db import audit
from db.models import ShareLink, ShareLinkUse

MAX_DAYS = 365


@dataclass(frozen=True)
class Resolved:
    actor: Actor | None
    reason: str  # why a token was refused ("" when accepted)


def create_link(*, session: Session, actor: Actor, label: str, days: int, now: datetime) -> str:
    """Create a link valid for `days`; returns the token (it cannot be shown again)."""
    require(actor, "manage_share_links")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"A share link lasts 1 to {MAX_DAYS} days.")
    if not label.strip():
        raise ValueError("Give the link a label (who it is for).")
    token = new_token()
    link = ShareLink(
        token_hash=token_hash(token),
        label=label.strip()[:120],
        created_by_id=actor.user_id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="share_link",
        entity_id=link.id,
        action="create",
        field="expires_at",
        new=link.expires_at,
    )
    return token


def revoke(*, session: Session, actor: Actor, link_id: int, now: datetime) -> None:
    require(actor, "manage_share_links")
    link = session.get(ShareLink, link_id)
    if link is None:
        raise ValueError(f"No share link {link_id}.")
    if link.revoked_at is None:
        link.revoked_at = now
        audit.record(
            session=session,
            actor=actor,
            entity="share_link",
            entity_id=link_id,
            action="update",
            field="revoked_at",
            new=now,
        )


def resolve(*, session: Session, token: str, now: datetime, detail: str = "") -> Resolved:
    """The read-only actor for a valid token, logging the use; otherwise the reason."""
    if not token or len(token) > 100:
        return Resolved(None, "This link is not valid.")
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash(token)))
    if link is None:
        return Resolved(None, "This link is not valid.")
    if link.revoked_at is not None:
        return Resolved(None, "This link has been revoked. Ask for a new one.")
    if link.expires_at <= now:
        return Resolved(None, "This link has expired. Ask for a new one.")
    link.use_count += 1
    link.last_used_at = now
    session.add(ShareLinkUse(link_id=link.id, at=now, detail=detail[:300] or None))
    return Resolved(Actor(user_id=None, username=f"share:{link.label}", role=SHARE), "")


def list_links(*, session: Session, actor: Actor, now: datetime) -> pd.DataFrame:
    require(actor, "manage_share_links")
    rows = session.scalars(select(ShareLink).order_by(ShareLink.id.desc())).all()
    return pd.DataFrame(
        [
            {
                "id": r.id,
                "label": r.label,
                "created": r.created_at,
                "expires": r.expires_at,
                "status": "revoked"
                if r.revoked_at
                else ("expired" if r.expires_at <= now else "active"),
                "uses": r.use_count,
                "last used": r.last_used_at,
            }
            for r in rows
        ],
        columns=["id", "label", "created", "expires", "status", "uses", "last used"],
    )


def uses(*, session: Session, actor: Actor, link_id: int) -> pd.DataFrame:
    require(actor, "manage_share_links")
    rows = session.execute(
        select(ShareLinkUse.at, ShareLinkUse.detail)
        .where(ShareLinkUse.link_id == link_id)
        .order_by(ShareLinkUse.at.desc())
    ).all()
    return pd.DataFrame(rows, columns=["at", "detail"])


def still_valid(*, session: Session, token: str, now: datetime) -> bool:
    """True while the link behind an open share session is neither revoked nor expired."""
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash(token)))
    return link is not None and link.revoked_at is None and link.expires_at > now
