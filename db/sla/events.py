"""Stored ticket events -> the `sla.events` log and the pause intervals it implies.

Stored event kinds (ticket_events.kind): paused (value: reason), resumed, resolved (an
earlier resolution of a ticket that was reopened), reopened, priority_changed. Created,
first response and the final resolution are columns on tickets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import sla
from sla.events import PAUSE_STATUSES, normal_statuses


def event_log(events: pd.DataFrame, tickets: pd.DataFrame) -> pd.DataFrame:
    """Stored events + ticket columns -> the sla.events log (ticket_id, at, kind, value)."""
    t = tickets.set_index("ticket_id")
    ids = events["ticket_id"].unique()
    t = t.loc[t.index.intersection(ids)]
    known = normal_statuses(events["value"]).isin(PAUSE_STATUSES).to_numpy(bool)
    kind = events["kind"].to_numpy(object)
    # A pause is a pausing status; a reason sla.events does not know still pauses.
    value = np.where(
        kind == "paused",
        np.where(known, events["value"].to_numpy(object), "on hold"),
        np.where(kind == "resumed", "open", events["value"].to_numpy(object)),
    )
    mapped = events.assign(
        kind=events["kind"].replace({"paused": "status", "resumed": "status"}), value=value
    )
    parts = [
        pd.DataFrame(
            {"ticket_id": t.index, "at": t["created_at"], "kind": "created", "value": t["priority"]}
        ),
        pd.DataFrame(
            {"ticket_id": t.index, "at": t["first_response_at"], "kind": "first_response"}
        ),
        pd.DataFrame({"ticket_id": t.index, "at": t["resolved_at"], "kind": "resolved"}),
        mapped[["ticket_id", "at", "kind", "value"]],
    ]
    log = pd.concat([p for p in parts if len(p)], ignore_index=True)
    log = log[log["at"].notna()]
    # created first, then by time; the final resolution column after same-instant events
    order = log["kind"].map({"created": 0}).fillna(1)
    log = log.assign(_o=order).sort_values(["ticket_id", "at", "_o"], kind="stable")
    return log.drop(columns="_o").reset_index(drop=True)


def pauses_from_events(events: pd.DataFrame, tickets: pd.DataFrame) -> pd.DataFrame:
    """Pauses of the tickets that have events (others have none)."""
    _, pauses = sla.rows_from_events(event_log(events, tickets))
    pauses = pauses.merge(tickets[["ticket_id"]], on="ticket_id")
    return pauses.astype({"start": "datetime64[us, UTC]", "end": "datetime64[us, UTC]"})
