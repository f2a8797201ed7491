"""Webhooks end to end over real SQLite and PostgreSQL: auth, signatures, bad input,
idempotency, event-time order, the unmatched queue and the dispatcher answer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from sqlalchemy import func, select

from db.engine import session_factory
from db.inbound_views import source_activity, unmatched_queue
from db.models import ApiRequest, InboundEvent, Ticket, TicketEvent
from tests.api.conftest import NOW, token_for


def generic(event_id, kind, at, ticket="T-1", client="Acme Dental", **fields):
    return {"event_id": event_id, "type": kind, "occurred_at": at,
            "ticket": {"id": ticket, "client": client, "service_type": "Network support",
                       "priority": "High", "status": "open", **fields}}  # fmt: skip


def post(client, token, payload, source="generic", headers=None):
    body = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
    h = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})}
    if source == "jsm":
        h["X-Hub-Signature"] = "sha256=" + hmac.new(b"jsecret", body, hashlib.sha256).hexdigest()
    return client.post(f"/api/v1/webhooks/{source}", content=body, headers=h)


def count(engine, model, *where):
    with session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_created_event_answers_entitlement_and_sla(client, write_token, store):
    r = post(client, write_token, generic("e1", "created", "2026-03-02T09:00:00Z"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "applied" and len(body["receipt_id"]) == 36
    assert body["entitlement"]["outcome"] == "covered"
    assert body["entitlement"]["contract_id"] is not None
    metrics = {m["metric"]: m for m in body["sla"]}
    assert set(metrics) == {"response", "resolution"}
    assert metrics["response"]["due_at"] is not None and metrics["response"]["target_min"] > 0
    assert body["ticket"]["priority"] == "P2"
    # the GET endpoint answers the same
    g = client.get(
        "/api/v1/tickets/generic/T-1", headers={"Authorization": f"Bearer {write_token}"}
    )
    assert g.status_code == 200 and g.json()["entitlement"] == body["entitlement"]
    assert count(store, ApiRequest) >= 2


def test_replay_is_idempotent(client, write_token, store):
    p = generic("e1", "created", "2026-03-02T09:00:00Z")
    assert post(client, write_token, p).json()["duplicate"] is False
    again = post(client, write_token, p).json()
    assert again["duplicate"] is True and again["entitlement"]["outcome"] == "covered"
    assert count(store, InboundEvent) == 1 and count(store, Ticket) == 1


def test_out_of_order_events_apply_in_event_time_order(client, write_token, store):
    # resolved arrives before the pause/resume that happened earlier
    post(client, write_token, generic("e1", "created", "2026-03-02T09:00:00Z"))
    post(client, write_token, generic("e4", "resolved", "2026-03-02T12:00:00Z", status="solved"))
    post(client, write_token, generic("e3", "resumed", "2026-03-02T11:00:00Z"))
    post(client, write_token, generic("e2", "paused", "2026-03-02T10:00:00Z", status="pending"))
    with session_factory(store)() as s:
        t = s.scalar(select(Ticket))
        kinds = [
            (e.kind, e.at.hour)
            for e in s.scalars(
                select(TicketEvent).where(TicketEvent.ticket_id == t.id).order_by(TicketEvent.at)
            )
        ]
    assert t.resolved_at.hour == 12 and t.status == "solved"
    assert kinds == [("paused", 10), ("resumed", 11)]


def test_stored_history_is_rewritten_not_repeated_by_later_events(client, write_token, store):
    # a ticket with history rows has them cleared before the rebuild writes them again
    post(client, write_token, generic("e1", "created", "2026-03-02T09:00:00Z"))
    post(client, write_token, generic("e2", "paused", "2026-03-02T10:00:00Z", status="pending"))
    post(client, write_token, generic("e3", "resumed", "2026-03-02T11:00:00Z"))
    post(client, write_token, generic("e4", "comment", "2026-03-02T11:30:00Z"))
    with session_factory(store)() as s:
        kinds = [
            (e.kind, e.at.hour) for e in s.scalars(select(TicketEvent).order_by(TicketEvent.at))
        ]
    assert kinds == [("paused", 10), ("resumed", 11)]


def test_comment_is_first_response_and_reopen_resumes(client, write_token, store):
    post(client, write_token, generic("e1", "created", "2026-03-02T09:00:00Z"))
    post(client, write_token, generic("e2", "comment", "2026-03-02T09:20:00Z"))
    post(client, write_token, generic("e3", "resolved", "2026-03-02T10:00:00Z", status="resolved"))
    r = post(client, write_token, generic("e4", "reopened", "2026-03-02T10:30:00Z"))
    with session_factory(store)() as s:
        t = s.scalar(select(Ticket))
        kinds = [e.kind for e in s.scalars(select(TicketEvent).order_by(TicketEvent.at))]
    assert t.first_response_at.minute == 20 and t.resolved_at is None
    assert kinds == ["resolved", "reopened"]
    assert r.json()["ticket"]["status"] == "open"


def test_unknown_client_is_kept_unmatched(client, write_token, store):
    r = post(
        client, write_token, generic("e1", "created", "2026-03-02T09:00:00Z", client="Nobody Ltd")
    )
    assert r.status_code == 202 and r.json()["status"] == "unmatched"
    with session_factory(store)() as s:
        q = unmatched_queue(session=s)
        act = source_activity(session=s, now=NOW)
    assert q["client"].tolist() == ["Nobody Ltd"] and count(store, Ticket) == 0
    assert act.set_index("source").loc["generic", "events"] == 1


def test_out_of_scope_service(client, write_token):
    r = post(
        client,
        write_token,
        generic("e1", "created", "2026-03-02T09:00:00Z", service_type="Hardware"),
    )
    assert r.json()["entitlement"]["outcome"] == "out_of_scope"


def test_bad_tokens_and_scopes(client, store):
    p = generic("e1", "created", "2026-03-02T09:00:00Z")
    assert post(client, "nope", p).status_code == 401
    read_only = token_for(store, ["contracts:read"])
    r = post(client, read_only, p)
    assert r.status_code == 403 and "tickets:write" in r.json()["detail"]
    expired = token_for(store, ["tickets:write"], days=1, now=NOW.replace(month=1))
    assert "expired" in post(client, expired, p).json()["detail"]
    assert count(store, InboundEvent) == 0 and count(store, ApiRequest) == 3


def test_revoked_token(client, store):
    from db.api_tokens import revoke_token
    from db.engine import session_scope
    from tests.factories import ADMIN

    tok = token_for(store, ["tickets:write"])
    with session_scope(store) as s:
        revoke_token(session=s, actor=ADMIN, token_id=1, now=NOW)
    r = post(client, tok, generic("e1", "created", "2026-03-02T09:00:00Z"))
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_malformed_json_and_unknown_type_are_kept_and_refused(client, write_token, store):
    r = post(client, write_token, b"{not json")
    assert r.status_code == 422 and "malformed JSON" in r.json()["detail"]
    r = post(client, write_token, generic("e9", "exploded", "2026-03-02T09:00:00Z"))
    assert r.status_code == 422 and "unknown event type" in r.json()["detail"]
    assert count(store, InboundEvent, InboundEvent.status == "rejected") == 2
    assert count(store, Ticket) == 0


def test_ten_megabyte_payload_is_413(client, write_token, store):
    r = post(client, write_token, b"x" * 10_000_000)
    assert r.status_code == 413 and count(store, InboundEvent) == 0


def test_flood_from_one_token_is_429(client, store):
    tok = token_for(store, ["tickets:write"], rate=3)
    codes = [
        post(client, tok, generic(f"e{i}", "created", "2026-03-02T09:00:00Z")).status_code
        for i in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_jsm_signature_checked(client, write_token, store):
    p = {"webhookEvent": "jira:issue_created", "timestamp": 1772442000000,
         "issue": {"key": "SD-7", "fields": {"summary": "VPN down", "priority": {"name": "Highest"},
                   "status": {"name": "Open"}, "issuetype": {"name": "Network support"},
                   "customfield_10002": [{"name": "Acme Dental"}]}}}  # fmt: skip
    ok = post(
        client, write_token, p, source="jsm", headers={"X-Atlassian-Webhook-Identifier": "jsm-1"}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["ticket"]["priority"] == "P1"
    bad = client.post(
        "/api/v1/webhooks/jsm",
        content=json.dumps(p).encode(),
        headers={"Authorization": f"Bearer {write_token}", "X-Hub-Signature": "sha256=00"},
    )
    assert bad.status_code == 401 and "signature" in bad.json()["detail"]


def test_zendesk_signature_and_shape(client, write_token):
    body = json.dumps({"id": "zd-1", "type": "zen:event-type:ticket.created",
                       "time": "2026-03-02T09:00:00Z",
                       "detail": {"id": "123", "organization_name": "Acme Dental",
                                  "type": "Network support", "priority": "urgent",
                                  "status": "OPEN", "subject": "Printer"}}).encode()  # fmt: skip
    ts = "2026-03-02T09:00:01Z"
    sig = base64.b64encode(hmac.new(b"zsecret", ts.encode() + body, hashlib.sha256).digest())
    r = client.post(
        "/api/v1/webhooks/zendesk",
        content=body,
        headers={
            "Authorization": f"Bearer {write_token}",
            "X-Zendesk-Webhook-Signature": sig.decode(),
            "X-Zendesk-Webhook-Signature-Timestamp": ts,
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["ticket"]["external_id"] == "123"


def test_client_entitlement_endpoint(client, write_token, store):
    from db.models import Client

    with session_factory(store)() as s:
        cid = s.scalar(select(Client.id))
    h = {"Authorization": f"Bearer {write_token}"}
    r = client.get(
        f"/api/v1/clients/{cid}/entitlement",
        params={"service": "Hardware", "at": "2026-03-02T10:00:00Z"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["entitlement"] == "out_of_scope"
    r = client.get(
        f"/api/v1/clients/{cid}/entitlement",
        params={"service": "Network support", "at": "2027-06-01T10:00:00Z"},
        headers=h,
    )
    assert r.json()["entitlement"] == "no_contract"


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert (
        "/api/v1/webhooks/{source}" in paths and "/api/v1/tickets/{source}/{external_id}" in paths
    )
