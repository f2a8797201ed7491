"""sla_outcomes on a hand-built store: exact minutes, states and due times (both backends)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from db.sla.outcomes import OUTCOME_COLUMNS, sla_outcomes
from tests.sla_integration.sla_data import NOW, at, build

EXPECTED = {
    # ticket, metric: state, elapsed, target, due (UTC), minutes_left
    ("T1", "response"): ("met", 60, 240, "2026-03-02 13:00", 180),
    ("T1", "resolution"): ("met", 540, 2400, "2026-03-09 11:00", 1860),
    ("T2", "response"): ("breached", 2700, 120, "2026-06-01 11:00", -2580),
    ("T2", "resolution"): ("breached", 2700, 960, "2026-06-03 09:00", -1740),
    ("T3", "response"): ("met", 20, 30, "2026-06-06 10:30", 10),
    ("T3", "resolution"): ("breached", 3120, 480, "2026-06-06 18:00", -2640),
    ("T4", "response"): ("at_risk", 50, 60, "2026-06-08 14:10", 10),
    ("T4", "resolution"): ("running", 50, 960, "2026-06-10 13:10", 910),
}


@pytest.fixture
def store(session):
    ids = build(session)
    session.commit()
    return ids


def test_exact_outcomes(session, store):
    df = sla_outcomes(session=session, now=NOW)
    assert list(df.columns) == OUTCOME_COLUMNS
    assert len(df) == 10
    names = {v: k for k, v in store.items() if k.startswith("T")}
    for rec in df.itertuples(index=False):
        name = names[rec.ticket_id]
        if name == "T5":  # no contract: no SLA
            assert pd.isna(rec.state) and math.isnan(rec.target_min)
            continue
        state, elapsed, target, due, left = EXPECTED[(name, rec.metric)]
        assert (rec.state, rec.elapsed_min, rec.target_min) == (state, elapsed, target), name
        assert rec.due_at == at(due), (name, rec.metric)
        assert rec.minutes_left == left
        assert rec.tier == "gold" and rec.contract_id == store["contract"]


def test_filters(session, store):
    since = sla_outcomes(session=session, now=NOW, since=at("2026-06-01 00:00"))
    assert sorted(set(since["ticket_id"])) == sorted(store[t] for t in ("T2", "T3", "T4", "T5"))
    only = sla_outcomes(session=session, now=NOW, contract_ids=[store["contract"]])
    assert store["T5"] not in set(only["ticket_id"]) and len(only) == 8
    assert sla_outcomes(session=session, now=NOW, contract_ids=[]).empty


def test_dashboard_views_roll_up_like_sla_compliance(session, store):
    import sla
    from db.sla.dashboard import DashboardFilters, dashboard_frame, dashboard_views
    from tests.factories import ADMIN

    frame = dashboard_frame(session=session, actor=ADMIN, now=NOW)
    views = dashboard_views(frame, DashboardFilters())
    direct = sla.compliance(frame, by=["metric"])
    assert views.totals[["met", "breached", "at_risk"]].values.tolist() == (
        direct[["met", "breached", "at_risk"]].values.tolist()
    )
    prio = views.by["priority"].set_index(["priority", "metric"])
    assert prio.loc[("P3", "response"), ["met", "breached"]].tolist() == [1, 1]
    assert prio.loc[("P3", "response"), "rate"] == 0.5
    assert int(views.heatmap["breaches"].sum()) == 3
