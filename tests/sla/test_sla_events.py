"""Event logs -> clock rows, and the per-ticket "why" timeline."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from sla.calendar import Calendar
from sla.events import Segment, rows_from_events, timeline
from sla.policy import policy_for

LONDON = ZoneInfo("Europe/London")
OFFICE = Calendar.from_spec(
    "Mon-Fri 08:00-18:00", "Europe/London", country="GB", subdivision="ENG", years=range(2025, 2028)
)


def t(*args: int) -> pd.Timestamp:
    return pd.Timestamp(datetime(*args, tzinfo=LONDON))


def log(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["ticket_id", "at", "kind", "value"])


EVENTS = log(
    (1, t(2026, 1, 5, 17), "created", "P3"),
    (1, t(2026, 1, 5, 17, 30), "first_response", None),
    (1, t(2026, 1, 5, 17, 45), "status", "Pending"),
    (1, t(2026, 1, 6, 8, 30), "status", "Open"),
    (1, t(2026, 1, 6, 9), "priority_changed", "P2"),
    (1, t(2026, 1, 6, 10), "resolved", None),
    (1, t(2026, 1, 6, 11), "status", "Closed"),
    (1, t(2026, 1, 6, 12), "reopened", None),
    (2, t(2026, 1, 5, 9), "created", "P1"),
    (2, t(2026, 1, 5, 9, 5), "status", "Scheduled"),
    (2, t(2026, 1, 5, 10), "resolved", None),
    (2, t(2026, 1, 5, 11), "status", "closed"),
)


def test_rows_from_events() -> None:
    tickets, pauses = rows_from_events(EVENTS.sample(frac=1, random_state=3))  # order-proof
    assert tickets.to_dict("records") == [
        {
            "ticket_id": 1,
            "created_at": t(2026, 1, 5, 17),
            "first_response_at": t(2026, 1, 5, 17, 30),
            "resolved_at": pd.NaT,
            "priority": "P2",
        },
        {
            "ticket_id": 2,
            "created_at": t(2026, 1, 5, 9),
            "first_response_at": pd.NaT,
            "resolved_at": t(2026, 1, 5, 10),
            "priority": "P1",
        },
    ]
    assert pauses.to_dict("records") == [
        {
            "ticket_id": 1,
            "start": t(2026, 1, 5, 17, 45),
            "end": t(2026, 1, 6, 8, 30),
            "reason": "Pending",
        },
        {
            "ticket_id": 1,
            "start": t(2026, 1, 6, 10),
            "end": t(2026, 1, 6, 12),
            "reason": "resolved",
        },
        {
            "ticket_id": 2,
            "start": t(2026, 1, 5, 9, 5),
            "end": t(2026, 1, 5, 10),
            "reason": "Scheduled",
        },
    ]


def test_unknown_event_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"Unknown ticket event kind\(s\) \['escalated'\]"):
        rows_from_events(
            log((1, t(2026, 1, 5, 9), "created", "P1"), (1, t(2026, 1, 5, 9), "escalated", None))
        )


def test_timeline_explains_each_stretch() -> None:
    segments = timeline(
        EVENTS[EVENTS["ticket_id"] == 1],
        calendar=OFFICE,
        policy=policy_for("silver"),
        now=datetime(2026, 1, 6, 19, tzinfo=LONDON),
    )
    running = "clock running (P2 resolution target 1440 min)"
    assert segments == [
        Segment(t(2026, 1, 5, 17), t(2026, 1, 5, 17, 45), "running", running),
        Segment(t(2026, 1, 5, 17, 45), t(2026, 1, 6, 8, 30), "paused", "paused: Pending"),
        Segment(t(2026, 1, 6, 8, 30), t(2026, 1, 6, 10), "running", running),
        Segment(t(2026, 1, 6, 10), t(2026, 1, 6, 12), "stopped", "resolved, later reopened"),
        Segment(t(2026, 1, 6, 12), t(2026, 1, 6, 18), "running", running),
        Segment(
            t(2026, 1, 6, 18),
            t(2026, 1, 6, 19),
            "outside-coverage",
            "outside coverage Mon–Fri 08:00–18:00 (Europe/London)",
        ),
    ]


def test_timeline_of_p1_on_gold_runs_on_wall_time() -> None:
    events = log(
        (5, t(2026, 1, 10, 10), "created", "P1"),
        (5, t(2026, 1, 10, 14), "resolved", None),
    )
    segments = timeline(events, calendar=OFFICE, policy=policy_for("gold"), now=t(2026, 1, 10, 15))
    assert [(s.start, s.end, s.kind) for s in segments] == [
        (t(2026, 1, 10, 10), t(2026, 1, 10, 14), "running"),
        (t(2026, 1, 10, 14), t(2026, 1, 10, 15), "stopped"),
    ]
    assert segments[1].reason == "resolved"
    with pytest.raises(ValueError, match="one ticket's events, got 2"):
        timeline(EVENTS, calendar=OFFICE, policy=policy_for("gold"), now=t(2026, 1, 10, 15))


def test_timeline_names_holidays_in_an_outside_coverage_stretch() -> None:
    events = log((9, t(2025, 12, 24, 17), "created", "P3"))
    segments = timeline(
        events, calendar=OFFICE, policy=policy_for("silver"), now=t(2025, 12, 29, 9)
    )
    assert [(s.start, s.end, s.kind) for s in segments] == [
        (t(2025, 12, 24, 17), t(2025, 12, 24, 18), "running"),
        (t(2025, 12, 24, 18), t(2025, 12, 29, 8), "outside-coverage"),
        (t(2025, 12, 29, 8), t(2025, 12, 29, 9), "running"),
    ]
    assert segments[1].reason == (
        "outside coverage Mon–Fri 08:00–18:00 (Europe/London); holiday 2025-12-25, 2025-12-26"
    )
