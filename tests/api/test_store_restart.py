"""The API over a PostgreSQL server that restarts under it (a private cluster).

The API's engine pings a pooled connection only when it sat idle (`api.serve`): a restart
while the API is idle is invisible to the next event; an event while the server is down
gets 503 with the reason and is not stored; the next one once it is back lands."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.serve import PING_IDLE_AFTER
from db.engine import open_store, session_factory
from db.models import InboundEvent
from tests.api.conftest import token_for
from tests.api.test_webhooks import generic
from tests.factories import make_contract


def test_webhooks_across_a_postgresql_restart(private_pg):
    url, start, stop = private_pg
    store = open_store(url, ping_idle_after=PING_IDLE_AFTER)
    with session_factory(store)() as s:
        make_contract(s, name="Acme Dental")
        s.commit()
    token = token_for(store, ["tickets:write"], now=datetime.now(UTC))  # the API's clock is real
    client = TestClient(create_app(store, token_ttl=3600))  # the token is not re-read
    h = {"Authorization": f"Bearer {token}"}

    def post(event_id: str, ticket: str):
        body = generic(event_id, "created", "2026-03-02T09:00:00Z", ticket)
        return client.post("/api/v1/webhooks/generic", json=body, headers=h)

    assert post("e1", "T-1").status_code == 200
    used = time.monotonic()
    stop()
    start()  # the pooled connection is dead now; an idle one is pinged and replaced
    time.sleep(max(0.0, PING_IDLE_AFTER - (time.monotonic() - used)))
    assert post("e2", "T-2").status_code == 200
    stop()
    down = post("e3", "T-3")
    assert down.status_code == 503
    assert "Nothing from this action was saved" in down.json()["detail"]
    start()
    back = post("e4", "T-4")
    assert back.status_code == 200 and back.json()["status"] == "applied"
    with session_factory(store)() as s:
        assert s.scalars(select(InboundEvent.event_id).order_by(InboundEvent.id)).all() == [
            "e1", "e2", "e4"
        ]  # fmt: skip
    store.dispose()
