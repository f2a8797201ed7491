"""The answer a dispatcher needs for a ticket: entitlement, SLA targets and due times, state.

Reuses `db.sla.entitlements.entitlements` and `db.sla.outcomes.sla_details`, the same code
the SLA dashboard runs, so the API and the pages never disagree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.calendars import ALWAYS
from db.models import Client, Ticket, TicketEvent
from db.reference import Reference, reference
from db.sla.entitlements import entitlements
from db.sla.outcomes import sla_details
from sla.calendar import CalendarRangeError
from sla.policy import DEFAULT_WARNING_SHARE
from sla.single import entitlement_one, evaluate_one, pauses_one


def _num(v: Any, digits: int = 1) -> float | None:
    return None if pd.isna(v) else round(float(v), digits)


def _iso(v: Any) -> str | None:
    return (
        None
        if v is None or v is pd.NaT or (not isinstance(v, str) and pd.isna(v))
        else (pd.Timestamp(v).isoformat())
    )


def entitlement_at(
    *, session: Session, client_id: int, service: str, at: datetime
) -> dict[str, Any]:
    """Is `service` for this client covered at `at`? outcome, reason, contract_id."""
    frame = pd.DataFrame({"ticket_id": [0], "client_id": [client_id],
                          "created_at": [pd.Timestamp(at)], "service_type": [service]})  # fmt: skip
    ent = entitlements(session=session, tickets=frame)
    from sla import check_entitlement  # noqa: F401  (documented: the same engine)

    row = ent.iloc[0] if len(ent) else None
    return {
        "client_id": client_id,
        "service": service,
        "at": at.isoformat(),
        "entitlement": row["entitlement"] if row is not None else "no_contract",
        "reason": row["entitlement_reason"] if row is not None else "no contract",
        "contract_id": _contract_of(session, client_id, service, at),
    }


def _contract_of(session: Session, client_id: int, service: str, at: datetime) -> int | None:
    from db.sla.ticket_matching import contracts_for

    frame = pd.DataFrame({"client_id": [client_id], "created_at": [pd.Timestamp(at)],
                          "service_type": [service]})  # fmt: skip
    v = contracts_for(session, frame).iloc[0]
    return None if pd.isna(v) else int(v)


def ticket_answer(*, session: Session, ticket: Ticket, now: datetime) -> dict[str, Any]:
    """Entitlement (with reason and contract), SLA per metric, current state of one ticket."""
    client = session.get(Client, ticket.client_id) if ticket.client_id else None
    frame = pd.DataFrame({"ticket_id": [ticket.id], "client_id": [ticket.client_id],
                          "contract_id": [ticket.contract_id],
                          "created_at": [pd.Timestamp(ticket.created_at)],
                          "service_type": [ticket.service_type]})  # fmt: skip
    if ticket.contract_id is None:
        frame = frame.drop(columns="contract_id")
    ent = entitlements(session=session, tickets=frame) if ticket.client_id else pd.DataFrame()
    details = sla_details(session=session, now=now, ticket_ids=[ticket.id])
    sla_rows = [
        {
            "metric": str(r["metric"]),
            "state": None if pd.isna(r["state"]) else str(r["state"]),
            "target_min": None if pd.isna(r["target_min"]) else float(r["target_min"]),
            "elapsed_min": _num(r["elapsed_min"]),
            "due_at": _iso(r["due_at"]),
            "minutes_left": _num(r["minutes_left"]),
        }
        for r in details.to_dict("records")
    ]  # fmt: skip
    return {
        "ticket": {"id": ticket.id, "source": ticket.source, "external_id": ticket.external_id,
                   "client": client.name if client else None, "priority": ticket.priority,
                   "service_type": ticket.service_type, "status": ticket.status,
                   "created_at": _iso(ticket.created_at),
                   "first_response_at": _iso(ticket.first_response_at),
                   "resolved_at": _iso(ticket.resolved_at)},
        "entitlement": {
            "outcome": ent["entitlement"].iloc[0] if len(ent) else "no_contract",
            "reason": ent["entitlement_reason"].iloc[0] if len(ent) else "ticket has no client",
            "contract_id": ticket.contract_id,
        },
        "sla": sla_rows,
    }  # fmt: skip


def quick_answer(
    *, session: Session, ticket: Ticket, now: datetime, history: list[tuple] | None = None
) -> dict[str, Any]:
    """`ticket_answer` from the cached reference data and the ticket in memory (the webhook
    path: no DataFrames, one query at most). `history`: the ticket's stored events as
    (at, kind, value), read from the store when not given. Falls back to `ticket_answer`
    when a calendar's range does not cover the ticket."""
    ref = reference(session)
    if history is None:
        history = [
            (at, kind, value)
            for at, kind, value in session.execute(
                select(TicketEvent.at, TicketEvent.kind, TicketEvent.value)
                .where(TicketEvent.ticket_id == ticket.id)
                .order_by(TicketEvent.at, TicketEvent.id)
            )
        ]
    try:
        return _quick(ref, ticket, now, history)
    except (CalendarRangeError, KeyError):
        return ticket_answer(session=session, ticket=ticket, now=now)


def _utc(v: datetime | None) -> str | None:
    return None if v is None else v.astimezone(UTC).isoformat()


def _quick(ref: Reference, ticket: Ticket, now: datetime, history: list[tuple]) -> dict:
    created = ticket.created_at
    if ticket.client_id is None:
        ent = {"outcome": "no_contract", "reason": "ticket has no client"}
    else:
        if ticket.contract_id is not None:
            live = [
                c for cs in ref.terms.values() for c in cs if c.contract_id == ticket.contract_id
            ]
        else:
            live = ref.terms.get(ticket.client_id, [])
        e = entitlement_one(live, instant=created, service_type=str(ticket.service_type),
                            calendars=ref.calendars)  # fmt: skip
        ent = {"outcome": e.outcome, "reason": e.reason}
    policy, cal_key = (None, ALWAYS)
    if ticket.contract_id is not None:
        policy, cal_key = ref.policy(ticket.contract_id, created)
    targets: tuple[float | None, float | None] = (None, None)
    share, calendar = DEFAULT_WARNING_SHARE, ALWAYS
    if policy is not None:
        try:
            t = policy.target_for(str(ticket.priority), ticket.service_type)
        except KeyError:
            calendar = cal_key
        else:
            targets = (float(t.response_minutes), float(t.resolution_minutes))
            share = policy.warning_share
            calendar = ALWAYS if t.calendar == "24x7" else cal_key
    pauses = pauses_one(created_at=created, first_response_at=ticket.first_response_at,
                        resolved_at=ticket.resolved_at, priority=ticket.priority,
                        history=history)  # fmt: skip
    clocks = evaluate_one(calendar=ref.calendars[calendar], created_at=created,
                          first_response_at=ticket.first_response_at,
                          resolved_at=ticket.resolved_at, targets=targets,
                          warning_share=share, pauses=pauses, now=now)  # fmt: skip
    return {
        "ticket": {"id": ticket.id, "source": ticket.source, "external_id": ticket.external_id,
                   "client": ref.names.get(ticket.client_id), "priority": ticket.priority,
                   "service_type": ticket.service_type, "status": ticket.status,
                   "created_at": _utc(created),
                   "first_response_at": _utc(ticket.first_response_at),
                   "resolved_at": _utc(ticket.resolved_at)},
        "entitlement": {**ent, "contract_id": ticket.contract_id},
        "sla": [
            {"metric": c.metric, "state": c.state, "target_min": c.target_min,
             "elapsed_min": round(c.elapsed_min, 1), "due_at": _utc(c.due_at),
             "minutes_left": None if c.minutes_left is None else round(c.minutes_left, 1)}
            for c in clocks
        ],
    }  # fmt: skip
