"""Renewal tasks: generated when due, listed per person, completed or snoozed."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from access.roles import Actor, PermissionDenied, require
from db import audit
from db.models import Client, Contract, RenewalTask, User
from db.renewals.common import NotFound, _local_today
from db.renewals.contracts import _pipeline_frame
from renewals.tasks import Task, TaskKind, snooze, tasks_due


def generate_tasks(*, session: Session, now: datetime) -> int:
    """Insert the renewal tasks due today; a task whose key exists is skipped. Returns added."""
    frame = _pipeline_frame(session, now).drop(
        columns=["stage", "key_date", "notice_deadline", "effective_end", "days_to_key_date",
                 "auto_renewals", "reason"]
    )  # fmt: skip
    tasks: list[Task] = []
    for tz, rows in frame.groupby("timezone"):
        tasks += tasks_due(rows, _local_today(now, tz))
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    added = 0
    for t in tasks:
        stmt = (
            dialect.insert(RenewalTask)
            .values(key=t.key, contract_id=t.contract_id, kind=t.kind.value, title=t.title,
                    due_date=t.due_date, assignee_id=t.assignee_id, status="open")
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(RenewalTask.id)
        )  # fmt: skip
        added += session.execute(stmt).scalar_one_or_none() is not None
    return added


TASK_COLUMNS = [
    "id", "due", "title", "kind", "status", "overdue", "reference", "client", "assignee",
    "due_date", "snoozed_until", "done_at", "contract_id", "assignee_id",
]  # fmt: skip


def task_list(
    *, session: Session, actor: Actor, everyone: bool = False, include_done: bool = False,
    today: date,
) -> pd.DataFrame:  # fmt: skip
    """The actor's tasks (or everyone's, admins only), soonest first, overdue flagged."""
    require(actor, "work_renewals")
    if everyone and actor.role != "admin":
        raise PermissionDenied("Only admins see everyone's tasks.")
    q = (
        select(RenewalTask.id, RenewalTask.title, RenewalTask.kind, RenewalTask.status,
               Contract.reference, Client.name, User.display_name, RenewalTask.due_date,
               RenewalTask.snoozed_until, RenewalTask.done_at, RenewalTask.contract_id,
               RenewalTask.assignee_id)
        .join(Contract, Contract.id == RenewalTask.contract_id)
        .join(Client, Client.id == Contract.client_id)
        .outerjoin(User, User.id == RenewalTask.assignee_id)
    )  # fmt: skip
    if not everyone:
        q = q.where(RenewalTask.assignee_id == actor.user_id)
    if not include_done:
        q = q.where(RenewalTask.status != "done")
    cols = ["id", "title", "kind", "status", "reference", "client", "assignee", "due_date",
            "snoozed_until", "done_at", "contract_id", "assignee_id"]  # fmt: skip
    frame = pd.DataFrame(session.execute(q).all(), columns=cols)
    frame["due"] = frame["snoozed_until"].where(frame["snoozed_until"].notna(), frame["due_date"])
    frame["overdue"] = (frame["status"] != "done") & (frame["due"] < today)
    return frame.sort_values(["due", "id"], kind="stable")[TASK_COLUMNS].reset_index(drop=True)


def _task(session: Session, actor: Actor, task_id: int) -> RenewalTask:
    require(actor, "work_renewals")
    row = session.get(RenewalTask, task_id)
    if row is None:
        raise NotFound(f"Task {task_id} does not exist.")
    if actor.role != "admin" and row.assignee_id != actor.user_id:
        raise PermissionDenied("This task is assigned to someone else.")
    return row


def complete_task(*, session: Session, actor: Actor, task_id: int, now: datetime) -> str:
    """Mark a task done (audited); returns its status."""
    row = _task(session, actor, task_id)
    if row.status == "done":
        return row.status
    audit.record(session=session, actor=actor, entity="renewal_task", entity_id=row.id,
                 action="update", field="status", old=row.status, new="done")  # fmt: skip
    row.status, row.done_at = "done", now
    return row.status


def snooze_task(*, session: Session, actor: Actor, task_id: int, days: int, today: date) -> date:
    """Push a task back; returns the new due date."""
    row = _task(session, actor, task_id)
    task = Task(row.key, TaskKind(row.kind), row.contract_id, row.title, row.due_date,
                row.assignee_id, row.status, row.snoozed_until)  # fmt: skip
    later = snooze(task, int(days), today=today)
    audit.record_changes(
        session=session, actor=actor, entity="renewal_task", entity_id=row.id,
        changes={"status": (row.status, later.status),
                 "snoozed_until": (row.snoozed_until, later.snoozed_until)},
    )  # fmt: skip
    row.status, row.snoozed_until = later.status, later.snoozed_until
    return later.effective_due
