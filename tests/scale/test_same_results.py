"""The faster paths of issue 20 give exactly what the straightforward ones gave, on a seeded
store of each backend: targets matched once per distinct key (sla.attach_targets), and the
renewal health figures read in one scan (db.renewals.health_inputs), time entries built
column by column (billing.frames.entries_from_frame), rows read in one pass (read_frame)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

import sla
from billing.frames import _as_bool, _as_datetime, clean, entries_from_frame
from billing.model import TimeEntry
from billing.money import to_decimal
from db.billing.inputs import _entitle, _entry_frame
from db.calendars import ALWAYS, calendar_versions_frame
from db.engine import session_scope
from db.models import Ticket
from db.renewals.contracts import _pipeline_frame
from db.renewals.health_inputs import health_inputs
from db.sla.frames import instant_column, read_frame
from db.sla.in_force import _contracts, _policies, _policy_keys
from db.sla.outcomes import _tickets
from demo.seed import SeedSize, seed
from sla.policy import WILDCARD, service_key
from tests.conftest import TODAY

SMALL = SeedSize(clients=6, contracts=12, tickets=3000, technicians=3)
NOW = datetime.combine(TODAY, datetime.min.time(), UTC) + timedelta(hours=15)


@pytest.fixture
def seeded(engine):
    seed(engine, seed=5, size=SMALL, today=TODAY, documents=0)
    return engine


def _attach_per_row(tickets, *, policies, calendar_keys, always_on_key):
    """attach_targets as it was: string keys per ticket, merged over every ticket."""
    rules = pd.DataFrame(
        [
            {"contract_id": cid, **row, "warning_share": p.warning_share}
            | {"pause_response": p.pause_response}
            for cid, p in policies.items()
            for row in p.to_rows()
        ]
    )
    out = tickets.copy()
    out["_p"] = out["priority"].astype(str).str.strip().str.upper()
    out["_s"] = out["service_type"].map(service_key)
    keys = ["contract_id", "_p", "_s"]
    named = rules.rename(columns={"priority": "_p", "service_type": "_s"})
    exact = out[keys].merge(named, on=keys, how="left")
    star = out[keys[:2]].assign(_s=WILDCARD).merge(named, on=keys, how="left")
    has = exact["response_minutes"].notna().to_numpy()
    picked = {c: np.where(has, exact[c].to_numpy(object), star[c].to_numpy(object)) for c in named}
    out["response_target_min"] = picked["response_minutes"].astype(float)
    out["resolution_target_min"] = picked["resolution_minutes"].astype(float)
    out["warning_share"] = picked["warning_share"].astype(float)
    out["pause_response"] = pd.Series(picked["pause_response"]).fillna(False).to_numpy(bool)
    contract_key = out["contract_id"].map(calendar_keys)
    out["calendar_key"] = contract_key.where(picked["calendar"] != "24x7", always_on_key)
    return out.drop(columns=["_p", "_s"])


def test_targets_matched_per_distinct_key_equal_per_ticket(seeded):
    with session_scope(seeded) as s:
        tickets = _tickets(s)
        contracts = _contracts(s)
        tickets = tickets.merge(contracts[["contract_id", "tier"]], on="contract_id", how="left")
        key, policies, cal_keys = _policy_keys(
            tickets, contracts, _policies(s), calendar_versions_frame(s)
        )
    labels = {c: tickets[c].astype(object) for c in ("priority", "service_type")}  # read as codes
    work = tickets.assign(contract_id=key.fillna("none").astype(object), **labels)
    # odd service types and priorities a file import can bring: blank, None, spacing, case
    work.loc[work.index[:40], "service_type"] = [None, "", "  Remote   SUPPORT ", "x"] * 10
    work.loc[work.index[40:60], "priority"] = [" p2", "P9"] * 10
    args = {"policies": policies, "calendar_keys": cal_keys, "always_on_key": ALWAYS}
    new = sla.attach_targets(work, **args)
    old = _attach_per_row(work, **args)
    assert new["response_target_min"].notna().sum() > len(work) * 0.9  # targets were found
    pd.testing.assert_frame_equal(new, old, check_dtype=False)


def _health_figures_three_scans(session, now, index):
    """The ticket figures of health_inputs as they were: one query per figure."""

    def grouped(q):
        return {c: v for c, v in session.execute(q).all() if c is not None}

    def count(start, end):
        q = (
            select(Ticket.contract_id, func.count())
            .where(Ticket.created_at >= start, Ticket.created_at < end)
            .group_by(Ticket.contract_id)
        )
        return pd.Series(grouped(q), dtype=float).reindex(index).fillna(0).astype(int)

    csat = grouped(
        select(Ticket.contract_id, func.avg(Ticket.csat))
        .where(Ticket.created_at >= now - timedelta(days=365), Ticket.csat.is_not(None))
        .group_by(Ticket.contract_id)
    )
    return (
        count(now - timedelta(days=90), now),
        count(now - timedelta(days=180), now - timedelta(days=90)),
        pd.Series({k: float(v) for k, v in csat.items()}, dtype=float).reindex(index),
    )


def test_health_figures_in_one_scan_equal_three_queries(seeded):
    with session_scope(seeded) as s:
        frame = _pipeline_frame(s, NOW)
        got = health_inputs(session=s, contracts=frame, now=NOW)
        last, previous, csat = _health_figures_three_scans(s, NOW, got.index)
    assert last.sum() > 0 and previous.sum() > 0 and csat.notna().any()
    known = got["tickets_previous_90"].notna()
    assert known.any()
    assert (got.loc[known, "tickets_last_90"].astype(int) == last[known]).all()
    assert (got.loc[known, "tickets_previous_90"].astype(int) == previous[known]).all()
    pd.testing.assert_series_equal(got["csat"], csat, check_names=False)


def _entries_per_row(frame):
    """entries_from_frame as it was: one dict per row."""
    return [
        TimeEntry(
            entry_id=clean(r["entry_id"]),
            contract_id=clean(r["contract_id"]),
            client_id=clean(r["client_id"]),
            ticket_id=clean(r["ticket_id"]),
            technician_id=clean(r["technician_id"]),
            role=clean(r["role"]) or "",
            started_at=_as_datetime(r["started_at"]),
            minutes=None if clean(r["minutes"]) is None else int(clean(r["minutes"])),
            rate_charged=to_decimal(clean(r["rate_charged"])),
            currency=clean(r["currency"]),
            entitlement_outcome=clean(r["entitlement_outcome"]) or "",
            approved=bool(_as_bool(r.get("approved"), False)),
            after_hours=_as_bool(r.get("after_hours"), None),
        )
        for r in frame.to_dict("records")
    ]


def test_entries_built_column_wise_equal_row_wise(seeded):
    with session_scope(seeded) as s:
        frame = _entitle(s, _entry_frame(s))
    frame = frame.assign(client_id=frame["client_id"].map(lambda c: -1 if pd.isna(c) else c))
    assert len(frame) > 100
    assert entries_from_frame(frame) == _entries_per_row(frame)
    # NA-able, float and text forms of the same columns, as a CSV or an import gives them
    odd = frame.head(50).astype({"ticket_id": "Int64", "minutes": float, "approved": "boolean"})
    odd.loc[odd.index[:5], ["ticket_id", "approved", "role"]] = [pd.NA, pd.NA, " "]
    odd["after_hours"] = ["yes", None, 0, 1.0, "false"] * 10
    odd["started_at"] = odd["started_at"].astype(str)
    assert entries_from_frame(odd) == _entries_per_row(odd)


def test_rows_read_in_one_pass_equal_the_column_wise_build(seeded):
    with session_scope(seeded) as s:
        q = select(
            Ticket.id,
            Ticket.external_id,
            Ticket.contract_id,
            Ticket.priority,
            instant_column(s, Ticket.resolved_at),
        )
        cols = ["id", "external", "contract", "priority", "resolved"]
        got = read_frame(s, q, cols)
        rows = s.execute(q).all()
        empty = read_frame(s, q.where(Ticket.id < 0), cols)
    data = list(zip(*rows, strict=True))
    expected = pd.DataFrame(
        {c: pd.Series(v, dtype=object) for c, v in zip(cols, data, strict=True)}
    )
    assert got["resolved"].isna().any() and got["contract"].notna().any()
    pd.testing.assert_frame_equal(got, expected)
    assert list(empty.columns) == cols and empty.empty


@pytest.mark.parametrize("cached", [False, True], ids=["read", "sla-cache"])
def test_performance_tickets_from_the_sla_inputs_equal_the_orm_read(seeded, cached):
    """performance_tickets takes each ticket's names and instants from the SLA inputs (held by
    the app's outcome cache, or read for the period) and its resolution minutes from the SLA
    engine: the values are those of the straightforward ORM join, every ticket of the period
    (open ones, ones without a contract or technician) once, in id order."""
    from access.roles import SYSTEM
    from db.analytics_sla import day_start as _utc
    from db.models import Client, Contract, Technician
    from db.performance_repo import TICKET_COLUMNS, performance_tickets
    from db.sla import outcome_cache
    from db.sla.outcomes import sla_outcomes

    start, end = (NOW - timedelta(days=120)).date(), (NOW - timedelta(days=1)).date()
    if cached:
        outcome_cache.enable(seeded)
    try:
        with session_scope(seeded) as s:
            got = performance_tickets(session=s, actor=SYSTEM, start=start, end=end, now=NOW)
            rows = s.execute(
                select(Ticket.id, Ticket.contract_id, Contract.reference, Client.name,
                       Ticket.service_type, Technician.name, Ticket.created_at,
                       Ticket.resolved_at, Ticket.csat)
                .outerjoin(Contract, Contract.id == Ticket.contract_id)
                .outerjoin(Client, Client.id == Ticket.client_id)
                .outerjoin(Technician, Technician.id == Ticket.technician_id)
                .where(Ticket.created_at >= _utc(start),
                       Ticket.created_at < _utc(end + timedelta(1)))
                .order_by(Ticket.id)
            ).all()  # fmt: skip
            out = sla_outcomes(session=s, now=NOW, since=_utc(start))
            later = s.scalar(
                select(func.count()).where(Ticket.created_at >= _utc(end + timedelta(1)))
            )
    finally:
        outcome_cache.disable(seeded)
    orm = pd.DataFrame(rows, columns=TICKET_COLUMNS[:-1])
    res = out[out["metric"] == "resolution"].set_index("ticket_id")["elapsed_min"]
    orm["resolution_min"] = orm["ticket_id"].map(res).astype(float)
    orm.loc[orm["resolved_at"].isna(), "resolution_min"] = float("nan")
    assert list(got.columns) == TICKET_COLUMNS
    assert len(got) == len(orm) > 100 and got["resolved_at"].isna().any()
    assert got["csat"].notna().any() and got["resolution_min"].notna().any()
    assert later > 0 and got["created_at"].max() < pd.Timestamp(_utc(end + timedelta(1)))
    pd.testing.assert_frame_equal(got, orm, check_dtype=False)


def test_months_formatted_once_per_month_equal_strftime():
    """The SLA trend's month labels equal strftime per row: year ends, a leap day, missing."""
    from db.analytics_sla import months

    instants = pd.Series(
        pd.to_datetime(
            [
                "2025-12-31 23:59:59",
                "2026-01-01 00:00:00",
                "2024-02-29 12:00:00",
                None,
                "2026-11-30 08:00:00",
            ],
            utc=True,
        )
    )
    got = months(instants)
    pd.testing.assert_series_equal(got, instants.dt.strftime("%Y-%m"))
    assert list(got.dropna()) == ["2025-12", "2026-01", "2024-02", "2026-11"]


def test_executive_sla_figures_shared_per_store_state_equal_a_fresh_computation(
    seeded, monkeypatch
):
    """The executive's SLA figures are computed once per store state and arguments and read
    back (in the process, or by a fresh one from the frame file) equal to a computation
    without the cache; other arguments or a resolved ticket compute them again."""
    from db import analytics_sla
    from db.models import Contract
    from db.sla import outcome_cache
    from db.sla import outcomes as outcomes_module

    today = NOW.date()
    period = (today - timedelta(days=60), today)
    before = (today - timedelta(days=121), today - timedelta(days=61))

    def figures(s, ids):
        return analytics_sla.sla_figures(s, ids, period, before, NOW)

    def same(a, b):
        assert [a.response, a.resolution, a.prev_response, a.prev_resolution] == [
            b.response, b.resolution, b.prev_response, b.prev_resolution
        ]  # fmt: skip
        pd.testing.assert_frame_equal(a.trend, b.trend)
        pd.testing.assert_series_equal(a.by_contract, b.by_contract)

    with session_scope(seeded) as s:
        ids = list(s.scalars(select(Contract.id)))
        direct = figures(s, ids)
    assert direct.response is not None and direct.prev_resolution is not None
    assert len(direct.trend) > 0 and len(direct.by_contract) > 0
    calls = []
    real = outcomes_module.sla_outcomes
    monkeypatch.setattr(outcomes_module, "sla_outcomes", lambda **k: calls.append(1) or real(**k))
    outcome_cache.enable(seeded)
    try:
        with session_scope(seeded) as s:
            same(figures(s, ids), direct)
            same(figures(s, ids), direct)
        assert calls == [1]
        outcome_cache.disable(seeded)  # a fresh process: nothing in memory, the file is there
        outcome_cache.enable(seeded)
        with session_scope(seeded) as s:
            same(figures(s, ids), direct)
            assert calls == [1]
            figures(s, ids[:1])
            assert calls == [1, 1]
            ticket = s.scalars(
                select(Ticket).where(
                    Ticket.resolved_at.is_(None),
                    Ticket.contract_id.in_(ids),
                    Ticket.created_at >= datetime.combine(period[0], datetime.min.time(), UTC),
                )
            ).first()
            ticket.resolved_at = NOW
        with session_scope(seeded) as s:
            changed = figures(s, ids)
        assert calls == [1, 1, 1]
    finally:
        outcome_cache.disable(seeded)
    with session_scope(seeded) as s:
        same(changed, figures(s, ids))
