"""The SLA dashboard's roll-ups counted over category codes (db.sla.dashboard._rollup) equal
the cube of sla.compliance over every dimension they replaced, on a seeded store of each
backend, for the filters the page offers."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

import sla
from access.roles import SYSTEM
from db.engine import session_scope
from db.sla.dashboard import (
    DIMENSIONS,
    DashboardFilters,
    dashboard_frame,
    dashboard_views,
    filter_frame,
    ticket_table,
)
from demo.seed import seed
from tests.conftest import TODAY
from tests.scale.test_same_results import NOW, SMALL


def _old_rollup(cube: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = cube.groupby(keys, observed=True, sort=True)[["met", "breached", "at_risk"]].sum()
    out = out.reset_index()
    decided = (out["met"] + out["breached"]).to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = np.where(decided > 0, out["met"] / decided, np.nan)
    return out


def _old_views(frame: pd.DataFrame, flt: DashboardFilters) -> dict[str, pd.DataFrame]:
    """dashboard_views' totals, roll-ups and trend as they were computed before."""
    f = filter_frame(frame, flt)
    period = f["created_at"].dt.tz_localize(None).dt.to_period("W" if flt.period == "week" else "M")
    keys = [*DIMENSIONS.values(), "metric", "period"]
    cube = sla.compliance(f.assign(period=period.dt.start_time), by=keys)
    out = {
        label: _old_rollup(cube, [column, "metric"]).sort_values(["metric", "rate"])
        for label, column in DIMENSIONS.items()
    }
    return out | {
        "trend": _old_rollup(cube, ["period", "metric"]),
        "totals": _old_rollup(cube, ["metric"]),
    }


@pytest.fixture
def frame(engine):
    seed(engine, seed=3, size=SMALL, today=TODAY, documents=0)
    with session_scope(engine) as s:
        return dashboard_frame(session=s, actor=SYSTEM, now=NOW)


def test_rollups_over_codes_equal_the_compliance_cube(frame):
    frame = frame.copy()
    frame.loc[frame.index[::7], "tier"] = np.nan  # tickets without a contract have no tier
    frame.loc[frame.index[::11], "client"] = np.nan
    some = frame["client"].dropna().astype(str).unique()[:2]
    filters = [
        DashboardFilters(),
        DashboardFilters(start=TODAY - timedelta(days=90), end=TODAY),
        DashboardFilters(period="month", tiers=("gold",)),
        DashboardFilters(clients=tuple(some), priorities=("P1", "P2")),
        DashboardFilters(start=TODAY + timedelta(days=400)),  # nothing left
    ]
    for flt in filters:
        views, want = dashboard_views(frame, flt), _old_views(frame, flt)
        pd.testing.assert_frame_equal(views.totals, want["totals"])
        pd.testing.assert_frame_equal(views.trend, want["trend"])
        for label in DIMENSIONS:
            pd.testing.assert_frame_equal(views.by[label], want[label])
    assert len(dashboard_views(frame, filters[0]).by["client"]) > 2  # the store has data


def _old_ticket_table(frame: pd.DataFrame, flt: DashboardFilters) -> pd.DataFrame:
    """ticket_table as it was: every ticket joined, then sorted (stable, newest first)."""
    f = filter_frame(frame, flt)
    base = f[f["metric"] == "response"][
        ["ticket_id", "external_id", "client", "contract", "tier", "priority", "service_type",
         "technician", "created_at", "status"]
    ]  # fmt: skip
    for metric in ("response", "resolution"):
        m = f[f["metric"] == metric].set_index("ticket_id")
        base = base.join(
            m[["state", "elapsed_min", "target_min"]].add_prefix(f"{metric}_"), on="ticket_id"
        )
    return base.sort_values("created_at", ascending=False, kind="stable").reset_index(drop=True)


def test_ticket_table_limited_before_the_join_is_the_head_of_the_whole_table(frame):
    """The page's newest 5,000 tickets, chosen before the metrics are joined, are the first
    rows of the table built in full; without a limit it is the whole table."""
    for flt in (DashboardFilters(), DashboardFilters(start=TODAY - timedelta(days=30), end=TODAY)):
        whole = _old_ticket_table(frame, flt)
        assert len(whole) > 50 and whole["created_at"].is_monotonic_decreasing
        pd.testing.assert_frame_equal(ticket_table(frame, flt), whole)
        got = ticket_table(frame, flt, limit=50)
        pd.testing.assert_frame_equal(got, whole.head(50))
        assert got["resolution_state"].notna().any() and got["response_target_min"].notna().any()
