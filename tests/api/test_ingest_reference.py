"""The webhook's fast path over real SQLite and PostgreSQL: cached reference data is
reloaded as soon as a contract, policy or calendar changes, its answers equal the bulk
engines' (`ticket_answer`), and two events of one ticket applied at once both land."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.calendars import create_calendar
from db.contracts_repo import get_contract, set_services, update_contract
from db.dispatch import quick_answer, ticket_answer
from db.engine import session_factory, session_scope
from db.inbound import rebuild, store_event
from db.models import Contract, InboundEvent, SlaPolicy, SlaTarget, Ticket
from db.sla.policy_editor import save_policy_version
from tests.api.conftest import NOW
from tests.api.test_webhooks import generic, post
from tests.factories import ADMIN, contract_input, make_contract


def _contract_id(engine) -> int:
    with session_factory(engine)() as s:
        return s.scalar(select(Contract.id))


def _edit(engine, **changes) -> None:
    """A contract edit through the repository (what an Apply does), in its own session."""
    with session_scope(engine) as s:
        c = get_contract(session=s, contract_id=_contract_id(engine))
        data = contract_input(c.client_id, **changes)
        update_contract(session=s, actor=ADMIN, contract_id=c.id, expected_version=c.version,
                        data=data)  # fmt: skip


def test_contract_changes_are_seen_by_the_next_event(client, write_token, store):
    first = post(client, write_token, generic("e1", "created", "2026-03-02T09:00:00Z"))
    assert first.json()["entitlement"]["outcome"] == "covered"
    with session_scope(store) as s:  # the service leaves the contract's scope
        set_services(session=s, actor=ADMIN, contract_id=_contract_id(store), kind="included",
                     names=["Printer repair"])  # fmt: skip
    second = post(client, write_token, generic("e2", "created", "2026-03-02T09:05:00Z", "T-2"))
    assert second.json()["entitlement"]["outcome"] == "out_of_scope"
    assert "not listed" in second.json()["entitlement"]["reason"]
    _edit(store, end_date=date(2026, 2, 28))  # the contract ends before the next ticket
    third = post(client, write_token, generic("e3", "created", "2026-03-02T09:10:00Z", "T-3"))
    assert third.json()["entitlement"] == {
        "outcome": "no_contract",
        "reason": "No active contract for client on 2026-03-02",
        "contract_id": None,
    }


def test_policy_and_calendar_changes_are_seen_by_the_next_event(client, write_token, store):
    before = post(client, write_token, generic("e1", "created", "2026-03-02T07:00:00Z"))
    response = {m["metric"]: m for m in before.json()["sla"]}["response"]
    assert response["target_min"] == 60 and before.json()["entitlement"]["outcome"] == "covered"
    with session_scope(store) as s:
        save_policy_version(session=s, actor=ADMIN, contract_id=_contract_id(store),
                            effective_from=date(2026, 1, 1), warning_share=0.5,
                            rows=[{"priority": "P2", "service_type": "*",
                                   "response_minutes": 5, "resolution_minutes": 50,
                                   "calendar": "contract"}])  # fmt: skip
        cal = create_calendar(session=s, actor=ADMIN, name="London office", spec="8x5",
                              timezone="Europe/London")  # fmt: skip
        cal_id = cal.id
    _edit(store, calendar_id=cal_id)
    after = post(client, write_token, generic("e2", "created", "2026-03-02T07:00:00Z", "T-2"))
    body = after.json()
    response = {m["metric"]: m for m in body["sla"]}["response"]
    assert response["target_min"] == 5
    assert response["due_at"] == "2026-03-02T09:05:00+00:00"  # opens 09:00 London (UTC+0)
    assert body["entitlement"]["outcome"] == "covered_after_hours"


def test_fast_answers_equal_the_bulk_engines(client, write_token, store):
    with session_scope(store) as s:
        make_contract(s, name="Beta Clinic", reference="C-2", tier="bronze",
                      start_date=date(2026, 1, 1), end_date=None)  # fmt: skip
        # a stored tier default replaces the package's for the tier (no P1 row here)
        s.add(SlaPolicy(tier="Bronze ", effective_from=date(2026, 1, 1),
                        warning_share=Decimal("0.6"),
                        targets=[SlaTarget(priority=p, service_type="*", response_minutes=90,
                                           resolution_minutes=900, calendar="contract")
                                 for p in ("P2", "P3", "P4")]))  # fmt: skip
    events = [
        generic("a1", "created", "2026-03-02T09:00:00Z"),
        generic("a2", "paused", "2026-03-02T09:30:00Z", status="pending"),
        generic("a3", "resumed", "2026-03-02T11:00:00Z"),
        generic("a4", "priority_changed", "2026-03-02T11:30:00Z", priority="Urgent"),
        generic("a5", "resolved", "2026-03-02T12:00:00Z", status="solved"),
        generic("a6", "reopened", "2026-03-02T13:00:00Z"),
        generic("b1", "created", "2026-03-07T22:00:00Z", "T-2", service_type="Hardware"),
        generic("c1", "created", "2026-03-01T03:00:00Z", "T-3", client="Beta Clinic",
                service_type="Email", priority="Low"),
        generic("c2", "comment", "2026-03-01T04:00:00Z", "T-3", client="Beta Clinic",
                public_reply=True),
    ]  # fmt: skip
    answers = {}
    for e in events:
        r = post(client, write_token, e)
        assert r.status_code == 200, r.text
        answers[e["ticket"]["id"]] = r.json()
    with session_factory(store)() as s:
        tickets = s.scalars(select(Ticket).order_by(Ticket.id)).all()
        assert len(tickets) == 3
        for t in tickets:
            slow = ticket_answer(session=s, ticket=t, now=NOW)
            assert quick_answer(session=s, ticket=t, now=NOW) == slow
            got = answers[t.external_id]
            assert {k: got[k] for k in slow} == slow, t.external_id
    assert {a["entitlement"]["outcome"] for a in answers.values()} == {"covered", "out_of_scope"}
    beta = {m["metric"]: m for m in answers["T-3"]["sla"]}
    assert beta["response"]["target_min"] == 90  # the stored bronze default, not the package's


def test_two_events_of_one_ticket_applied_at_once_both_land(store):
    from api.sources import normalise

    def raw(event_id, kind, at, **fields):
        return normalise("generic", generic(event_id, kind, at, **fields), fallback_id=event_id)

    factory = session_factory(store)
    first = factory()
    row, _ = store_event(session=first, source="generic", payload="{}", now=NOW, token_id=None,
                         event=raw("e1", "created", "2026-03-02T09:00:00Z"),
                         fallback_id="e1")  # fmt: skip
    rebuild(first, "generic", ["T-1"])  # holds the ticket's lock until its commit
    done = []

    def second() -> None:
        with factory() as s:
            store_event(session=s, source="generic", payload="{}", now=NOW, token_id=None,
                        event=raw("e2", "resolved", "2026-03-02T12:00:00Z", status="solved"),
                        fallback_id="e2")  # fmt: skip
            rebuild(s, "generic", ["T-1"])
            s.commit()
            done.append(True)

    worker = threading.Thread(target=second)
    worker.start()
    time.sleep(0.5)
    first.commit()
    first.close()
    worker.join(timeout=30)
    assert done == [True]
    with factory() as s:
        t = s.scalar(select(Ticket))
        assert t.resolved_at == datetime(2026, 3, 2, 12, tzinfo=UTC) and t.status == "solved"


def test_a_failed_apply_keeps_the_raw_event(client, write_token, store, monkeypatch):
    import api.ingest

    def broken(*_a, **_k):
        raise RuntimeError("apply failed")

    monkeypatch.setattr(api.ingest, "rebuild", broken)  # the one fault no real input triggers
    with pytest.raises(RuntimeError):
        post(client, write_token, generic("e1", "created", "2026-03-02T09:00:00Z"))
    with session_factory(store)() as s:
        rows = s.scalars(select(InboundEvent)).all()
        assert [(r.event_id, r.status) for r in rows] == [("e1", "received")]
        assert s.scalar(select(Ticket)) is None  # nothing half-applied
