"""Record what a scheduled job could not do (missing data, a failed item) and list it.

``replace_issues`` swaps a job's rows for the ones its current run found, so the
"needs data" list on the outbox page is what the last run of each job saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.models import Client, Contract, JobIssue


@dataclass(frozen=True)
class Issue:
    item: str
    kind: str  # needs_data | failed
    reason: str
    contract_id: int | None = None


def replace_issues(*, session: Session, job: str, issues: list[Issue], now: datetime) -> None:
    session.execute(delete(JobIssue).where(JobIssue.job == job))
    seen: dict[str, Issue] = {}
    for i in issues:
        seen.setdefault(i.item, i)
    session.add_all(
        JobIssue(job=job, item=i.item, kind=i.kind, reason=i.reason[:2000],
                 contract_id=i.contract_id, seen_at=now)
        for i in seen.values()
    )  # fmt: skip
    session.flush()


def issues_frame(*, session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            JobIssue.kind, JobIssue.job, Contract.reference, Client.name, JobIssue.reason,
            JobIssue.seen_at,
        )
        .outerjoin(Contract, Contract.id == JobIssue.contract_id)
        .outerjoin(Client, Client.id == Contract.client_id)
        .order_by(JobIssue.kind.desc(), JobIssue.job, JobIssue.id)
    ).all()  # fmt: skip
    return pd.DataFrame(rows, columns=["kind", "job", "contract", "client", "reason", "seen"])


def text_or_none(value) -> str | None:
    """A stripped string, or None for None/NaN/blank (pandas gives NaN for a missing email)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if not isinstance(value, str):
        return None
    return value.strip() or None
