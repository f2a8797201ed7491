"""A webhook-fed ticket's columns and stored history from its events, in event-time order.

Pure: normalised events (`api.sources.Event.as_dict`) in, plain values out. The history
rows (paused, resumed, resolved, reopened, priority_changed) are what `db.inbound.rebuild`
writes to `ticket_events` for the SLA clock.
"""

from __future__ import annotations

from datetime import datetime

from sla.events import PAUSE_STATUSES, STOP_STATUSES


def fold_events(events: list[dict]) -> dict:
    """The ticket's columns and stored history after its events, in event-time order."""
    s: dict = {"subject": None, "service_type": "unspecified", "priority": "P3", "status": "open",
               "created_at": None, "first_response_at": None, "resolved_at": None,
               "history": []}  # fmt: skip
    paused = False
    for e in events:
        at = datetime.fromisoformat(e["event_at"])
        created = datetime.fromisoformat(e["created_at"]) if e["created_at"] else None
        if s["created_at"] is None or e["kind"] == "created":
            s["created_at"] = created or (at if s["created_at"] is None else s["created_at"])
        for k, f in (("subject", "subject"), ("service_type", "service_type")):
            if e[f]:
                s[k] = e[f][:80] if k == "service_type" else e[f][:300]
        if e["priority"] and e["priority"] != s["priority"]:
            if e["kind"] != "created" and s["history"] is not None and len(events) > 1:
                s["history"].append((at, "priority_changed", e["priority"]))
            s["priority"] = e["priority"]
        status = e["status"]
        kind = e["kind"]
        if kind == "paused":
            status = status if status in PAUSE_STATUSES else "on hold"
        elif kind == "resumed":
            status = "open"
        elif kind == "resolved":
            status = status if status in STOP_STATUSES else "resolved"
        elif kind == "reopened":
            status = "open"
        if kind == "comment" and e["public_reply"] and s["first_response_at"] is None:
            s["first_response_at"] = at
        if status:
            if status in STOP_STATUSES:
                if s["resolved_at"] is None:
                    s["resolved_at"] = at
                paused = False
            elif s["resolved_at"] is not None:  # reopened
                s["history"].append((s["resolved_at"], "resolved", None))
                s["history"].append((at, "reopened", None))
                s["resolved_at"] = None
                if status in PAUSE_STATUSES:
                    s["history"].append((at, "paused", status))
                    paused = True
            elif status in PAUSE_STATUSES and not paused:
                s["history"].append((at, "paused", status))
                paused = True
            elif status not in PAUSE_STATUSES and paused:
                s["history"].append((at, "resumed", None))
                paused = False
            s["status"] = status[:30]
    return s
