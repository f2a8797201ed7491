"""The inbound events' read side: the unmatched queue and when each source last delivered."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import InboundEvent

QUIET_AFTER = timedelta(hours=2)


def unmatched_queue(*, session: Session, limit: int = 500) -> pd.DataFrame:
    """Events kept because their client is unknown (never dropped), newest first."""
    rows = session.execute(
        select(InboundEvent.receipt_id, InboundEvent.source, InboundEvent.external_ticket_id,
               InboundEvent.client_name, InboundEvent.kind, InboundEvent.event_at,
               InboundEvent.received_at, InboundEvent.error)
        .where(InboundEvent.status == "unmatched")
        .order_by(InboundEvent.received_at.desc()).limit(limit)
    ).all()  # fmt: skip
    return pd.DataFrame(rows, columns=["receipt_id", "source", "ticket", "client", "kind",
                                       "event_at", "received_at", "reason"])  # fmt: skip


def source_activity(
    *, session: Session, now: datetime, quiet_after: timedelta = QUIET_AFTER
) -> pd.DataFrame:
    """Per source: when it last delivered an event and whether it has gone quiet."""
    rows = session.execute(
        select(InboundEvent.source, func.max(InboundEvent.received_at), func.count())
        .group_by(InboundEvent.source)
        .order_by(InboundEvent.source)
    ).all()
    out = pd.DataFrame(rows, columns=["source", "last_delivered", "events"])
    if out.empty:
        return out.assign(quiet=pd.Series(dtype=bool))
    last = pd.to_datetime(out["last_delivered"], utc=True)
    out["last_delivered"] = last
    out["quiet"] = (pd.Timestamp(now) - last) > pd.Timedelta(quiet_after)
    return out
