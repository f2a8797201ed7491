"""The one-ticket engines (`sla.single`) give the bulk engines' answers, case by case.

Random but seeded cases: contracts with dates, scopes and calendars in several zones, items
at nights, weekends and holidays; tickets with pauses, reopenings, missing targets.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

import sla
from db.sla.events import pauses_from_events
from sla.calendar import Calendar, as_us
from sla.clock import _OPEN
from sla.entitlement import _service_set
from sla.single import ContractTerms, entitlement_one, evaluate_one, pauses_one

CALENDARS = {
    "24x7": Calendar.from_spec("24x7", "UTC", years=range(2025, 2029)),
    "1": Calendar.from_spec("8x5", "Europe/London", country="GB", years=range(2025, 2029)),
    "2": Calendar.from_spec(
        "Mon-Fri 09:00-17:00; Sat 10:00-12:00",
        "America/New_York",
        country="US",
        years=range(2025, 2029),
    ),  # fmt: skip
    "3": Calendar.from_spec("8x5", "Asia/Tokyo", years=range(2025, 2029)),
}
SERVICES = ["Network support", "Hardware", "Printer Repairs", "Email", "", "network  SUPPORT"]
SCOPES = [["Network support"], ["*"], ["printer repair", "Network support"], [], ["all"]]


def _instant(rng: random.Random) -> datetime:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    return base + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))


def _contracts(rng: random.Random) -> pd.DataFrame:
    rows = []
    for i in range(rng.randint(1, 3)):
        start = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 200))
        end = None if rng.random() < 0.4 else start + timedelta(days=rng.randrange(0, 200))
        rows.append({"contract_id": 10 + i, "client_id": 1, "start_date": start,
                     "end_date": end, "included": rng.choice(SCOPES),
                     "excluded": rng.choice([[], ["Hardware"], ["email"]]),
                     "calendar_key": rng.choice(list(CALENDARS))})  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


def _terms(frame: pd.DataFrame) -> list[ContractTerms]:
    return [
        ContractTerms(int(r.contract_id), 1, pd.Timestamp(r.start_date).date(),
                      None if pd.isna(r.end_date) else pd.Timestamp(r.end_date).date(),
                      _service_set(r.included), _service_set(r.excluded), r.calendar_key)
        for r in frame.itertuples()
    ]  # fmt: skip


def test_entitlement_one_matches_check_entitlement():
    rng = random.Random(15)
    seen = set()
    for _ in range(200):
        contracts = _contracts(rng)
        instant = _instant(rng)
        if rng.random() < 0.2:  # land on a contract's first day, in its zone, at night
            first = datetime.combine(contracts["start_date"].iloc[0], datetime.min.time(), UTC)
            instant = first + timedelta(hours=rng.choice([-10, -1, 1, 23]))
        service = rng.choice(SERVICES)
        items = pd.DataFrame({"client_id": [1], "instant": [pd.Timestamp(instant)],
                              "service_type": [service]})  # fmt: skip
        bulk = sla.check_entitlement(items, contracts, calendars=CALENDARS).iloc[0]
        one = entitlement_one(_terms(contracts), instant=instant, service_type=service,
                              calendars=CALENDARS)  # fmt: skip
        expected_id = None if pd.isna(bulk["contract_id"]) else int(bulk["contract_id"])
        assert (one.contract_id, one.outcome, one.reason) == (
            expected_id,
            bulk["outcome"],
            bulk["reason"],
        ), (contracts.to_dict("records"), instant, service)
        seen.add(one.outcome)
    assert seen == {"covered", "covered_after_hours", "out_of_scope", "no_contract"}


def _history(rng: random.Random, created: datetime) -> list[tuple]:
    out, at = [], created
    for _ in range(rng.randint(0, 6)):
        at = at + timedelta(minutes=rng.randrange(-60, 600))
        kind = rng.choice(["paused", "resumed", "resolved", "reopened", "priority_changed"])
        value = {"paused": rng.choice(["pending", "on hold", "Waiting on Customer", "odd"]),
                 "priority_changed": rng.choice(["P1", "P4"])}.get(kind)  # fmt: skip
        out.append((at, kind, value))
    return sorted(out, key=lambda e: e[0])


def _bulk_pauses(ticket: dict, history: list[tuple]) -> list[tuple[int, int]]:
    if not history:
        return []
    tickets = pd.DataFrame([ticket])
    for k in ("created_at", "first_response_at", "resolved_at"):
        tickets[k] = pd.to_datetime(tickets[k], utc=True)
    events = pd.DataFrame(history, columns=["at", "kind", "value"]).assign(ticket_id=1)
    events["at"] = pd.to_datetime(events["at"], utc=True)
    got = pauses_from_events(events, tickets)
    return [
        (as_us(s.to_pydatetime()), _OPEN if pd.isna(e) else as_us(e.to_pydatetime()))
        for s, e in zip(got["start"], got["end"], strict=True)
    ]


@pytest.mark.parametrize("seed", range(4))
def test_pauses_and_clock_match_the_bulk_engine(seed):
    rng = random.Random(seed)
    for _ in range(60):
        created = _instant(rng)
        responded = (
            None if rng.random() < 0.4 else created + timedelta(minutes=rng.randrange(1, 900))
        )
        resolved = (
            None if rng.random() < 0.5 else created + timedelta(minutes=rng.randrange(1, 5000))
        )
        history = _history(rng, created)
        ticket = {"ticket_id": 1, "created_at": created, "first_response_at": responded,
                  "resolved_at": resolved, "priority": "P2"}  # fmt: skip
        pauses = pauses_one(created_at=created, first_response_at=responded,
                            resolved_at=resolved, priority="P2", history=history)  # fmt: skip
        assert sorted(pauses) == sorted(_bulk_pauses(ticket, history)), history
        key = rng.choice(list(CALENDARS))
        targets = rng.choice([(None, None), (60.0, 480.0), (15.0, 240.0), (240.0, 2400.0)])
        share = rng.choice([0.75, 0.5, 1.0])
        now = created + timedelta(minutes=rng.randrange(0, 8000))
        frame = pd.DataFrame({
            "ticket_id": [1], "calendar_key": [key], "created_at": [pd.Timestamp(created)],
            "first_response_at": pd.Series([responded], dtype="datetime64[us, UTC]"),
            "resolved_at": pd.Series([resolved], dtype="datetime64[us, UTC]"),
            "response_target_min": [np.nan if targets[0] is None else targets[0]],
            "resolution_target_min": [np.nan if targets[1] is None else targets[1]],
            "warning_share": [share],
        })  # fmt: skip
        p = pd.DataFrame({
            "ticket_id": pd.Series([1] * len(pauses), dtype="int64"),
            "start": pd.to_datetime([s for s, _ in pauses], unit="us", utc=True),
            "end": pd.to_datetime([None if e == _OPEN else e for _, e in pauses], unit="us",
                                  utc=True),
        })  # fmt: skip
        bulk = sla.evaluate(frame, p, calendars=CALENDARS, now=now)
        one = evaluate_one(calendar=CALENDARS[key], created_at=created,
                           first_response_at=responded, resolved_at=resolved, targets=targets,
                           warning_share=share, pauses=pauses, now=now)  # fmt: skip
        for c, (_, b) in zip(one, bulk.iterrows(), strict=True):
            assert c.metric == b["metric"]
            assert c.state == (None if pd.isna(b["state"]) else b["state"])
            assert c.elapsed_min == pytest.approx(b["elapsed_min"])
            assert c.due_at == (None if pd.isna(b["due_at"]) else b["due_at"].to_pydatetime())
            left = None if pd.isna(b["minutes_left"]) else b["minutes_left"]
            assert c.minutes_left == (None if left is None else pytest.approx(left))
