"""Bulk SLA clock: the anchor bugs of peers, states, due times and compliance."""

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from sla.calendar import Calendar
from sla.clock import compliance, evaluate
from sla.events import rows_from_events
from sla.policy import attach_targets, policy_for

LONDON = ZoneInfo("Europe/London")
YEARS = range(2024, 2028)
CALENDARS = {
    "office": Calendar.from_spec(
        "Mon-Fri 08:00-18:00", "Europe/London", country="GB", subdivision="ENG", years=YEARS
    ),
    "24x7": Calendar.from_spec("24x7", "Europe/London", years=YEARS),
}


def t(*args: int) -> pd.Timestamp:
    return pd.Timestamp(datetime(*args, tzinfo=LONDON))


def ticket(
    created,
    *,
    response=None,
    resolved=None,
    resp_min=60.0,
    res_min=480.0,
    key="office",
    share=0.75,
    pause_response=False,
    tid=1,
) -> dict:
    return {
        "ticket_id": tid,
        "calendar_key": key,
        "created_at": created,
        "first_response_at": response if response is not None else pd.NaT,
        "resolved_at": resolved if resolved is not None else pd.NaT,
        "response_target_min": resp_min,
        "resolution_target_min": res_min,
        "warning_share": share,
        "pause_response": pause_response,
    }


def run(tickets: list[dict], pauses: list[tuple] = (), *, now: pd.Timestamp) -> pd.DataFrame:
    pause_frame = pd.DataFrame(pauses, columns=["ticket_id", "start", "end"])
    for col in ("start", "end"):
        pause_frame[col] = pd.to_datetime(pause_frame[col], utc=True)
    out = evaluate(pd.DataFrame(tickets), pause_frame, calendars=CALENDARS, now=now.to_pydatetime())
    return out.set_index(["ticket_id", "metric"])


def test_pending_across_a_night_counts_only_covered_unpaused_time() -> None:
    # GLPI counted pending as 24x7 while deadlines used the calendar; here both use coverage.
    out = run(
        [ticket(t(2026, 1, 5, 16))],
        [(1, t(2026, 1, 5, 17), t(2026, 1, 6, 10))],
        now=t(2026, 1, 6, 12),
    ).loc[(1, "resolution")]
    assert out["elapsed_min"] == 180  # 16-17 Monday + 10-12 Tuesday
    assert out["due_at"] == t(2026, 1, 6, 17)  # 60 before the pause, 420 from Tuesday 10:00
    assert out["state"] == "running" and out["minutes_left"] == 300


def test_pending_over_a_weekend() -> None:
    out = run(
        [ticket(t(2026, 1, 9, 15))],
        [(1, t(2026, 1, 9, 17), t(2026, 1, 12, 9))],
        now=t(2026, 1, 12, 11),
    ).loc[(1, "resolution")]
    assert out["elapsed_min"] == 240
    assert out["due_at"] == t(2026, 1, 12, 15)


def test_priority_change_re_targets_without_losing_paused_time() -> None:
    events = pd.DataFrame(
        [
            (7, t(2026, 1, 5, 9), "created", "P3"),
            (7, t(2026, 1, 5, 10), "status", "Pending"),
            (7, t(2026, 1, 5, 13), "status", "Open"),
            (7, t(2026, 1, 5, 14), "priority_changed", "P2"),
        ],
        columns=["ticket_id", "at", "kind", "value"],
    )
    tickets, pauses = rows_from_events(events)
    tickets = attach_targets(
        tickets.assign(contract_id="C1", service_type=None),
        policies={"C1": policy_for("silver")},
        calendar_keys={"C1": "office"},
    )
    out = evaluate(tickets, pauses, calendars=CALENDARS, now=t(2026, 1, 5, 15).to_pydatetime())
    res = out[out["metric"] == "resolution"].iloc[0]
    assert res["target_min"] == 1440  # silver P2, not P3's 2880
    assert res["elapsed_min"] == 180  # 09-10 and 13-15: the 3 paused hours stay paused
    assert res["due_at"] == t(2026, 1, 7, 16)
    resp = out[out["metric"] == "response"].iloc[0]
    assert (resp["elapsed_min"], resp["due_at"], resp["state"]) == (
        360,
        t(2026, 1, 5, 11),
        "breached",
    )


@pytest.mark.parametrize(
    ("created", "due"),
    [
        (t(2026, 1, 10, 10), t(2026, 1, 12, 9)),  # Saturday
        (t(2026, 1, 11, 23), t(2026, 1, 12, 9)),  # Sunday night
        (t(2026, 1, 5, 6, 30), t(2026, 1, 5, 9)),  # before opening
        (t(2025, 12, 24, 17, 30), t(2025, 12, 29, 8, 30)),  # Christmas and Boxing Day are off
    ],
)
def test_clock_starts_at_next_opening(created: pd.Timestamp, due: pd.Timestamp) -> None:
    out = run([ticket(created)], now=created).loc[(1, "response")]
    assert out["due_at"] == due
    assert out["elapsed_min"] == 0 and out["state"] == "running"


def test_due_exactly_at_closing_time() -> None:
    rows = [
        ticket(t(2026, 1, 5, 10), resolved=t(2026, 1, 5, 18), tid=1),
        ticket(t(2026, 1, 5, 10), resolved=t(2026, 1, 5, 18, 30), tid=2),
        ticket(t(2026, 1, 5, 10), tid=3),
    ]
    out = run(rows, now=t(2026, 1, 5, 18, 30)).xs("resolution", level="metric")
    assert out["due_at"].tolist() == [t(2026, 1, 5, 18)] * 3
    # Resolved at closing time is met; after closing is late even though no covered time
    # passed (the due time the user saw was 18:00). An open ticket breaches after 18:00.
    assert out["state"].tolist() == ["met", "breached", "breached"]
    assert out["elapsed_min"].tolist() == [480, 480, 480]
    assert out["minutes_left"].tolist() == [0, 0, 0]


def test_reopened_ticket_resumes_its_resolution_clock() -> None:
    events = pd.DataFrame(
        [
            (1, t(2026, 1, 5, 9), "created", "P3"),
            (1, t(2026, 1, 5, 9, 30), "first_response", None),
            (1, t(2026, 1, 5, 11), "resolved", None),
            (1, t(2026, 1, 5, 12), "status", "Closed"),
            (1, t(2026, 1, 6, 9), "reopened", None),
        ],
        columns=["ticket_id", "at", "kind", "value"],
    )
    tickets, pauses = rows_from_events(events)
    tickets = tickets.assign(
        calendar_key="office",
        response_target_min=60.0,
        resolution_target_min=480.0,
        warning_share=0.75,
    )
    out = evaluate(tickets, pauses, calendars=CALENDARS, now=t(2026, 1, 6, 10).to_pydatetime())
    res = out[out["metric"] == "resolution"].iloc[0]
    assert res["elapsed_min"] == 180 and res["state"] == "running"
    assert res["due_at"] == t(2026, 1, 6, 15)  # 120 on Monday, 360 more from Tuesday 09:00
    assert out[out["metric"] == "response"].iloc[0]["state"] == "met"


def test_overlapping_pauses_are_merged() -> None:
    out = run(
        [ticket(t(2026, 1, 5, 9))],
        [
            (1, t(2026, 1, 5, 10), t(2026, 1, 5, 12)),
            (1, t(2026, 1, 5, 11), t(2026, 1, 5, 13)),
            (1, t(2026, 1, 5, 11, 30), t(2026, 1, 5, 11, 45)),
            (2, t(2026, 1, 5, 9), t(2026, 1, 5, 10)),  # another ticket, not in this frame
        ],
        now=t(2026, 1, 5, 14),
    ).loc[(1, "resolution")]
    assert out["elapsed_min"] == 120
    assert out["due_at"] == t(2026, 1, 6, 10)  # 480 + 180 paused from 09:00 Monday


def test_open_pause_means_paused_state_and_no_due_time() -> None:
    out = run(
        [ticket(t(2026, 1, 5, 9), response=t(2026, 1, 5, 9, 10))],
        [(1, t(2026, 1, 5, 10), None)],
        now=t(2026, 1, 6, 12),
    ).loc[1]
    assert out.loc["resolution", "state"] == "paused"
    assert pd.isna(out.loc["resolution", "due_at"])
    assert out.loc["resolution", "elapsed_min"] == 60
    assert out.loc["response", "state"] == "met"


def test_response_clock_ignores_pauses_unless_policy_says_both() -> None:
    rows = [
        ticket(t(2026, 1, 5, 9), resp_min=120, tid=1),
        ticket(t(2026, 1, 5, 9), resp_min=120, tid=2, pause_response=True),
    ]
    pauses = [
        (1, t(2026, 1, 5, 9, 30), t(2026, 1, 5, 11)),
        (2, t(2026, 1, 5, 9, 30), t(2026, 1, 5, 11)),
    ]
    out = run(rows, pauses, now=t(2026, 1, 5, 11, 30)).xs("response", level="metric")
    assert out["elapsed_min"].tolist() == [150, 60]
    assert out["state"].tolist() == ["breached", "running"]
    assert out["due_at"].tolist() == [t(2026, 1, 5, 11), t(2026, 1, 5, 12, 30)]


def test_at_risk_threshold_and_states() -> None:
    rows = [
        ticket(t(2026, 1, 5, 9), res_min=240, tid=1),  # 180 of 240 = 75%
        ticket(t(2026, 1, 5, 9, 1), res_min=240, tid=2),  # 179: running
        ticket(t(2026, 1, 5, 9), res_min=240, share=0.9, tid=3),
        ticket(t(2026, 1, 5, 8), resolved=t(2026, 1, 5, 11), res_min=240, tid=4),
        ticket(t(2026, 1, 5, 7), res_min=240, tid=5),  # 240 exactly at now: not yet late
        ticket(t(2026, 1, 2, 9), res_min=240, tid=6),
    ]
    out = run(rows, now=t(2026, 1, 5, 12)).xs("resolution", level="metric")
    assert out["state"].tolist() == ["at_risk", "running", "running", "met", "at_risk", "breached"]
    assert out["minutes_left"].tolist() == [60, 61, 60, 60, 0, -540]


def test_24x7_calendar_across_spring_forward() -> None:
    out = run([ticket(t(2025, 3, 29, 12), res_min=47 * 60, key="24x7")], now=t(2025, 3, 29, 13))
    assert out.loc[(1, "resolution"), "due_at"] == t(2025, 3, 31, 12)


def test_resolved_without_response_answers_at_resolution_and_no_target_is_na() -> None:
    rows = [
        ticket(t(2026, 1, 5, 9), resolved=t(2026, 1, 5, 9, 45), tid=1),
        ticket(t(2026, 1, 5, 9), resp_min=np.nan, res_min=np.nan, tid=2),
    ]
    out = run(rows, now=t(2026, 1, 5, 12))
    assert out.loc[(1, "response"), "stopped_at"] == t(2026, 1, 5, 9, 45)
    assert out.loc[(1, "response"), "state"] == "met"
    assert pd.isna(out.loc[(2, "response"), "state"]) and pd.isna(
        out.loc[(2, "resolution"), "minutes_left"]
    )


def test_unknown_calendar_and_missing_created_are_errors() -> None:
    with pytest.raises(KeyError, match="No calendar for key"):
        run([ticket(t(2026, 1, 5, 9), key="mars")], now=t(2026, 1, 5, 10))
    with pytest.raises(ValueError, match="without created_at"):
        run([ticket(pd.NaT)], now=t(2026, 1, 5, 10))
    with pytest.raises(ValueError, match=r"Duplicate ticket_id\(s\): \[1\]"):
        run([ticket(t(2026, 1, 5, 9)), ticket(t(2026, 1, 5, 9))], now=t(2026, 1, 5, 10))
    with pytest.raises(ValueError, match="Naive datetime"):
        evaluate(
            pd.DataFrame([ticket(t(2026, 1, 5, 9))]),
            pd.DataFrame(columns=["ticket_id", "start", "end"]),
            calendars=CALENDARS,
            now=datetime(2026, 1, 5, 10),
        )


def test_compliance_rate_never_divides_by_zero() -> None:
    rows = [
        ticket(t(2026, 1, 5, 9), response=t(2026, 1, 5, 9, 30), resolved=t(2026, 1, 5, 10), tid=1),
        ticket(t(2026, 1, 5, 9), response=t(2026, 1, 5, 11), resolved=t(2026, 1, 7, 10), tid=2),
        ticket(t(2026, 1, 5, 9), response=t(2026, 1, 5, 9, 5), tid=3),
        ticket(t(2026, 1, 5, 16), tid=4),
    ]
    out = run(rows, now=t(2026, 1, 5, 17)).reset_index()
    out["client"] = out["ticket_id"].map({1: "acme", 2: "acme", 3: "acme", 4: "globex"})
    by_metric = compliance(out)
    assert by_metric.to_dict("records") == [
        {"metric": "resolution", "met": 1, "breached": 1, "at_risk": 1, "rate": 0.5},
        {"metric": "response", "met": 2, "breached": 1, "at_risk": 1, "rate": 2 / 3},
    ]
    per_client = compliance(out[out["metric"] == "resolution"], by=["client"])
    assert per_client["client"].tolist() == ["acme", "globex"]
    assert per_client["rate"].iloc[0] == 0.5 and np.isnan(per_client["rate"].iloc[1])
    assert compliance(out.iloc[:0], by=["metric"]).empty
