"""Task sequences (idempotent keys, overdue, snooze) and renewal outcomes."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import pytest

from renewals.outcomes import Outcome, OutcomeRecord, renewal_rate
from renewals.tasks import Task, TaskKind, is_overdue, snooze, task_key, tasks_due

TODAY = date(2025, 6, 15)


@pytest.fixture
def contracts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "reference": ["C-1", "C-2", "C-3", "C-4", "C-5"],
            "end_date": [date(2025, 8, 1), date(2025, 12, 31), None, date(2025, 7, 1),
                         date(2025, 5, 1)],
            "auto_renew": [False, True, False, False, False],
            "notice_days": [None, 90, None, None, None],
            "renewal_term_months": [None, 12, None, None, None],
            "outcome": [None, None, None, "renewed", None],
            "account_manager_id": [7, None, 8, 7, 7],
        }
    )  # fmt: skip


def test_tasks_due_today_include_overdue_steps(contracts):
    tasks = tasks_due(contracts, TODAY)
    assert [(t.key, t.title, t.assignee_id) for t in tasks] == [
        ("health_check:1:2025-05-03", "Health check: C-1", 7),
        ("send_proposal:1:2025-06-02", "Send proposal: C-1", 7),
    ]
    assert all(t.status == "open" for t in tasks)


def test_horizon_and_renewal_decision_for_auto_renewing_contracts(contracts):
    tasks = tasks_due(contracts, TODAY, horizon_days=100)
    by_contract_2 = [(t.kind, t.due_date) for t in tasks if t.contract_id == 2]
    # notice deadline 2025-10-02: -90, -60, -30 and the decision at -14
    assert by_contract_2 == [
        (TaskKind.HEALTH_CHECK, date(2025, 7, 4)),
        (TaskKind.SEND_PROPOSAL, date(2025, 8, 3)),
        (TaskKind.CLOSING_CALL, date(2025, 9, 2)),
        (TaskKind.RENEWAL_DECISION, date(2025, 9, 18)),
    ]
    assert {t.assignee_id for t in tasks if t.contract_id == 2} == {None}
    # no end date (3), renewed (4) and lapsed (5) contracts get no tasks
    assert {t.contract_id for t in tasks} == {1, 2}


def test_generation_is_idempotent_and_moves_with_a_new_term(contracts):
    first = tasks_due(contracts, TODAY, horizon_days=90)
    again = tasks_due(contracts, date(2025, 6, 20), horizon_days=85)
    assert [t.key for t in first] == [t.key for t in again]
    # After the notice deadline passes, contract 2 has renewed: new term, new keys.
    later = tasks_due(contracts.iloc[[1]], date(2025, 10, 3), horizon_days=365)
    assert [t.key for t in later][:1] == ["health_check:2:2026-07-04"]


def test_task_key_format():
    assert task_key(TaskKind.CLOSING_CALL, 42, date(2025, 1, 2)) == "closing_call:42:2025-01-02"


def make_task(**changes) -> Task:
    base = {
        "key": "closing_call:1:2025-06-10",
        "kind": TaskKind.CLOSING_CALL,
        "contract_id": 1,
        "title": "Closing call: C-1",
        "due_date": date(2025, 6, 10),
        "assignee_id": 7,
    }
    return Task(**(base | changes))


def test_overdue():
    assert is_overdue(make_task(), TODAY)
    assert not is_overdue(make_task(), date(2025, 6, 10))
    assert not is_overdue(make_task(status="done"), TODAY)


def test_snooze_keeps_the_key_and_moves_the_due_date():
    task = snooze(make_task(), 3)
    assert (task.key, task.due_date, task.snoozed_until, task.status) == (
        "closing_call:1:2025-06-10",
        date(2025, 6, 10),
        date(2025, 6, 13),
        "snoozed",
    )
    assert is_overdue(task, TODAY)
    from_today = snooze(make_task(), 3, today=TODAY)
    assert from_today.snoozed_until == date(2025, 6, 18)
    assert not is_overdue(from_today, TODAY)
    assert snooze(from_today, 2).snoozed_until == date(2025, 6, 20)
    with pytest.raises(ValueError):
        snooze(make_task(), 0)
    with pytest.raises(ValueError):
        snooze(make_task(status="done"), 1)


def test_outcome_record_validation():
    kept = OutcomeRecord(1, "renewed", date(2025, 1, 1), Decimal("100"), Decimal("103"))
    assert kept.outcome is Outcome.RENEWED
    with pytest.raises(ValueError, match="reason"):
        OutcomeRecord(1, Outcome.LOST, date(2025, 1, 1), Decimal("100"))
    with pytest.raises(ValueError, match="new value"):
        OutcomeRecord(1, Outcome.RENEGOTIATED, date(2025, 1, 1), Decimal("100"))
    with pytest.raises(ValueError):
        OutcomeRecord(1, "won", date(2025, 1, 1), Decimal("100"), Decimal("1"))


def test_renewal_rate_and_value_retained():
    outcomes = pd.DataFrame(
        {
            "outcome": ["renewed", "lost", "open", "renegotiated", "lost", "Lost"],
            "decided_on": [date(2025, 1, 5), datetime(2025, 2, 1, 1, 0, tzinfo=UTC),
                           date(2025, 1, 1), date(2025, 3, 1), date(2024, 12, 31),
                           date(2025, 6, 30)],
            "previous_value": [Decimal("1000"), Decimal("500"), Decimal("1"), Decimal("2000"),
                               Decimal("9"), Decimal("250.50")],
            "new_value": [Decimal("1030"), None, None, Decimal("1800"), None, None],
            "reason": [None, "price", None, None, "moved", None],
        }
    )  # fmt: skip
    rate = renewal_rate(outcomes, start=date(2025, 1, 1), end=date(2025, 6, 30))
    assert (rate.decided, rate.renewed, rate.renegotiated, rate.lost) == (4, 1, 1, 2)
    assert rate.rate == 0.5
    assert rate.value_up == Decimal("3750.50")
    assert rate.value_retained == Decimal("2830.00")
    assert rate.value_lost == Decimal("750.50")
    assert (rate.value_retention, rate.gross_retention) == (0.7546, 0.7999)
    assert rate.lost_reasons == {"price": 1, "unspecified": 1}


def test_renewal_rate_is_divide_by_zero_safe():
    empty = pd.DataFrame(columns=["outcome", "decided_on", "previous_value", "new_value"])
    rate = renewal_rate(empty, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert (rate.decided, rate.rate, rate.value_retention, rate.gross_retention) == (
        0,
        None,
        None,
        None,
    )
    assert rate.value_up == Decimal("0.00")


def test_renewal_rate_refuses_mixed_currencies_and_unknown_outcomes():
    frame = pd.DataFrame(
        {
            "outcome": ["renewed", "renewed"],
            "decided_on": [date(2025, 1, 5), date(2025, 1, 6)],
            "previous_value": [Decimal("1"), Decimal("1")],
            "new_value": [Decimal("1"), Decimal("1")],
            "currency": ["EUR", "USD"],
        }
    )
    with pytest.raises(ValueError, match="currencies"):
        renewal_rate(frame, start=date(2025, 1, 1), end=date(2025, 12, 31))
    frame["outcome"] = ["renewed", "won"]
    with pytest.raises(ValueError, match="unknown"):
        renewal_rate(frame, start=date(2025, 1, 1), end=date(2025, 12, 31))
