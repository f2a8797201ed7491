"""The app's shared SLA load (`db.sla.outcome_cache`) on both backends: the same answers as
reading the store, one load for many calls, a fresh load after any change."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from db.models import Ticket, TicketEvent
from db.sla import outcome_cache, outcomes
from db.sla.outcomes import sla_details, sla_outcomes
from tests.sla_integration.sla_data import NOW, at, build


@pytest.fixture
def store(session):
    ids = build(session)
    session.commit()
    return ids


@pytest.fixture
def loads(session, monkeypatch):
    """Enable the cache for this store; count the whole-store loads."""
    calls = []
    real = outcomes._load

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(outcomes, "_load", counting)
    engine = session.get_bind().engine
    outcome_cache.enable(engine)
    yield calls
    outcome_cache.disable(engine)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["ticket_id", "metric"]).reset_index(drop=True)


def test_cached_answers_equal_direct_reads(session, store):
    queries = [
        {},
        {"since": at("2026-06-01 00:00")},
        {"contract_ids": [store["contract"]]},
        {"contract_ids": []},
        {"since": at("2026-06-05 00:00"), "contract_ids": [store["contract"]]},
    ]
    direct = [sla_outcomes(session=session, now=NOW, **q) for q in queries]
    engine = session.get_bind().engine
    outcome_cache.enable(engine)
    try:
        for q, expected in zip(queries, direct, strict=True):
            got = sla_outcomes(session=session, now=NOW, **q)
            pd.testing.assert_frame_equal(_sorted(got), _sorted(expected), check_dtype=False)
    finally:
        outcome_cache.disable(engine)


def test_one_load_serves_many_calls_and_the_clock_still_moves(session, store, loads):
    before = sla_details(session=session, now=NOW)
    later = sla_details(session=session, now=NOW + timedelta(days=2))
    sla_outcomes(session=session, now=NOW, since=at("2026-06-01 00:00"))
    assert len(loads) == 1
    t4 = store["T4"]
    state = {
        label: frame[(frame["ticket_id"] == t4) & (frame["metric"] == "resolution")]["state"].iloc[
            0
        ]
        for label, frame in (("before", before), ("later", later))
    }
    assert state == {"before": "running", "later": "breached"}


def test_any_change_to_tickets_or_pauses_loads_again(session, store, loads):
    sla_outcomes(session=session, now=NOW)
    session.add(
        TicketEvent(
            ticket_id=store["T4"],
            at=at("2026-06-08 13:30"),
            kind="status",
            value="waiting on customer",
        )  # fmt: skip
    )
    session.commit()
    paused = sla_outcomes(session=session, now=NOW)
    assert len(loads) == 2
    row = paused[(paused["ticket_id"] == store["T4"]) & (paused["metric"] == "resolution")]
    assert row["state"].iloc[0] == "paused"

    session.add(Ticket(source="test", external_id="T9", client_id=None, contract_id=None,
                       service_type="desktop support", priority="P3", status="new",
                       created_at=at("2026-06-08 09:00")))  # fmt: skip
    session.commit()
    assert len(sla_outcomes(session=session, now=NOW)) == len(paused) + 2
    assert len(loads) == 3


def test_warm_up_loads_in_the_background_so_the_first_page_does_not(session, store, loads):
    from db.sla.outcomes import warm_up

    warm_up(session.get_bind().engine, min_tickets=0).join(timeout=120)
    assert len(loads) == 1  # the background thread loaded the store
    sla_outcomes(session=session, now=NOW)
    assert len(loads) == 1  # ... and the first call reused it


def test_warm_up_leaves_a_current_frame_file_to_the_page_that_needs_it(session, store, loads):
    from db.sla.outcomes import warm_up

    engine = session.get_bind().engine
    want = sla_outcomes(session=session, now=NOW)  # this "process" wrote the file
    assert len(loads) == 1
    outcome_cache.disable(engine)  # a fresh process: no entry, the file on disk
    outcome_cache.enable(engine)
    warm_up(engine, min_tickets=0).join(timeout=120)
    assert len(loads) == 1 and not outcome_cache._entries  # nothing loaded nor mapped
    pd.testing.assert_frame_equal(sla_outcomes(session=session, now=NOW), want)
    assert len(loads) == 1  # the page mapped the file
    session.add(Ticket(source="test", external_id="T10", client_id=None, contract_id=None,
                       service_type="desktop support", priority="P3", status="new",
                       created_at=at("2026-06-08 09:00")))  # fmt: skip
    session.commit()
    warm_up(engine, min_tickets=0).join(timeout=120)
    assert len(loads) == 2  # a stale file: the warm-up loads the store again


def test_warm_up_leaves_small_stores_to_the_first_page(session, store, loads):
    from db.sla.outcomes import warm_up

    warm_up(session.get_bind().engine, min_tickets=1_000_000).join(timeout=120)
    assert loads == []


def test_a_log_in_does_not_throw_the_load_away(session, store, loads):
    from db.users import authenticate, create_user
    from tests.factories import ADMIN

    sla_outcomes(session=session, now=NOW)
    create_user(session=session, username="ada", password="long-enough-pw", role="admin",
                actor=ADMIN)  # fmt: skip
    session.commit()
    assert authenticate(session=session, username="ada", password="long-enough-pw")
    session.commit()  # audited, but not about tickets, contracts or SLA policies
    sla_outcomes(session=session, now=NOW)
    assert len(loads) == 1


def test_open_tickets_from_the_cached_load_equal_a_direct_read(session, store, loads):
    """The live at-risk board's open-only read is narrowed from the shared load."""
    engine = session.get_bind().engine
    outcome_cache.disable(engine)
    direct = sla_details(session=session, now=NOW, open_only=True)
    outcome_cache.enable(engine)
    got = sla_details(session=session, now=NOW, open_only=True)
    assert loads[1:] == [{}]  # the whole store, once, then narrowed
    every = sla_details(session=session, now=NOW)
    assert 0 < got["ticket_id"].nunique() < every["ticket_id"].nunique()
    pd.testing.assert_frame_equal(_sorted(got), _sorted(direct))
