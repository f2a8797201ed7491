"""Which client an uploaded contract belongs to: its party names against client names."""

from __future__ import annotations

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.schema import client_name_key
from db.models import Client
from extraction import ContractTerms

CLIENT_MATCH_SCORE = 90


def customer_name(terms: ContractTerms) -> str | None:
    if terms.customer is not None:
        return str(terms.customer.normalized or terms.customer.value)
    names = party_names(terms)
    return names[0] if names else None


def party_names(terms: ContractTerms) -> list[str]:
    """Names to match against clients: the customer first, then other non-provider parties."""
    names = []
    if terms.customer is not None:
        names.append(str(terms.customer.normalized or terms.customer.value))
    provider = str(terms.provider.normalized) if terms.provider is not None else None
    parties = terms.parties.normalized if terms.parties is not None else None
    for p in parties or []:
        if (
            isinstance(p, dict)
            and p.get("name")
            and p.get("name") not in (provider, *names)
            and p.get("role") != "provider"
        ):
            names.append(str(p["name"]))
    return names


def match_client(*, session: Session, names: list[str]) -> tuple[int, str, float] | None:
    """Best client (id, name, score) whose name scores >= 90 (token_set_ratio), or None."""
    clients = session.execute(
        select(Client.id, Client.name).where(Client.deleted_at.is_(None))
    ).all()
    best: tuple[int, str, float] | None = None
    for wanted in names:
        key = client_name_key(wanted)
        for cid, cname in clients:
            score = fuzz.token_set_ratio(key, client_name_key(cname))
            if score >= CLIENT_MATCH_SCORE and (best is None or score > best[2]):
                best = (cid, cname, float(score))
        if best is not None:
            return best
    return None
