"""Policy matrix: tier defaults, overrides, wildcard, rows round trip, vectorized targets."""

import math

import pandas as pd
import pytest

from sla.policy import (
    TIER_DEFAULTS,
    SlaPolicy,
    Target,
    attach_targets,
    policy_for,
    policy_from_rows,
)


@pytest.mark.parametrize(
    ("tier", "priority", "expected"),
    [
        ("platinum", "P1", (15, 240, "24x7")),
        ("platinum", "P4", (240, 2880, "contract")),
        ("gold", "P1", (30, 480, "24x7")),
        ("gold", "P2", (60, 960, "contract")),
        ("silver", "P1", (60, 480, "contract")),
        ("silver", "P3", (480, 2880, "contract")),
        ("bronze", "P4", (1920, 9600, "contract")),
    ],
)
def test_tier_defaults(tier: str, priority: str, expected: tuple) -> None:
    t = policy_for(tier).target_for(priority, "anything")
    assert (t.response_minutes, t.resolution_minutes, t.calendar) == expected


def test_every_tier_covers_every_priority_with_a_wildcard_row() -> None:
    for targets in TIER_DEFAULTS.values():
        assert sorted((t.priority, t.service_type) for t in targets) == [
            ("P1", "*"),
            ("P2", "*"),
            ("P3", "*"),
            ("P4", "*"),
        ]


def test_contract_rows_override_tier_defaults_by_key() -> None:
    policy = policy_for(
        "Gold",
        [
            {
                "priority": "p2",
                "service_type": " Printer  Repair",
                "response_minutes": 20,
                "resolution_minutes": 100,
                "calendar": "24x7",
            },
            {
                "priority": "P3",
                "service_type": "*",
                "response_minutes": 200,
                "resolution_minutes": 2000,
            },
        ],
        warning_share=0.8,
    )
    assert policy.target_for("P2", "printer repair") == Target(
        "P2", "printer repair", 20, 100, "24x7"
    )
    assert policy.target_for("P2", "Network") == Target("P2", "*", 60, 960, "contract")
    assert policy.target_for("P3") == Target("P3", "*", 200, 2000, "contract")
    assert policy.warning_share == 0.8
    assert len(policy.targets) == 5


def test_rows_round_trip() -> None:
    policy = policy_for(
        "silver",
        [
            {
                "priority": "P1",
                "service_type": "On-site",
                "response_minutes": 90,
                "resolution_minutes": 600,
                "calendar": "contract",
            }
        ],
    )
    rows = policy.to_rows()
    assert rows[0] == {
        "priority": "P1",
        "service_type": "*",
        "response_minutes": 60,
        "resolution_minutes": 480,
        "calendar": "contract",
    }
    assert policy_from_rows(pd.DataFrame(rows)) == policy
    assert policy_from_rows(rows) == policy


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"priority": "P5", "response_minutes": 1, "resolution_minutes": 1},
            "Priority must be one of",
        ),
        ({"priority": "P1", "response_minutes": 0, "resolution_minutes": 1}, "positive minutes"),
        (
            {"priority": "P1", "response_minutes": 1, "resolution_minutes": 1, "calendar": "8x5"},
            "Calendar must be 'contract' or '24x7'",
        ),
    ],
)
def test_bad_rows_are_rejected(row: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        policy_from_rows([row])


def test_missing_target_and_bad_tier_and_share() -> None:
    with pytest.raises(KeyError, match="No SLA target for P1 / 'x'"):
        SlaPolicy((Target("P2", "*", 1, 2),)).target_for("P1", "x")
    with pytest.raises(ValueError, match="Unknown tier 'diamond'"):
        policy_for("diamond")
    with pytest.raises(ValueError, match="warning_share"):
        SlaPolicy((), warning_share=1.5)


def test_attach_targets_picks_exact_then_wildcard_and_24x7_calendar() -> None:
    gold = policy_for(
        "gold",
        [
            {
                "priority": "P2",
                "service_type": "Printer repair",
                "response_minutes": 20,
                "resolution_minutes": 100,
            }
        ],
    )
    tickets = pd.DataFrame(
        {
            "contract_id": ["C1", "C1", "C1", "C2", "C3"],
            "priority": ["P1", "P2", "p2", "P2", "P1"],
            "service_type": ["Network", "Printer Repair", "Email", None, "x"],
        }
    )
    out = attach_targets(
        tickets,
        policies={"C1": gold, "C2": policy_for("bronze", pause_response=True)},
        calendar_keys={"C1": "uk-office", "C2": "de-office"},
    )
    assert out["calendar_key"].tolist()[:4] == ["24x7", "uk-office", "uk-office", "de-office"]
    assert out["response_target_min"].tolist()[:4] == [30, 20, 60, 240]
    assert out["resolution_target_min"].tolist()[:4] == [480, 100, 960, 2400]
    assert out["pause_response"].tolist() == [False, False, False, True, False]
    assert math.isnan(out["response_target_min"].iloc[4]) and pd.isna(out["calendar_key"].iloc[4])
