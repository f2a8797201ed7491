"""Renewal task sequences: what an account manager should do, and by when.

Per contract and term, counted back from the key date (the notice deadline for
auto-renewing contracts, else the end date): health check at -90 days, send proposal
at -60, closing call at -30; auto-renewing contracts also get a renewal decision 14 days
before the notice deadline. ``tasks_due`` lists the tasks that should exist on a day,
overdue ones included; each has an idempotency key (kind, contract, original due date),
so the job can insert them on every run and a second run changes nothing. A snoozed
task keeps its key; a new term (after renewal) gets new keys because its dates differ.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

import numpy as np
import pandas as pd

from renewals.stage import Stage, stages


class TaskKind(StrEnum):
    HEALTH_CHECK = "health_check"
    SEND_PROPOSAL = "send_proposal"
    CLOSING_CALL = "closing_call"
    RENEWAL_DECISION = "renewal_decision"


# (kind, days before the key date, title)
SEQUENCE = (
    (TaskKind.HEALTH_CHECK, 90, "Health check"),
    (TaskKind.SEND_PROPOSAL, 60, "Send proposal"),
    (TaskKind.CLOSING_CALL, 30, "Closing call"),
)
DECISION_DAYS_BEFORE_NOTICE = 14
OPEN_STAGES = (Stage.ACTIVE, Stage.HEALTH_CHECK, Stage.PROPOSAL, Stage.CLOSING)


@dataclass(frozen=True)
class Task:
    key: str
    kind: TaskKind
    contract_id: int
    title: str
    due_date: date  # as generated; part of the key, never changed
    assignee_id: int | None
    status: str = "open"  # open | done | snoozed (renewal_tasks.status)
    snoozed_until: date | None = None

    @property
    def effective_due(self) -> date:
        return self.snoozed_until or self.due_date


def task_key(kind: TaskKind, contract_id: int, due_date: date) -> str:
    """Idempotency key of a generated task."""
    return f"{kind.value}:{contract_id}:{due_date.isoformat()}"


def tasks_due(contracts: pd.DataFrame, today: date, *, horizon_days: int = 0) -> list[Task]:
    """Tasks due on or before ``today + horizon_days`` for contracts still in play.

    Reads the columns of :func:`renewals.stage.stages` plus ``id``, optional
    ``reference`` (for titles) and ``account_manager_id`` (the assignee). Contracts that
    need data, lapsed, or have an outcome get no new tasks.
    """
    if contracts.empty:
        return []
    info = stages(contracts, today)
    live = info["stage"].isin([s.value for s in OPEN_STAGES])
    frame = contracts[live]
    info = info[live]
    label = (
        frame["reference"].astype(str)
        if "reference" in frame
        else "contract " + frame["id"].astype(str)
    )
    manager = frame.get("account_manager_id")
    until = pd.Timestamp(today + timedelta(days=horizon_days))
    candidates = [
        (kind, info["key_date"] - pd.Timedelta(days=days), title) for kind, days, title in SEQUENCE
    ]
    decision_due = info["notice_deadline"] - pd.Timedelta(days=DECISION_DAYS_BEFORE_NOTICE)
    candidates.append((TaskKind.RENEWAL_DECISION, decision_due, "Renewal decision"))

    ids, labels = frame["id"].to_numpy(), label.to_numpy()
    managers = (
        manager.to_numpy(dtype=object)
        if manager is not None
        else np.full(len(frame), None, dtype=object)
    )
    tasks = []
    for kind, due, title in candidates:
        hit = (due.notna() & (due <= until)).to_numpy()
        days = due.to_numpy()[hit].astype("datetime64[D]").astype(object)
        chosen = zip(ids[hit], days, labels[hit], managers[hit], strict=True)
        for contract_id, day, name, assignee in chosen:
            tasks.append(
                Task(
                    key=task_key(kind, int(contract_id), day),
                    kind=kind,
                    contract_id=int(contract_id),
                    title=f"{title}: {name}",
                    due_date=day,
                    assignee_id=None if pd.isna(assignee) else int(assignee),
                )
            )
    return sorted(tasks, key=lambda t: (t.due_date, t.contract_id, t.kind.value))


def is_overdue(task: Task, today: date) -> bool:
    """An unfinished task whose (snoozed) due date is before today."""
    return task.status != "done" and task.effective_due < today


def snooze(task: Task, days: int, *, today: date | None = None) -> Task:
    """Push a task back ``days`` days from its current due date (or from today if later).

    The key stays the same, so the generator does not recreate the snoozed task.
    """
    if days < 1:
        raise ValueError("snooze by at least one day")
    if task.status == "done":
        raise ValueError("a done task cannot be snoozed")
    start = max(task.effective_due, today) if today else task.effective_due
    return replace(task, status="snoozed", snoozed_until=start + timedelta(days=days))
