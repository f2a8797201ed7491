"""Webhook payload shapes of each ticketing source -> one normalised event (pure).

Documented in docs/api.md. Each normaliser returns `Event` or raises `BadEvent` (422).
Signature checks: Zendesk (X-Zendesk-Webhook-Signature: base64 HMAC-SHA256 of
timestamp + body), Jira Service Management and generic (X-Hub-Signature: sha256=<hex HMAC
of body>), ConnectWise (x-content-signature: base64 HMAC-SHA256 of body); Freshdesk,
ServiceNow and HaloPSA have none: a shared secret in X-Webhook-Secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from sla.import_presets import normalise_priority

KINDS = ("created", "updated", "status_changed", "paused", "resumed", "priority_changed",
         "comment", "resolved", "reopened", "deleted")  # fmt: skip
SOURCES = ("zendesk", "freshdesk", "jsm", "servicenow", "connectwise", "halopsa", "generic")


class BadEvent(ValueError):
    """An authenticated payload that cannot be applied (HTTP 422, reason in the message)."""


@dataclass(frozen=True)
class Event:
    event_id: str
    kind: str
    event_at: datetime
    ticket_id: str
    client: str | None = None
    subject: str | None = None
    service_type: str | None = None
    priority: str | None = None
    status: str | None = None
    created_at: datetime | None = None
    public_reply: bool = True

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (instants as ISO text); plain attribute reads, not `asdict`'s
        deep copy (this runs once per stored event)."""
        d = {f.name: getattr(self, f.name) for f in _FIELDS}
        for k in ("event_at", "created_at"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


_FIELDS = fields(Event)


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _instant(value: Any, what: str) -> datetime:
    if value is None or value == "":
        raise BadEvent(f"missing {what}")
    try:
        if isinstance(value, (int, float)):  # epoch milliseconds (Jira)
            return datetime.fromtimestamp(value / 1000, UTC)
        ts = pd.Timestamp(str(value))
    except (ValueError, TypeError) as exc:
        raise BadEvent(f"{what} is not a date-time: {value!r}") from exc
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("value") or value.get("display_value")
    if isinstance(value, list):
        value = _name(value[0]) if value else None
    return None if value in (None, "") else str(value)


# source -> (field -> dotted path); kinds map the source's event type to ours.
SHAPES: dict[str, dict[str, str]] = {
    "zendesk": {"event_id": "id", "type": "type", "at": "time", "ticket": "detail.id",
                "client": "detail.organization_name", "subject": "detail.subject",
                "service": "detail.type", "priority": "detail.priority", "status": "detail.status",
                "created": "detail.created_at"},
    "freshdesk": {"event_id": "freshdesk_webhook.event_id", "type": "freshdesk_webhook.event",
                  "at": "freshdesk_webhook.ticket_updated_at",
                  "ticket": "freshdesk_webhook.ticket_id",
                  "client": "freshdesk_webhook.ticket_company_name",
                  "subject": "freshdesk_webhook.ticket_subject",
                  "service": "freshdesk_webhook.ticket_type",
                  "priority": "freshdesk_webhook.ticket_priority",
                  "status": "freshdesk_webhook.ticket_status",
                  "created": "freshdesk_webhook.ticket_created_at"},
    "jsm": {"event_id": "webhookEventId", "type": "webhookEvent", "at": "timestamp",
            "ticket": "issue.key", "client": "issue.fields.customfield_10002",
            "subject": "issue.fields.summary", "service": "issue.fields.issuetype",
            "priority": "issue.fields.priority", "status": "issue.fields.status",
            "created": "issue.fields.created"},
    "servicenow": {"event_id": "event_id", "type": "event", "at": "sys_updated_on",
                   "ticket": "number", "client": "company", "subject": "short_description",
                   "service": "category", "priority": "priority", "status": "state",
                   "created": "opened_at"},
    "connectwise": {"event_id": "MessageId", "type": "Action", "at": "Entity._info.lastUpdated",
                    "ticket": "ID", "client": "Entity.company", "subject": "Entity.summary",
                    "service": "Entity.type", "priority": "Entity.priority",
                    "status": "Entity.status", "created": "Entity._info.dateEntered"},
    "halopsa": {"event_id": "event_id", "type": "event", "at": "ticket.lastactiondate",
                "ticket": "ticket.id", "client": "ticket.client_name",
                "subject": "ticket.summary", "service": "ticket.tickettype_name",
                "priority": "ticket.priority_name", "status": "ticket.status_name",
                "created": "ticket.datecreated"},
    "generic": {"event_id": "event_id", "type": "type", "at": "occurred_at",
                "ticket": "ticket.id", "client": "ticket.client", "subject": "ticket.subject",
                "service": "ticket.service_type", "priority": "ticket.priority",
                "status": "ticket.status", "created": "ticket.created_at"},
}  # fmt: skip

# The source's own event names (lower case, after stripping prefixes) -> our kinds.
TYPE_WORDS = {
    "created": "created", "ticket.created": "created", "jira:issue_created": "created",
    "insert": "created", "added": "created", "ticket_created": "created", "new": "created",
    "updated": "updated", "ticket.updated": "updated", "jira:issue_updated": "updated",
    "update": "updated", "ticket_updated": "updated",
    "ticket.status_changed": "status_changed", "status_changed": "status_changed",
    "ticket.priority_changed": "priority_changed", "priority_changed": "priority_changed",
    "ticket.comment_added": "comment", "comment_created": "comment", "comment": "comment",
    "note_added": "comment", "reply": "comment",
    "paused": "paused", "resumed": "resumed", "resolved": "resolved", "reopened": "reopened",
    "ticket.solved": "resolved", "ticket.reopened": "reopened",
    "deleted": "deleted", "delete": "deleted", "ticket.deleted": "deleted",
    "ticket.soft_deleted": "deleted", "jira:issue_deleted": "deleted",
    "ticket_deleted": "deleted", "deleted_ticket": "deleted",
}  # fmt: skip


def normalise(source: str, payload: Any, *, fallback_id: str) -> Event:
    """The payload of `source` as an Event; BadEvent says what is wrong."""
    if source not in SHAPES:
        raise BadEvent(f"unknown source {source!r} (known: {', '.join(SOURCES)})")
    if not isinstance(payload, dict):
        raise BadEvent("the payload must be a JSON object")
    shape = SHAPES[source]
    if source == "connectwise" and isinstance(payload.get("Entity"), str):
        import json

        try:
            payload = {**payload, "Entity": json.loads(payload["Entity"])}
        except ValueError as exc:
            raise BadEvent("ConnectWise Entity is not JSON") from exc
    raw_type = str(_get(payload, shape["type"]) or "").strip().lower()
    raw_type = raw_type.removeprefix("zen:event-type:").strip("{}").replace("ticket_action:", "")
    kind = TYPE_WORDS.get(raw_type)
    if kind is None:
        raise BadEvent(f"unknown event type {raw_type!r} for {source}")
    ticket = _get(payload, shape["ticket"])
    if ticket in (None, ""):
        raise BadEvent(f"missing ticket id ({shape['ticket']})")
    event_id = _get(payload, shape["event_id"]) or fallback_id
    at = _instant(_get(payload, shape["at"]), f"event time ({shape['at']})")
    created = _get(payload, shape["created"])
    priority_raw = _name(_get(payload, shape["priority"]))
    comment_public = _get(payload, "event.comment.public")
    return Event(
        event_id=str(event_id)[:120],
        kind=kind,
        event_at=at,
        ticket_id=str(ticket)[:80],
        client=_name(_get(payload, shape["client"])),
        subject=(_name(_get(payload, shape["subject"])) or None),
        service_type=_name(_get(payload, shape["service"])),
        priority=normalise_priority(priority_raw) if priority_raw else None,
        status=(_name(_get(payload, shape["status"])) or "").lower() or None,
        created_at=_instant(created, "created_at") if created else None,
        public_reply=comment_public is not False,
    )


def verify_signature(source: str, *, body: bytes, headers: dict[str, str], secret: str) -> bool:
    """True when the request carries the source's valid signature (constant-time)."""
    key = secret.encode()
    h = {k.lower(): v for k, v in headers.items()}

    def b64(data: bytes) -> str:
        return base64.b64encode(hmac.new(key, data, hashlib.sha256).digest()).decode()

    if source == "zendesk":
        ts = h.get("x-zendesk-webhook-signature-timestamp", "")
        expected = b64(ts.encode() + body)
        given = h.get("x-zendesk-webhook-signature", "")
    elif source in ("jsm", "generic"):
        expected = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        given = h.get("x-hub-signature", "")
    elif source == "connectwise":
        expected, given = b64(body), h.get("x-content-signature", "")
    else:
        expected, given = secret, h.get("x-webhook-secret", "")
    return hmac.compare_digest(expected.encode(), given.encode())
