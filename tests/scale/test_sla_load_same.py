"""The leaner SLA load (issue 20, 1M tickets) gives exactly what the straightforward one gave:
statuses normalised once per distinct value, targets attached once per distinct (policy,
priority, service type), one held frame with labels as categories, outcomes joined by
position. The reference below is the load as it was, on a seeded store of each backend."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

import sla
from access.roles import SYSTEM
from db.calendars import ALWAYS, calendar_versions_frame, load_calendars
from db.engine import session_scope
from db.models import Ticket, TicketEvent
from db.sla import outcomes
from db.sla.entitlements import ticket_entitlements
from db.sla.frames import instant_column, read_columns, read_frame, to_instants
from db.sla.in_force import _contracts, _policies, _policy_keys
from demo.seed import seed
from sla.events import normal_statuses
from tests.conftest import TODAY
from tests.scale.test_same_results import NOW, SMALL


@pytest.fixture
def seeded(engine):
    seed(engine, seed=7, size=SMALL, today=TODAY, documents=0)
    return engine


def test_statuses_normalised_per_distinct_value_equal_per_row():
    values = pd.Series(
        ["  On   Hold ", "PENDING", None, np.nan, "", "waiting\ton customer", 5, "open"] * 3,
        dtype=object,
    )
    per_row = values.astype("string").str.lower().str.split().str.join(" ").fillna("")
    assert normal_statuses(values).tolist() == per_row.tolist()


def _old_tickets(session) -> pd.DataFrame:
    """The tickets as read before read_columns: raw values, then converted whole."""
    instants = ["created_at", "first_response_at", "resolved_at"]
    names = [c for c in outcomes._TICKET_KINDS if c not in instants][1:]  # after ticket_id
    stamps = [instant_column(session, getattr(Ticket, c)) for c in instants]
    q = select(Ticket.id, *(getattr(Ticket, c) for c in names), *stamps)
    frame = read_frame(session, q, list(outcomes._TICKET_KINDS))
    frame["ticket_id"] = frame["ticket_id"].astype("int64")
    for name in instants:
        frame[name] = to_instants(frame[name])
    for name in ("contract_id", "client_id", "technician_id"):
        frame[name] = frame[name].astype("Int64")
    return frame


def _old_details(session, now: datetime) -> pd.DataFrame:
    """sla_details as it was before the lean load: every ticket through attach_targets, the
    tickets joined back to the outcomes by ticket id."""
    tickets = _old_tickets(session)
    contracts = _contracts(session)
    tickets = tickets.merge(contracts[["contract_id", "tier"]], on="contract_id", how="left")
    key, policies, cal_keys = _policy_keys(
        tickets, contracts, _policies(session), calendar_versions_frame(session)
    )
    work = tickets.assign(_pk=key.fillna("none").astype(object))
    attached = sla.attach_targets(
        work.rename(columns={"contract_id": "_cid", "_pk": "contract_id"}),
        policies=policies,
        calendar_keys=cal_keys,
        always_on_key=ALWAYS,
    ).rename(columns={"contract_id": "_pk", "_cid": "contract_id"})
    attached["calendar_key"] = attached["calendar_key"].where(
        attached["calendar_key"].notna(), ALWAYS
    )
    attached["calendar_key"] = attached["calendar_key"].astype(str)
    calendars = {str(k): v for k, v in load_calendars(session=session).items()}
    cal_map = {k: calendars[k] for k in attached["calendar_key"].unique()}
    pauses = outcomes._pauses(session, tickets)
    result = sla.evaluate(
        attached[
            ["ticket_id", "calendar_key", "created_at", "first_response_at", "resolved_at"]
            + outcomes._TARGETS
        ],
        pauses,
        calendars=cal_map,
        now=now,
    )
    info = tickets.set_index("ticket_id")
    pos = info.index.get_indexer(result["ticket_id"])
    out = pd.DataFrame({"ticket_id": result["ticket_id"].to_numpy()})
    for name in ["contract_id", "client_id", "tier", "priority", "service_type"]:
        out[name] = info[name].iloc[pos].reset_index(drop=True)
    out["technician_id"] = info["technician_id"].iloc[pos].reset_index(drop=True)
    out["created_at"] = info["created_at"].iloc[pos].reset_index(drop=True)
    for name in ["metric", "state", "elapsed_min", "target_min", "due_at", "minutes_left"]:
        out[name] = result[name]
    out["external_id"] = info["external_id"].iloc[pos].reset_index(drop=True)
    out["status"] = info["status"].iloc[pos].reset_index(drop=True)
    out["stopped_at"] = result["stopped_at"]
    out["calendar_key"] = result["calendar_key"].astype(str)
    for name in ("metric", "tier", "priority", "service_type"):
        out[name] = out[name].astype("category")
    for name in ("contract_id", "client_id", "technician_id"):
        out[name] = out[name].astype("Int64")
    return out


def _odd_inputs(session) -> None:
    """What a file import can bring: odd spacing and case in statuses, service types and
    priorities, a blank service type."""
    rows = session.query(Ticket).order_by(Ticket.id).limit(30).all()
    for i, t in enumerate(rows):
        t.service_type = ["", "  Remote   SUPPORT ", "EMAIL", "x"][i % 4]
        t.priority = ["p2", "P1", "P3"][i % 3]  # String(2): case, not spacing
    for e in session.query(TicketEvent).filter(TicketEvent.kind == "paused").limit(20):
        e.value = "  Waiting   ON Customer "
    session.flush()


def _assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for name in ("metric", "tier", "priority", "service_type"):
        assert got[name].cat.categories.equals(want[name].cat.categories), name


def test_lean_load_equals_the_load_as_it_was(seeded):
    with session_scope(seeded) as s:
        _odd_inputs(s)
        want = _old_details(s, NOW)
        got = outcomes.sla_details(session=s, now=NOW)
    assert len(got) == 2 * SMALL.tickets
    _assert_same(got, want)


def test_narrowed_load_equals_the_same_rows_of_the_old_load(seeded):
    since = NOW - timedelta(days=120)
    with session_scope(seeded) as s:
        want = _old_details(s, NOW)
        loaded = outcomes._load(s)
        contracts = sorted(int(c) for c in want["contract_id"].dropna().unique())[:4]
        got = outcomes._evaluate(loaded.narrow(since, contracts), NOW)
    keep = (want["created_at"] >= since) & want["contract_id"].isin(contracts).fillna(False)
    want = want[keep.to_numpy(bool)].reset_index(drop=True)
    for name in ("tier", "priority", "service_type"):
        want[name] = want[name].cat.remove_unused_categories()
    assert 0 < len(got) < 2 * SMALL.tickets
    _assert_same(got, want)


def test_outcomes_follow_the_held_tickets_in_any_order(seeded):
    with session_scope(seeded) as s:
        loaded = outcomes._load(s)
    shuffled = outcomes._Loaded(
        loaded.tickets.sample(frac=1, random_state=3), loaded.pauses, loaded.calendars
    )
    got = outcomes._evaluate(shuffled, NOW).sort_values(["metric", "ticket_id"])
    want = outcomes._evaluate(loaded, NOW).sort_values(["metric", "ticket_id"])
    _assert_same(got.reset_index(drop=True), want.reset_index(drop=True))


def test_columns_read_in_chunks_equal_one_raw_read(seeded):
    with session_scope(seeded) as s:
        for t in s.query(Ticket).order_by(Ticket.id).limit(5):
            t.technician_id = None  # unassigned: a missing int
        s.flush()
        want = _old_tickets(s)
        q = select(Ticket.id).where(Ticket.id < 0)
        empty = read_columns(s, q, {"ticket_id": "id"})
        got = outcomes._tickets(s)  # whole chunks and a short last one
        small = read_columns(
            s,
            select(Ticket.id, instant_column(s, Ticket.resolved_at), Ticket.technician_id),
            {"ticket_id": "id", "resolved_at": "instant", "technician_id": "int"},
            chunk=700,
        )
    assert got["priority"].dtype == "category" and got["external_id"].dtype == "str"
    as_read = got.astype({c: object for c in ("external_id", "priority", "service_type", "status")})
    pd.testing.assert_frame_equal(as_read, want, check_exact=True)
    pd.testing.assert_frame_equal(small, want[small.columns], check_exact=True)
    assert small["resolved_at"].isna().any() and small["technician_id"].isna().any()
    assert empty.empty and empty["ticket_id"].dtype == "int64"


def test_entitlements_read_in_chunks_are_typed_columns_with_the_values_read(seeded):
    with session_scope(seeded) as s:
        raw = _old_tickets(s).set_index("ticket_id")
        got = ticket_entitlements(session=s, actor=SYSTEM)
    assert len(got) == SMALL.tickets and got["created_at"].is_monotonic_decreasing
    assert got["ticket_id"].dtype == "int64" and got["external_id"].dtype == "str"
    assert got["priority"].dtype == "category" and got["entitlement"].dtype == "category"
    for name in ("external_id", "priority", "service_type"):
        assert got[name].tolist() == raw.loc[got["ticket_id"], name].tolist()
    assert got["entitlement"].isin(["covered", "not_covered"]).mean() > 0.5


def test_entitlements_shared_as_a_frame_file_equal_a_direct_read(seeded, monkeypatch):
    """The app's whole-history entitlement (judged on the SLA inputs the cache holds, shared
    as a frame file any process reads) is the direct computation's; a fresh process reads it
    without computing; a new service recomputes."""
    from db.models import ContractService
    from db.sla import entitlements as module
    from db.sla import outcome_cache

    with session_scope(seeded) as s:
        direct = ticket_entitlements(session=s, actor=SYSTEM)
    computed = []
    real = module._entitled
    monkeypatch.setattr(module, "_entitled", lambda *a, **k: computed.append(1) or real(*a, **k))
    reads, read = [], module.read_columns
    monkeypatch.setattr(module, "read_columns", lambda *a, **k: reads.append(1) or read(*a, **k))
    outcome_cache.enable(seeded)
    try:
        with session_scope(seeded) as s:
            pd.testing.assert_frame_equal(ticket_entitlements(session=s, actor=SYSTEM), direct)
        assert reads == []  # the tickets came from the SLA inputs the cache holds
        outcome_cache.disable(seeded)  # a fresh process: nothing in memory
        outcome_cache.enable(seeded)
        with session_scope(seeded) as s:
            pd.testing.assert_frame_equal(ticket_entitlements(session=s, actor=SYSTEM), direct)
        assert computed == [1]
        with session_scope(seeded) as s:
            cid = s.scalar(select(Ticket.contract_id).where(Ticket.contract_id.is_not(None)))
            s.add(ContractService(contract_id=cid, kind="excluded", name="backup"))
        with session_scope(seeded) as s:
            ticket_entitlements(session=s, actor=SYSTEM)
        assert computed == [1, 1]
    finally:
        outcome_cache.disable(seeded)
