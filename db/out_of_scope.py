"""Out-of-scope requests after the field view: the manager's alert, the decision, the list.

A technician records a request (db.field_repo); the contract's account manager (the
client's, else the admins) gets one ``out_of_scope_request`` email through the outbox, keyed
by the request so it is sent once. A manager approves it with hours and a price (the rate
the field script quoted unless changed, with a reason) or declines it with a reason; the
decision is audited and final. Approved requests are billed by the next run
(db.billing.extra_work).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from access.roles import Actor, PermissionDenied, require
from billing.money import round_money
from db import audit
from db.models import Client, Contract, Invoice, OutOfScopeRequest, Technician, User
from db.outbox import enqueue
from db.recipients import client_manager_emails, manager_emails
from notify.render import render

RULE = "out_of_scope_request"
PERMISSION = "work_billing"
MAX_HOURS = Decimal(1000)
STATUSES = ("pending", "approved", "declined")


def notify_manager(*, session: Session, request: OutOfScopeRequest, now: datetime) -> int:
    """Queue the approval request to the account manager (admins when none); rows added."""
    client = session.get(Client, request.client_id)
    contract = session.get(Contract, request.contract_id) if request.contract_id else None
    if contract is not None:
        to = manager_emails(session, {contract.id}).get(contract.id, [])
    else:
        to = client_manager_emails(session, client.id)
    email = render(
        RULE,
        {
            "request_id": request.id,
            "client": client.name,
            "contract_reference": contract.reference if contract else "no active contract",
            "technician": _requester(session, request),
            "description": request.description,
            "requested_at": request.requested_at,
            "quoted_rate": request.quoted_rate,
            "currency": request.currency or "",
            "matched_clause": request.matched_clause,
        },
    )
    return enqueue(
        session=session,
        key=f"{RULE}|{request.id}",
        rule=RULE,
        email=email,
        recipients=to,
        now=now,
        contract_id=request.contract_id,
    )


def _requester(session: Session, request: OutOfScopeRequest) -> str:
    if request.technician_id is not None:
        tech = session.get(Technician, request.technician_id)
        if tech is not None:
            return tech.name
    if request.requested_by_id is not None:
        user = session.get(User, request.requested_by_id)
        if user is not None:
            return user.display_name or user.username
    return "a technician"


def requests_frame(*, session: Session, actor: Actor, status: str = "pending") -> pd.DataFrame:
    """Requests in `status` ('pending', 'approved', 'declined'), oldest pending first."""
    require(actor, PERMISSION)
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    decider = aliased(User)
    requester = aliased(User)
    order = OutOfScopeRequest.requested_at
    rows = session.execute(
        select(
            OutOfScopeRequest,
            Client.name,
            Contract.reference,
            Technician.name,
            requester.display_name,
            decider.display_name,
            Invoice.number,
        )
        .join(Client, Client.id == OutOfScopeRequest.client_id)
        .outerjoin(Contract, Contract.id == OutOfScopeRequest.contract_id)
        .outerjoin(Technician, Technician.id == OutOfScopeRequest.technician_id)
        .outerjoin(requester, requester.id == OutOfScopeRequest.requested_by_id)
        .outerjoin(decider, decider.id == OutOfScopeRequest.decided_by_id)
        .outerjoin(Invoice, Invoice.id == OutOfScopeRequest.invoice_id)
        .where(OutOfScopeRequest.status == status)
        .order_by(order if status == "pending" else order.desc(), OutOfScopeRequest.id)
        .limit(500)
    ).all()
    columns = [
        "id", "requested", "client", "contract", "technician", "description", "excluded_by",
        "quoted_rate", "currency", "hours", "rate", "amount", "decided_by", "decided",
        "reason", "invoice",
    ]  # fmt: skip
    return pd.DataFrame(
        [
            {
                "id": r.id,
                "requested": r.requested_at,
                "client": client,
                "contract": ref,
                "technician": tech or who,
                "description": r.description,
                "excluded_by": r.matched_clause,
                "quoted_rate": r.quoted_rate,
                "currency": r.currency,
                "hours": r.hours,
                "rate": r.rate,
                "amount": r.amount,
                "decided_by": decided_by,
                "decided": r.decided_at,
                "reason": r.decision_reason,
                "invoice": number,
            }
            for r, client, ref, tech, who, decided_by, number in rows
        ],
        columns=columns,
    )


def _decimal(value: object, what: str) -> Decimal:
    try:
        out = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}.") from None
    if not out.is_finite():
        raise ValueError(f"{what} must be a number, got {value!r}.")
    return out


@dataclass(frozen=True)
class Decision:
    request_id: int
    status: str
    amount: Decimal | None
    currency: str | None

    def text(self) -> str:
        if self.status == "declined":
            return f"Request #{self.request_id} declined: it will not be billed."
        return (
            f"Request #{self.request_id} approved: {self.amount:,.2f} {self.currency or ''} "
            "goes on the contract's next invoice."
        ).replace("  ", " ")


def decide_request(
    *,
    session: Session,
    actor: Actor,
    request_id: int,
    approve: bool,
    now: datetime,
    reason: str = "",
    hours: object = None,
    rate: object = None,
) -> Decision:
    """Approve (hours x rate, the quote unless changed) or decline a pending request, audited.

    A reason is required to decline and to approve at a rate other than the quote. Only a
    pending request can be decided, checked in the UPDATE itself, so two managers deciding
    at once cannot both win.
    """
    require(actor, PERMISSION)
    row = session.get(OutOfScopeRequest, int(request_id))
    if row is None:
        raise ValueError(f"No out-of-scope request #{request_id}.")
    if row.status != "pending":
        raise ValueError(f"Request #{row.id} was already {row.status}.")
    why = " ".join((reason or "").split())[:1000]
    values: dict = {"decided_by_id": actor.user_id, "decided_at": now}
    if approve:
        if row.contract_id is None:
            raise ValueError(
                f"Request #{row.id} has no contract to bill it on: invoice the client by hand "
                "and decline it here with that reason."
            )
        h = _decimal(1 if hours is None else hours, "Hours")
        r = _decimal(row.quoted_rate if rate is None else rate, "Rate")
        if not 0 < h <= MAX_HOURS:
            raise ValueError(f"Hours must be more than 0 and at most {MAX_HOURS}.")
        if r < 0:
            raise ValueError("The rate cannot be negative.")
        if row.quoted_rate is not None and r != row.quoted_rate and not why:
            raise ValueError("Give a reason for a rate other than the one quoted.")
        currency = row.currency or session.get(Contract, row.contract_id).currency
        amount = round_money(h * r, currency)
        values |= {"status": "approved", "hours": h, "rate": r, "amount": amount}
        values |= {"currency": currency, "decision_reason": why or "Approved as quoted."}
    else:
        if not why:
            raise ValueError("Give a reason for declining (the technician sees it).")
        values |= {"status": "declined", "decision_reason": why}
    done = session.execute(
        update(OutOfScopeRequest)
        .where(OutOfScopeRequest.id == row.id, OutOfScopeRequest.status == "pending")
        .values(**values)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if done != 1:
        raise PermissionDenied(f"Request #{row.id} was decided by someone else just now.")
    for name in ("status", "hours", "rate", "amount", "decision_reason"):
        if name in values:
            audit.record(
                session=session,
                actor=actor,
                entity="out_of_scope_request",
                entity_id=row.id,
                action="approve" if approve else "decline",
                field=name,
                old="pending" if name == "status" else None,
                new=values[name],
            )
    session.flush()
    return Decision(row.id, values["status"], values.get("amount"), values.get("currency"))
