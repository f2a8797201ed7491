"""The SLA dashboard's frame held per store state (db.sla.held_frame), on a seeded store of
each backend: moved to any instant it equals every ticket evaluated at that instant, from
this process's entry or another process's file; a store change, a renamed client and a
damaged file each build it again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from access.roles import SYSTEM
from db import frame_files
from db.engine import session_scope
from db.models import Client, Ticket
from db.sla import held_frame, outcome_cache
from db.sla.dashboard import at_risk_board, dashboard_frame
from demo.seed import seed
from tests.conftest import TODAY
from tests.scale.test_same_results import NOW, SMALL


@pytest.fixture
def seeded(engine):
    seed(engine, seed=11, size=SMALL, today=TODAY, documents=0)
    return engine


@pytest.fixture
def builds(seeded, monkeypatch):
    """Count the held frame's builds; the app's cache on for this store."""
    calls = []
    real = held_frame._build
    monkeypatch.setattr(held_frame, "_build", lambda s: calls.append(1) or real(s))
    outcome_cache.enable(seeded)
    yield calls
    outcome_cache.disable(seeded)


def _direct(engine, now) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The dashboard frame and the at-risk board with every ticket evaluated at `now`."""
    outcome_cache.disable(engine)
    try:
        with session_scope(engine) as s:
            return dashboard_frame(session=s, actor=SYSTEM, now=now), at_risk_board(
                session=s, actor=SYSTEM, now=now
            )
    finally:
        outcome_cache.enable(engine)


def _held(engine, now) -> tuple[pd.DataFrame, pd.DataFrame]:
    with session_scope(engine) as s:
        return dashboard_frame(session=s, actor=SYSTEM, now=now), at_risk_board(
            session=s, actor=SYSTEM, now=now
        )


def _forget_this_process(engine) -> None:
    """As a fresh process meets the store: no in-process entry, the files still there."""
    outcome_cache.disable(engine)
    outcome_cache.enable(engine)


def test_held_frame_moved_to_any_instant_equals_every_ticket_evaluated_then(seeded, builds):
    with session_scope(seeded) as s:
        open_tickets = s.scalar(select(Ticket.id).where(Ticket.resolved_at.is_(None)).limit(1))
    assert open_tickets is not None  # the clocks of some tickets still run
    for now in (NOW, NOW + timedelta(hours=7, minutes=35), NOW + timedelta(days=3)):
        frame, board = _held(seeded, now)
        want_frame, want_board = _direct(seeded, now)
        pd.testing.assert_frame_equal(frame, want_frame)
        pd.testing.assert_frame_equal(board, want_board)
    assert len(builds) == 1  # one evaluation of every ticket for every instant


def test_a_fresh_process_maps_the_file_and_gets_the_same_frame(seeded, builds):
    first, _ = _held(seeded, NOW)
    _forget_this_process(seeded)
    later = NOW + timedelta(minutes=5)
    frame, board = _held(seeded, later)
    assert len(builds) == 1  # the second "process" built nothing
    want_frame, want_board = _direct(seeded, later)
    pd.testing.assert_frame_equal(frame, want_frame)
    pd.testing.assert_frame_equal(board, want_board)
    assert not frame["elapsed_min"].equals(first["elapsed_min"])  # running clocks moved


def test_a_resolved_ticket_or_a_renamed_client_builds_the_frame_again(seeded, builds):
    _held(seeded, NOW)
    with session_scope(seeded) as s:
        ticket = s.scalars(select(Ticket).where(Ticket.resolved_at.is_(None)).limit(1)).one()
        ticket.resolved_at, ticket.status = NOW - timedelta(hours=1), "resolved"
    frame, _ = _held(seeded, NOW)
    assert len(builds) == 2
    pd.testing.assert_frame_equal(frame, _direct(seeded, NOW)[0])
    with session_scope(seeded) as s:
        client = s.scalars(select(Client).order_by(Client.id).limit(1)).one()
        client.name = "Renamed Dental"
    frame, _ = _held(seeded, NOW)
    assert len(builds) == 3
    assert "Renamed Dental" in set(frame["client"].astype(str))
    pd.testing.assert_frame_equal(frame, _direct(seeded, NOW)[0])


def test_a_damaged_file_is_never_served(seeded, builds):
    _held(seeded, NOW)
    url = seeded.url.render_as_string(hide_password=False)
    folder = frame_files.directory(url)
    assert folder is not None
    (path,) = [p for p in Path(folder).glob(held_frame.SHARED.name + "-*.arrow")]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    _forget_this_process(seeded)
    frame, _ = _held(seeded, NOW)
    assert len(builds) == 2  # checked, ignored, built again
    pd.testing.assert_frame_equal(frame, _direct(seeded, NOW)[0])


def test_without_the_app_cache_the_frame_is_evaluated_in_full(seeded, monkeypatch):
    monkeypatch.setattr(held_frame, "_build", lambda s: pytest.fail("library calls never hold"))
    with session_scope(seeded) as s:
        frame = dashboard_frame(session=s, actor=SYSTEM, now=NOW)
        assert len(frame) == 2 * s.scalar(select(func.count()).select_from(Ticket))
