"""The other sources' webhook shapes and checks, and events for a deleted ticket (both stores)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from db.engine import session_factory, session_scope
from db.models import InboundEvent, Ticket, TicketEvent, TimeEntry
from tests.api.conftest import NOW

SECRETS = {"freshdesk": "fsecret", "servicenow": "ssecret", "halopsa": "hsecret",
           "connectwise": "csecret", "generic": "gsecret"}  # fmt: skip


@pytest.fixture
def hooks(store):
    return TestClient(create_app(store, webhook_secrets=SECRETS, clock=lambda: NOW))


def send(hooks, token, source, payload, *, sign=True):
    body = json.dumps(payload).encode()
    h = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    key = SECRETS[source].encode()
    if sign and source == "connectwise":
        h["x-content-signature"] = base64.b64encode(
            hmac.new(key, body, hashlib.sha256).digest()
        ).decode()
    elif sign and source == "generic":
        h["X-Hub-Signature"] = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
    elif sign:
        h["X-Webhook-Secret"] = SECRETS[source]
    return hooks.post(f"/api/v1/webhooks/{source}", content=body, headers=h)


CASES = {
    "freshdesk": {"freshdesk_webhook": {
        "event_id": "fd-1", "event": "ticket_created", "ticket_id": 501,
        "ticket_updated_at": "2026-03-02T09:00:00Z", "ticket_created_at": "2026-03-02T09:00:00Z",
        "ticket_company_name": "Acme Dental", "ticket_subject": "Email down",
        "ticket_type": "Network support", "ticket_priority": "Urgent",
        "ticket_status": "Open"}},
    "servicenow": {"event_id": "sn-1", "event": "insert", "sys_updated_on": "2026-03-02 09:00:00",
                   "number": "INC0000501", "company": "Acme Dental",
                   "short_description": "Email down", "category": "Network support",
                   "priority": "1 - Critical", "state": "New", "opened_at": "2026-03-02 09:00:00"},
    "connectwise": {"MessageId": "cw-1", "Action": "added", "ID": 501,
                    "Entity": json.dumps({"company": {"name": "Acme Dental"},
                                          "summary": "Email down",
                                          "type": {"name": "Network support"},
                                          "priority": {"name": "Priority 1 - Emergency Response"},
                                          "status": {"name": "New"},
                                          "_info": {"lastUpdated": "2026-03-02T09:00:00Z",
                                                    "dateEntered": "2026-03-02T09:00:00Z"}})},
    "halopsa": {"event_id": "h-1", "event": "new", "ticket": {
        "id": 501, "lastactiondate": "2026-03-02T09:00:00Z", "datecreated": "2026-03-02T09:00:00Z",
        "client_name": "Acme Dental", "summary": "Email down",
        "tickettype_name": "Network support", "priority_name": "Critical",
        "status_name": "New"}},
}  # fmt: skip
EXTERNAL = {"freshdesk": "501", "servicenow": "INC0000501", "connectwise": "501", "halopsa": "501"}


@pytest.mark.parametrize("source", sorted(CASES))
def test_each_source_shape_is_applied_and_answered(hooks, write_token, store, source):
    r = send(hooks, write_token, source, CASES[source])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ticket"]["external_id"] == EXTERNAL[source]
    assert body["ticket"]["priority"] == "P1"
    assert body["entitlement"]["outcome"] == "covered"
    assert {m["metric"] for m in body["sla"]} == {"response", "resolution"}
    # The check each source has: without it the event is refused and nothing is applied.
    refused = send(hooks, write_token, source, CASES[source], sign=False)
    assert refused.status_code == 401 and source in refused.json()["detail"]


def _generic(event_id, kind, at):
    return {"event_id": event_id, "type": kind, "occurred_at": at,
            "ticket": {"id": "T-9", "client": "Acme Dental", "service_type": "Network support",
                       "priority": "P2", "status": "open"}}  # fmt: skip


def test_deleted_ticket_leaves_the_figures_and_later_events_are_refused(hooks, write_token, store):
    assert send(hooks, write_token, "generic", _generic("g1", "created",
                                                        "2026-03-02T09:00:00Z")).status_code == 200
    with session_scope(store) as s:
        t = s.scalar(select(Ticket).where(Ticket.external_id == "T-9"))
        s.add(TimeEntry(client_id=t.client_id, contract_id=t.contract_id, ticket_id=t.id,
                        started_at=NOW, minutes=45))  # fmt: skip
    gone = send(hooks, write_token, "generic", _generic("g2", "ticket.deleted",
                                                        "2026-03-02T09:30:00Z"))
    assert gone.status_code == 200, gone.text
    assert gone.json()["deleted"] is True and "removed from SLA figures" in gone.json()["detail"]
    with session_factory(store)() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 0
        assert s.scalar(select(func.count()).select_from(TicketEvent)) == 0
        entry = s.scalar(select(TimeEntry))
        assert entry.minutes == 45 and entry.ticket_id is None  # the work stays billable
    late = send(hooks, write_token, "generic", _generic("g3", "comment", "2026-03-02T10:00:00Z"))
    assert late.status_code == 422
    assert "was deleted in generic at 2026-03-02 09:30" in late.json()["detail"]
    with session_factory(store)() as s:
        kept = s.scalar(select(InboundEvent).where(InboundEvent.event_id == "g3"))
        assert kept.status == "rejected" and "deleted" in kept.error
        assert s.scalar(select(func.count()).select_from(Ticket)) == 0
    # Deleting a ticket never stored here is answered, not an error.
    other = _generic("g4", "deleted", "2026-03-02T10:00:00Z")
    other["ticket"]["id"] = "T-404"
    r = send(hooks, write_token, "generic", other)
    assert r.status_code == 200 and r.json()["deleted"] is False
