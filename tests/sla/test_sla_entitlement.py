"""Entitlement outcomes and their reasons."""

from datetime import date

import pandas as pd
import pytest

from sla.calendar import Calendar
from sla.entitlement import check_entitlement, normalise_service

CALENDARS = {
    "uk": Calendar.from_spec(
        "Mon-Fri 08:00-18:00", "Europe/London", country="GB", subdivision="ENG", years=[2026]
    ),
    "ny": Calendar.from_spec("8x5", "America/New_York", country="US", years=[2026]),
}
CONTRACTS = pd.DataFrame(
    [
        {"contract_id": "C-12", "client_id": 7, "start_date": date(2026, 1, 1),
         "end_date": date(2026, 12, 31), "included": "Network support; printer repairs; Backups",
         "excluded": ["Printer Repair "], "calendar_key": "uk"},
        {"contract_id": "C-13", "client_id": 8, "start_date": date(2026, 1, 1), "end_date": None,
         "included": ["*"], "excluded": [], "calendar_key": "uk"},
        {"contract_id": "C-20", "client_id": 9, "start_date": date(2026, 1, 1),
         "end_date": date(2026, 6, 30), "included": "all", "excluded": "On-site visits",
         "calendar_key": "ny"},
        {"contract_id": "C-21", "client_id": 9, "start_date": date(2026, 3, 1),
         "end_date": date(2026, 12, 31), "included": ["On-site visit"], "excluded": None,
         "calendar_key": "ny"},
    ]
)  # fmt: skip


def check(rows: list[tuple]) -> pd.DataFrame:
    items = pd.DataFrame(rows, columns=["client_id", "instant", "service_type"])
    items["instant"] = pd.to_datetime(items["instant"], utc=True)
    return check_entitlement(items, CONTRACTS, calendars=CALENDARS)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("  Printer   Repairs ", "printer repair"),
        ("BACKUPS", "backup"),
        ("Policies", "policy"),
        ("Patches", "patch"),
        ("Access", "access"),
        ("On-site visits", "on site visit"),
        ("*", "*"),
    ],
)
def test_service_types_are_normalised(text: str, key: str) -> None:
    assert normalise_service(text) == key


def test_outcomes_and_reasons() -> None:
    out = check(
        [
            (7, "2026-03-02T10:00Z", "Network Support"),  # Monday, London 10:00
            (7, "2026-03-02T10:00Z", "Printer repair"),  # listed on both sides: excluded wins
            (7, "2026-03-02T19:00Z", "network supports"),
            (7, "2026-12-25T10:00Z", "Backup"),
            (7, "2026-03-02T10:00Z", "Cloud migration"),
            (1, "2026-03-01T10:00Z", "anything"),
            (8, "2026-03-03T08:00Z", "Backups"),
        ]
    )
    assert out["outcome"].tolist() == [
        "covered",
        "out_of_scope",
        "covered_after_hours",
        "covered_after_hours",
        "out_of_scope",
        "no_contract",
        "covered",
    ]
    assert out["reason"].tolist() == [
        "Included in contract C-12",
        "‘Printer repair’ is excluded by contract C-12",
        "Outside coverage Mon–Fri 08:00–18:00",
        "Outside coverage Mon–Fri 08:00–18:00 (holiday 2026-12-25)",
        "‘Cloud migration’ is not listed in contract C-12",
        "No active contract for client on 2026-03-01",
        "Included in contract C-13",
    ]
    assert out["contract_id"].tolist()[:5] == ["C-12"] * 5
    assert pd.isna(out["contract_id"].iloc[5])


def test_contract_dates_are_judged_in_the_contract_zone() -> None:
    out = check(
        [
            (8, "2025-12-31T23:30:00-05:00", "Backups"),  # 04:30 on 1 Jan in London: active
            (8, "2025-12-31T23:30:00+00:00", "Backups"),  # still 2025 in London
        ]
    )
    assert out["outcome"].tolist() == ["covered_after_hours", "no_contract"]
    assert out["reason"].tolist() == [
        "Outside coverage Mon–Fri 08:00–18:00 (holiday 2026-01-01)",
        "No active contract for client on 2025-12-31",
    ]


def test_when_two_contracts_are_active_the_covering_one_wins() -> None:
    out = check(
        [
            (9, "2026-04-07T14:00Z", "On-site visit"),  # C-20 excludes it, C-21 includes it
            (9, "2026-02-03T14:00Z", "On-site visits"),  # only C-20 active: excluded
            (9, "2026-07-07T14:00Z", "Remote support"),  # only C-21 active: not listed
            (9, "2026-04-07T14:00Z", "Remote support"),  # C-20's "all" covers it
        ]
    )
    assert out["outcome"].tolist() == ["covered", "out_of_scope", "out_of_scope", "covered"]
    assert out["contract_id"].tolist() == ["C-21", "C-20", "C-21", "C-20"]
    assert out["reason"].iloc[1] == "‘On-site visits’ is excluded by contract C-20"


def test_keeps_the_items_index_and_columns() -> None:
    items = pd.DataFrame(
        {
            "client_id": [7],
            "instant": pd.to_datetime(["2026-03-02T10:00Z"]),
            "service_type": ["x"],
            "hours": [2],
        },
        index=[42],
    )
    out = check_entitlement(items, CONTRACTS, calendars=CALENDARS)
    assert out.index.tolist() == [42] and out["hours"].tolist() == [2]


def test_unknown_calendar_key_is_an_error() -> None:
    with pytest.raises(KeyError, match="No calendar for key"):
        check_entitlement(
            pd.DataFrame(
                {
                    "client_id": [7],
                    "instant": pd.to_datetime(["2026-03-02T10:00Z"]),
                    "service_type": ["x"],
                }
            ),
            CONTRACTS,
            calendars={"uk": CALENDARS["uk"]},
        )
