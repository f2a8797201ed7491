"""Frames shared on disk (`db.frame_files`, issue 20): written whole or not at all, read back
exactly, never served for another key or when damaged, one builder at a time; and the SLA
load through them gives what reading the store gives, in a process that never loaded it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from db import frame_files
from db.models import Ticket
from db.sla import outcome_cache, outcomes
from db.sla.outcomes import sla_details
from tests.sla_integration.sla_data import NOW, at, build

URL = "sqlite:////srv/desk/store.db"


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticket_id": np.arange(4, dtype=np.int64),
            "external_id": pd.array(["a", "b", None, "d"], dtype="str"),
            "calendar_key": pd.Series(["24x7", "3", "3", None], dtype=object),
            "contract_id": pd.array([1, None, 3, 4], dtype="Int64"),
            "priority": pd.Categorical(["P1", "P2", "P1", None]),
            "created_at": pd.to_datetime(
                ["2026-01-01 10:00", None, "2026-03-29 01:30", "2026-10-25 02:30"], utc=True
            ).astype("datetime64[us, UTC]"),
            "first_response_at": pd.to_datetime(["2026-01-01", None, None, None]).astype(
                "datetime64[us]"
            ),
            "target": [60.0, np.nan, 240.0, 480.0],
        }
    )


def _only_file(folder: Path) -> Path:
    (path,) = folder.glob("*.arrow")
    return path


def test_frames_come_back_exactly_as_written(tmp_path, monkeypatch):
    monkeypatch.setenv(frame_files.SETTING, str(tmp_path))
    frame, empty = _frame(), _frame().drop(columns="priority").iloc[:0]  # e.g. no pauses
    rest = _frame().iloc[1:].reset_index(drop=True)  # a part with rows after other parts
    parts = {"a": frame, "b": empty, "c": rest}
    assert frame_files.save(URL, "t", "key-1", parts) is not None
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith("lock")] == [
        _only_file(tmp_path).name
    ]  # no scratch file left beside it
    for read_only in (False, True):
        got = frame_files.load(URL, "t", "key-1", read_only=read_only)
        for name, want in parts.items():
            pd.testing.assert_frame_equal(got[name], want)
        assert got["a"]["calendar_key"].tolist()[3] is None  # None stays None, not NaN


def test_another_key_is_a_miss_and_a_new_key_replaces_the_old_file(tmp_path, monkeypatch):
    monkeypatch.setenv(frame_files.SETTING, str(tmp_path))
    frame_files.save(URL, "t", "key-1", {"a": _frame()})
    assert frame_files.load(URL, "t", "key-2") is None
    assert frame_files.load("sqlite:////other.db", "t", "key-1") is None
    frame_files.save(URL, "t", "key-2", {"a": _frame().head(1)})
    assert len(list(tmp_path.glob("*.arrow"))) == 1
    assert frame_files.load(URL, "t", "key-1") is None
    assert len(frame_files.load(URL, "t", "key-2")["a"]) == 1


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "empty", "garbage"])
def test_a_damaged_file_is_ignored_and_removed(tmp_path, monkeypatch, damage):
    monkeypatch.setenv(frame_files.SETTING, str(tmp_path))
    frame_files.save(URL, "t", "key-1", {"a": _frame()})
    path = _only_file(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "flip a byte":
        data[len(data) // 2] ^= 0xFF
    elif damage == "truncate":
        data = data[: len(data) - 100]
    elif damage == "empty":
        data = bytearray()
    else:
        data = bytearray(b"not arrow at all" * 64)
    path.write_bytes(bytes(data))
    assert frame_files.load(URL, "t", "key-1") is None
    assert not path.exists()


def test_a_killed_writer_s_old_temp_file_is_removed_a_fresh_one_kept(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv(frame_files.SETTING, str(tmp_path))
    old, fresh = tmp_path / ".tmp-old.arrow", tmp_path / ".tmp-fresh.arrow"
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    an_hour_ago = time.time() - frame_files.STALE_TEMP_S - 60
    os.utime(old, (an_hour_ago, an_hour_ago))
    frame_files.save(URL, "t", "k", {"a": _frame()})
    assert not old.exists() and fresh.exists()


def test_the_folder_is_beside_a_sqlite_store_unless_set(tmp_path):
    assert frame_files.directory(URL, env={}) == Path("/srv/desk/store.db.cache")
    assert frame_files.directory("sqlite:///:memory:", env={}) is None
    pg = frame_files.directory("postgresql+psycopg://h/db", env={})
    assert pg == frame_files.ROOT / "data" / "cache"
    assert frame_files.directory(URL, env={frame_files.SETTING: str(tmp_path)}) == tmp_path
    assert frame_files.directory(URL, env={frame_files.SETTING: "off"}) is None


def test_an_unwritable_folder_only_means_no_file(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv(frame_files.SETTING, str(blocker / "cache"))
    assert frame_files.save(URL, "t", "k", {"a": _frame()}) is None
    assert frame_files.load(URL, "t", "k") is None


def test_a_second_builder_waits_for_the_first(tmp_path, monkeypatch):
    monkeypatch.setenv(frame_files.SETTING, str(tmp_path))
    order: list[str] = []

    def second() -> None:
        with frame_files.building(URL, "t"):
            order.append("second in")

    with frame_files.building(URL, "t"):
        other = threading.Thread(target=second)
        other.start()
        time.sleep(0.3)
        order.append("first out")
    other.join(timeout=10)
    assert order == ["first out", "second in"]


@pytest.fixture
def counted(session, monkeypatch):
    """The app's cache on for this store; the whole-store loads actually made."""
    calls: list[int] = []
    real = outcomes._load
    monkeypatch.setattr(outcomes, "_load", lambda *a, **k: calls.append(1) or real(*a, **k))
    engine = session.get_bind().engine
    outcome_cache.enable(engine)
    yield calls
    outcome_cache.disable(engine)


def _fresh_process(session) -> None:
    """Forget this process's entry, as a new replica or a restart starts."""
    engine = session.get_bind().engine
    outcome_cache.disable(engine)
    outcome_cache.enable(engine)


def test_a_fresh_process_maps_the_file_and_answers_as_the_store_does(session, counted):
    ids = build(session)
    session.commit()
    engine = session.get_bind().engine
    outcome_cache.disable(engine)
    direct = sla_details(session=session, now=NOW)
    outcome_cache.enable(engine)
    counted.clear()
    sla_details(session=session, now=NOW)
    assert counted == [1]
    _fresh_process(session)
    from_file = sla_details(session=session, now=NOW)
    assert counted == [1]  # read from the file, not from the store
    pd.testing.assert_frame_equal(from_file, direct)

    ticket = session.get(Ticket, ids["T2"])  # resolved in place, as a webhook does
    ticket.resolved_at, ticket.status = at("2026-06-01 10:00"), "resolved"
    session.commit()
    _fresh_process(session)
    after = sla_details(session=session, now=NOW)
    assert counted == [1, 1]  # the store changed: the file is stale, loaded again
    row = after[(after["ticket_id"] == ids["T2"]) & (after["metric"] == "resolution")]
    assert row["state"].iloc[0] == "met"


def test_a_damaged_file_is_rebuilt_not_served(session, counted, tmp_path):
    build(session)
    session.commit()
    expected = sla_details(session=session, now=NOW)
    path = _only_file(tmp_path / "frame-cache")
    data = bytearray(path.read_bytes())
    data[-200] ^= 0xFF
    path.write_bytes(bytes(data))
    _fresh_process(session)
    got = sla_details(session=session, now=NOW)
    assert counted == [1, 1]
    pd.testing.assert_frame_equal(got, expected)
    assert frame_files.load(
        session.get_bind().engine.url.render_as_string(hide_password=False),
        outcomes.SHARED.name,
        repr(outcome_cache.fingerprint(session)),
    )


def test_calendars_kept_as_rows_are_the_same_calendars(session):
    """The shared SLA load keeps its calendars as rows (no `holidays` lookup on read)."""
    from db.calendars import calendars_as_rows, calendars_from_rows, load_calendars

    build(session)
    session.commit()
    from sla import Calendar

    calendars = {str(k): v for k, v in load_calendars(session=session).items()}
    spec = "Mon-Fri 08:00-17:00; Sat 09:00-12:00"
    years = range(2025, 2027)
    calendars["de"] = Calendar.from_spec(spec, "Europe/Berlin", country="DE", years=years)
    assert len(calendars["de"].holidays) == 18  # 9 German national holidays a year
    assert calendars_from_rows(calendars_as_rows(calendars)) == calendars
