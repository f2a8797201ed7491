"""A field request checked against the client's contract scope, and an out-of-scope request
recorded for the account manager's approval (the field view's "is this covered?").

Like db/field_repo.py, every function checks the actor and that the client is visible to it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor
from compliance.scope import ContractScope, ScopeAnswer, check_scope, expansion_script
from db import audit
from db.field_repo import _active_contract, _check_visible
from db.models import (
    Client,
    Contract,
    ContractService,
    OutOfScopeRequest,
    User,
)
from db.out_of_scope import notify_manager

_CARVE_OUT = re.compile(
    r"\s*[(,;]\s*(?:excluding|except(?: for)?|other than|not including|excl\.)\s+([^)]*)\)?\s*$",
    re.IGNORECASE,
)


def _clause(service: ContractService) -> str:
    """A service as the scope check reads it: its description, or its name when there is none."""
    name, desc = service.name.strip(), (service.description or "").strip()
    if not desc:
        return name
    return desc if name.lower() in desc.lower() else f"{name}: {desc}"


def _clauses(services: list[ContractService]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Included and excluded clauses; an included clause's carve-out becomes an exclusion.

    Contracts write "Printer and MFP support (excluding consumables)". Read whole, the
    carve-out's words would count *for* the included clause, so "replace the toner" would
    look covered; split, "consumables" is excluded and the support clause stays clean.
    """
    included, excluded = [], [_clause(s) for s in services if s.kind == "excluded"]
    for s in services:
        if s.kind != "included":
            continue
        text = _clause(s)
        carve = _CARVE_OUT.search(text)
        if carve and carve.start() > 0:
            included.append(text[: carve.start()].strip())
            excluded.append(carve.group(1).strip())
        else:
            included.append(text)
    return tuple(included), tuple(excluded)


def _scope(session: Session, client: Client, contract: Contract) -> ContractScope:
    services = list(
        session.scalars(
            select(ContractService)
            .where(ContractService.contract_id == contract.id)
            .order_by(ContractService.id)
        )
    )
    manager_id = contract.account_manager_id
    manager = session.get(User, manager_id) if manager_id else None
    contact = f"{manager.display_name} (account manager)" if manager else None
    included, excluded = _clauses(services)
    return ContractScope(
        client=client.name,
        tier=contract.tier,
        included=included,
        excluded=excluded,
        rate=contract.hourly_rate,
        currency=contract.currency,
        contact=contact,
    )


def check_request(
    *, session: Session, actor: Actor, client_id: int, text: str, today: date
) -> ScopeAnswer:
    """Is the work described in ``text`` covered by the client's active contract?

    Without an active contract nothing is covered: the answer is out of scope with the
    scope-expansion script, never "in scope". Empty or unreadable text is always "unclear".
    """
    client = _check_visible(session, actor, client_id)
    contract = _active_contract(session, client_id, today)
    if contract is None:
        empty = check_scope(text, ContractScope(client=client.name, tier="", included=()))
        if not text.strip() or empty.message.startswith("This doesn't read"):
            return empty
        scope = ContractScope(client=client.name, tier="(no active)", included=())
        return ScopeAnswer(
            "out_of_scope",
            "No active contract: any work here is billable and needs approval.",
            script=expansion_script(scope, None),
        )
    return check_scope(text, _scope(session, client, contract))


def record_out_of_scope(
    *,
    session: Session,
    actor: Actor,
    client_id: int,
    description: str,
    matched_clause: str | None,
    today: date,
    now: datetime | None = None,
) -> OutOfScopeRequest:
    """Log work asked for on site that the contract does not cover, pending approval, and
    alert the account manager (the outbox sends it once per request)."""
    _check_visible(session, actor, client_id)
    text = " ".join(description.split())
    if not text:
        raise ValueError("Describe the requested work before recording it.")
    if len(text) > 2000:
        raise ValueError("Keep the description under 2,000 characters.")
    contract = _active_contract(session, client_id, today)
    row = OutOfScopeRequest(
        client_id=client_id,
        contract_id=contract.id if contract else None,
        technician_id=actor.technician_id,
        requested_by_id=actor.user_id,
        description=text,
        matched_clause=matched_clause,
        status="pending",
        # what the expansion script quoted at the door: the approver starts from it
        quoted_rate=contract.hourly_rate if contract else None,
        currency=contract.currency if contract else None,
    )
    row.requested_at = now = now or datetime.now(UTC)
    session.add(row)
    session.flush()
    notify_manager(session=session, request=row, now=now)
    audit.record(
        session=session,
        actor=actor,
        entity="out_of_scope_request",
        entity_id=row.id,
        action="create",
        field="description",
        new=text,
    )
    return row


def out_of_scope_requests(*, session: Session, actor: Actor, client_id: int) -> list[dict]:
    """Requests already logged at this client, newest first (so nobody logs one twice)."""
    _check_visible(session, actor, client_id)
    rows = session.scalars(
        select(OutOfScopeRequest)
        .where(OutOfScopeRequest.client_id == client_id)
        .order_by(OutOfScopeRequest.requested_at.desc(), OutOfScopeRequest.id.desc())
        .limit(10)
    ).all()
    return [
        {
            "requested": r.requested_at,
            "status": r.status,
            "description": r.description,
            "reason": r.decision_reason if r.status != "pending" else None,
        }
        for r in rows
    ]
