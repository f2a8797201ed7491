from datetime import date
from decimal import Decimal as D

import pandas as pd
import pytest

from billing.overage import block_hours_history, overage_history, under_users, upgrade_candidates
from billing.pricing import BlockHours, FixedFee
from tests.billing.billing_factories import at, contract, entry

MONTHS = [date(2024, m, 1) for m in range(1, 6)]


def usage_rows(contract_id, client_id, used, included=10.0):
    return [
        {
            "contract_id": contract_id,
            "client_id": client_id,
            "period_start": start,
            "included_hours": included,
            "used_hours": u,
        }
        for start, u in zip(MONTHS, used, strict=False)
    ]


HISTORY = overage_history(
    pd.DataFrame(
        usage_rows("C1", "K1", [12, 8, 11, 12, 13])
        + usage_rows("C2", "K2", [4, 3, 6, 2])
        + usage_rows("C3", "K3", [11, 9, 11, 9])
    )
)


def test_history_computes_overage_and_share():
    c1 = HISTORY[HISTORY["contract_id"] == "C1"]
    assert list(c1["overage_hours"]) == [2.0, 0.0, 1.0, 2.0, 3.0]
    assert list(c1["over"]) == [True, False, True, True, True]
    assert list(HISTORY[HISTORY["contract_id"] == "C2"]["share_used"]) == [0.4, 0.3, 0.6, 0.2]


def test_upgrade_candidates_over_in_three_of_last_four():
    got = upgrade_candidates(HISTORY)
    # C1 last 4 (Feb..May): over in Mar, Apr, May = 3; C3 over in 2 of 4
    assert got[["client_id", "contract_id", "periods", "periods_over"]].to_dict("records") == [
        {"client_id": "K1", "contract_id": "C1", "periods": 4, "periods_over": 3}
    ]
    assert got.loc[0, "overage_hours"] == 6.0  # 0 + 1 + 2 + 3
    assert got.loc[0, "last_period_start"] == date(2024, 5, 1)


def test_upgrade_candidates_only_look_before_a_date():
    # before April: C1 has Jan..Mar, over in Jan and Mar only
    assert upgrade_candidates(HISTORY, before=date(2024, 4, 1)).empty
    assert list(upgrade_candidates(HISTORY, before=date(2024, 5, 1))["contract_id"]) == ["C1"]


def test_under_users_used_half_or_less_in_three_of_four():
    got = under_users(HISTORY)
    # C2 shares 0.4, 0.3, 0.6, 0.2 -> 3 at or under 0.5
    assert got[["contract_id", "periods_under"]].to_dict("records") == [
        {"contract_id": "C2", "periods_under": 3}
    ]
    assert got.loc[0, "mean_share_used"] == pytest.approx(0.375)


def test_rollover_counts_as_available_hours():
    frame = pd.DataFrame(usage_rows("C9", "K9", [12]))
    frame["rollover_in_hours"] = [3.0]
    row = overage_history(frame).iloc[0]
    assert (row["available_hours"], row["overage_hours"], bool(row["over"])) == (13.0, 0.0, False)


def test_block_hours_history_runs_the_ledger_over_time_entries():
    model = BlockHours(D(10), D(500), D(150), rollover=True, rollover_cap_hours=D(4))
    c = contract(pricing=model)
    entries = [
        entry(minutes=360, started_at=at(10, month=1)),
        entry(minutes=960, started_at=at(10, month=2)),
        entry(minutes=180, started_at=at(10, month=3)),
        entry(minutes=600, started_at=at(10, month=4)),  # April has not ended by `until`
        entry(minutes=60, entitlement_outcome="out_of_scope", approved=True),  # not block work
    ]
    history = block_hours_history(c, entries, until=date(2024, 4, 1))
    assert list(history["period_start"]) == MONTHS[:3]
    # Jan 6 h -> 4 rolled; Feb 16 h over 10 + 4 by 2; Mar 3 h
    assert list(history["rollover_in_hours"]) == [0.0, 4.0, 0.0]
    assert list(history["used_hours"]) == [6.0, 16.0, 3.0]
    assert list(history["overage_hours"]) == [0.0, 2.0, 0.0]


def test_block_hours_history_needs_block_pricing():
    with pytest.raises(ValueError):
        block_hours_history(contract(pricing=FixedFee(D(1))), [], until=date(2024, 4, 1))
