"""The per-ticket SLA timeline: when the resolution clock ran, paused, was outside
coverage or stopped, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

import sla
from access.roles import Actor, require
from db.calendars import load_calendars
from db.models import Client, Ticket, TicketEvent
from db.sla.events import event_log
from db.sla.frames import to_instants
from db.sla.in_force import policy_in_force
from db.sla.outcomes import sla_details


@dataclass(frozen=True)
class TicketTimeline:
    ticket: dict[str, Any]
    outcomes: pd.DataFrame  # metric, state, elapsed_min, target_min, due_at, minutes_left
    segments: pd.DataFrame  # start, end, minutes, kind, reason
    calendar: str


def ticket_timeline(
    *, session: Session, actor: Actor, ticket_id: int, now: datetime
) -> TicketTimeline:
    """When the ticket's resolution clock ran, paused, was outside coverage or stopped, and why."""
    require(actor, "work_sla")
    t = session.get(Ticket, ticket_id)
    if t is None:
        raise LookupError(f"No ticket with id {ticket_id}")
    client = session.get(Client, t.client_id) if t.client_id else None
    info = {
        "id": t.id,
        "external_id": t.external_id,
        "source": t.source,
        "client": client.name if client else None,
        "contract_id": t.contract_id,
        "priority": t.priority,
        "service_type": t.service_type,
        "status": t.status,
        "created_at": t.created_at,
        "first_response_at": t.first_response_at,
        "resolved_at": t.resolved_at,
    }
    empty = pd.DataFrame(columns=["start", "end", "minutes", "kind", "reason"])
    if t.contract_id is None:
        return TicketTimeline(info, pd.DataFrame(), empty, "no contract: no SLA clock")
    policy, cal_key = policy_in_force(session=session, contract_id=t.contract_id, at=t.created_at)
    outcomes = sla_details(session=session, now=now, ticket_ids=[t.id])
    if policy is None:
        return TicketTimeline(info, outcomes, empty, "no SLA policy for this contract's tier")
    calendars = load_calendars(session=session)
    calendar = calendars.get(str(cal_key)) or calendars[int(str(cal_key))]
    events = pd.DataFrame(
        session.execute(
            select(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.kind, TicketEvent.value)
            .where(TicketEvent.ticket_id == t.id)
            .order_by(TicketEvent.at, TicketEvent.id)
        ).all(),
        columns=["ticket_id", "at", "kind", "value"],
    )
    frame = pd.DataFrame(
        [{k: info[k] for k in ("created_at", "first_response_at", "resolved_at", "priority")}]
    ).assign(ticket_id=t.id)
    for c in ("created_at", "first_response_at", "resolved_at"):
        frame[c] = to_instants(frame[c].map(lambda v: v.isoformat() if v is not None else None))
    if len(events):
        events["at"] = pd.to_datetime(events["at"], utc=True)
    log = event_log(events, frame) if len(events) else event_log(
        pd.DataFrame({"ticket_id": [t.id], "at": [frame["created_at"].iloc[0]],
                      "kind": ["priority_changed"], "value": [t.priority]}),
        frame,
    )  # fmt: skip
    segments = sla.timeline(
        log, calendar=calendar, policy=policy, now=now, service_type=t.service_type
    )
    seg = pd.DataFrame(
        [{"start": s.start, "end": s.end, "kind": s.kind, "reason": s.reason} for s in segments],
        columns=["start", "end", "kind", "reason"],
    )
    seg.insert(2, "minutes", (seg["end"] - seg["start"]).dt.total_seconds().div(60).round(1))
    if len(seg) and seg["kind"].iloc[-1] == "stopped":  # stopped since: no running length
        seg.loc[seg.index[-1], ["end", "minutes"]] = [pd.NaT, np.nan]
    return TicketTimeline(info, outcomes, seg, calendar.describe())
