"""The notification outbox: enqueue once per idempotency key, deliver at most once.

Delivery claims a row with a conditional UPDATE (and FOR UPDATE SKIP LOCKED on PostgreSQL,
so two runners never wait on or take the same row), sends, then records the outcome. A
runner that dies between sending and recording leaves the row in `sending`; after the lease
it becomes `uncertain` for a person to check — it is never resent blindly.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.models import DeliveryRun, Notification, NotificationAttachment, NotificationAttempt
from notify.backoff import RetryPolicy, next_attempt_at
from notify.render import Attachment, Email
from notify.smtp import SmtpError, SmtpSettings

LEASE = timedelta(minutes=15)


def enqueue(
    *,
    session: Session,
    key: str,
    rule: str,
    email: Email,
    recipients: Sequence[str],
    now: datetime,
    contract_id: int | None = None,
) -> int:
    """Queue one message per recipient; a key already queued is skipped. Returns rows added."""
    added = 0
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    clean = (r.strip() for r in recipients if isinstance(r, str))  # NaN/None: no recipient
    for recipient in dict.fromkeys(r for r in clean if r):
        row_key = f"{key}|{recipient.lower()}"
        stmt = (
            dialect.insert(Notification)
            .values(
                key=row_key,
                rule=rule,
                recipient=recipient,
                subject=email.subject,
                body_text=email.text,
                body_html=email.html,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                contract_id=contract_id,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(Notification.id)
        )
        new_id = session.execute(stmt).scalar_one_or_none()
        if new_id is None:
            continue
        for a in email.attachments:
            session.add(
                NotificationAttachment(
                    notification_id=new_id,
                    filename=a.filename,
                    mime_type=a.mime_type,
                    content=a.content,
                )
            )
        added += 1
    return added


# Lower goes first: what a person waits for before bulk alerts (the demo's first day queued
# 754 SLA alerts ahead of the first renewal reminder). Unknown rules sit in the middle.
PRIORITY = {
    "client_renewal_notice": 0,
    "out_of_scope_request": 0,  # a technician on site waits for the answer
    "renewal_reminder": 1,
    "sla_breach_alert": 2,
    "weekly_executive_report": 3,
    "compliance_gap_alert": 4,
    "sla_breach_warning": 5,
}
DEFAULT_PRIORITY = 3
BATCH = 25


def _priority():
    return case(PRIORITY, value=Notification.rule, else_=DEFAULT_PRIORITY)


def _claim(
    engine: Engine, *, now: datetime, due: datetime | None = None, runner: str, limit: int
) -> list[int]:
    """Claim up to `limit` due messages, most urgent rule first. `now` is the wall clock (the
    lease), `due` the run's moment (what counts as due; defaults to `now`)."""
    due = due or now
    with Session(engine) as s, s.begin():
        s.execute(
            update(Notification)
            .where(Notification.status == "sending", Notification.claimed_at < now - LEASE)
            .values(status="uncertain", last_error="runner stopped before recording the outcome")
        )
        q = (
            select(Notification.id)
            .where(
                Notification.status.in_(("pending", "failed")), Notification.next_attempt_at <= due
            )
            .order_by(_priority(), Notification.next_attempt_at, Notification.id)
            .limit(limit)
        )
        if engine.dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        claimed = []
        for nid in s.scalars(q).all():
            res = s.execute(
                update(Notification)
                .where(Notification.id == nid, Notification.status.in_(("pending", "failed")))
                .values(status="sending", claimed_by=runner, claimed_at=now)
            )
            if res.rowcount == 1:
                claimed.append(nid)
        return claimed


def _renew_lease(engine: Engine, nid: int, runner: str, now: datetime) -> bool:
    """Restart the lease of every row this runner holds, just before sending one; False when
    `nid` is no longer ours (another runner marked it uncertain): then it is not sent."""
    with Session(engine) as s, s.begin():
        s.execute(
            update(Notification)
            .where(Notification.status == "sending", Notification.claimed_by == runner)
            .values(claimed_at=now)
        )
        mine = s.scalar(
            select(func.count()).where(Notification.id == nid, Notification.status == "sending",
                                       Notification.claimed_by == runner)
        )  # fmt: skip
        return bool(mine)


def _email(s: Session, n: Notification) -> Email:
    atts = s.scalars(
        select(NotificationAttachment).where(NotificationAttachment.notification_id == n.id)
    ).all()
    return Email(
        subject=n.subject,
        text=n.body_text,
        html=n.body_html or "",
        attachments=tuple(Attachment(a.filename, a.content, a.mime_type) for a in atts),
        to=(n.recipient,),
    )


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    waiting: int = 0  # still due when the run ended (time budget spent)
    oldest_waiting: timedelta | None = None  # age of the oldest of those
    seconds: float = 0.0

    def __str__(self) -> str:
        text = f"{self.sent} sent, {self.retrying} to retry, {self.dead} given up"
        text += f"; {self.waiting} waiting"
        if self.oldest_waiting is not None:
            text += f" (oldest {int(self.oldest_waiting.total_seconds() // 60)} min)"
        return text + f"; {self.seconds:.1f} s"


Sender = Callable[[Email, SmtpSettings], str]


def deliver(
    *,
    engine: Engine,
    settings: SmtpSettings,
    now: datetime,
    send: Sender,
    runner: str | None = None,
    limit: int | None = None,
    policy: RetryPolicy | None = None,
    budget_s: float = 600.0,
) -> DeliveryReport:
    """Send what is due, most urgent first, in batches until nothing is due, `limit`
    messages went, or the time budget is spent; record every attempt; schedule retries.

    The lease is timed from each message's own send (renewed just before it), not from the
    run's start, so a slow batch is never marked `uncertain` while this runner sends it."""
    runner = runner or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
    report = DeliveryReport()
    started = time.monotonic()

    def clock() -> datetime:  # wall time as seen from the run's `now`
        return now + timedelta(seconds=time.monotonic() - started)

    done = 0
    while time.monotonic() - started < budget_s and (limit is None or done < limit):
        batch = BATCH if limit is None else min(BATCH, limit - done)
        claimed = _claim(engine, now=clock(), due=now, runner=runner, limit=batch)
        if not claimed:
            break
        for i, nid in enumerate(claimed):
            if time.monotonic() - started >= budget_s:
                _release(engine, claimed[i:], runner)
                break
            if _renew_lease(engine, nid, runner, clock()):
                _send_one(engine, nid, settings, send, runner, now, policy, report)
            done += 1
    _waiting(engine, now, report)
    report.seconds = time.monotonic() - started
    _record_run(engine, now, runner, report)
    return report


def _record_run(engine: Engine, now: datetime, runner: str, report: DeliveryReport) -> None:
    """Keep the run's figures so the outbox page shows whether deliveries keep up."""
    oldest = report.oldest_waiting
    with Session(engine) as s, s.begin():
        s.add(DeliveryRun(
            at=now, runner=runner[:100], sent=report.sent, retrying=report.retrying,
            dead=report.dead, waiting=report.waiting, seconds=round(report.seconds, 3),
            oldest_waiting_s=None if oldest is None else int(oldest.total_seconds()),
        ))  # fmt: skip


def delivery_runs_frame(*, session: Session, limit: int = 20) -> pd.DataFrame:
    """The latest deliveries, newest first: sent, to retry, given up, waiting at the end."""
    rows = session.execute(
        select(DeliveryRun.at, DeliveryRun.runner, DeliveryRun.sent, DeliveryRun.retrying,
               DeliveryRun.dead, DeliveryRun.waiting, DeliveryRun.oldest_waiting_s,
               DeliveryRun.seconds)
        .order_by(DeliveryRun.at.desc(), DeliveryRun.id.desc())
        .limit(limit)
    ).all()  # fmt: skip
    frame = pd.DataFrame(rows, columns=["at", "runner", "sent", "to retry", "given up",
                                        "waiting", "oldest waiting (min)", "seconds"])  # fmt: skip
    frame["oldest waiting (min)"] = (frame["oldest waiting (min)"] // 60).astype("Int64")
    return frame


def _release(engine: Engine, ids: list[int], runner: str) -> None:
    """Give back claimed rows the budget left unsent (they were never handed to SMTP)."""
    with Session(engine) as s, s.begin():
        s.execute(
            update(Notification)
            .where(Notification.id.in_(ids), Notification.status == "sending",
                   Notification.claimed_by == runner, Notification.attempts >= 0)
            .values(status="pending", claimed_by=None, claimed_at=None)
        )  # fmt: skip


def _waiting(engine: Engine, now: datetime, report: DeliveryReport) -> None:
    with Session(engine) as s:
        count, oldest = s.execute(
            select(func.count(), func.min(Notification.created_at)).where(
                Notification.status.in_(("pending", "failed")),
                Notification.next_attempt_at <= now,
            )
        ).one()
    report.waiting = int(count or 0)
    if oldest is not None:
        if oldest.tzinfo is None and now.tzinfo is not None:
            oldest = oldest.replace(tzinfo=now.tzinfo)
        report.oldest_waiting = max(timedelta(0), now - oldest)


def _send_one(engine, nid, settings, send, runner, now, policy, report) -> None:
    with Session(engine) as s:
        n = s.get(Notification, nid)
        email = _email(s, n)
    error: SmtpError | None = None
    try:
        send(email, settings)
    except SmtpError as exc:
        error = exc
    with Session(engine) as s, s.begin():
        n = s.get(Notification, nid)
        n.attempts += 1
        s.add(
            NotificationAttempt(
                notification_id=nid,
                at=now,
                ok=error is None,
                error=str(error) if error else None,
                runner=runner,
            )
        )
        if error is None:
            n.status, n.sent_at, n.last_error = "sent", now, None
            report.sent += 1
            return
        n.last_error = str(error)
        retry = (
            None
            if error.permanent
            else next_attempt_at(attempts=n.attempts, now=now, policy=policy, key=n.key)
        )
        if retry is None:
            n.status = "dead"
            report.dead += 1
        else:
            n.status, n.next_attempt_at = "failed", retry
            report.retrying += 1


def outbox_frame(*, session: Session, limit: int = 500) -> pd.DataFrame:
    rows = session.execute(
        select(
            Notification.id,
            Notification.created_at,
            Notification.rule,
            Notification.recipient,
            Notification.subject,
            Notification.status,
            Notification.attempts,
            Notification.next_attempt_at,
            Notification.last_error,
            Notification.sent_at,
        )
        .order_by(Notification.id.desc())
        .limit(limit)
    ).all()
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "created",
            "rule",
            "recipient",
            "subject",
            "status",
            "attempts",
            "next attempt",
            "last error",
            "sent",
        ],
    )


def outbox_counts(*, session: Session) -> dict[str, int]:
    return dict(
        session.execute(
            select(Notification.status, func.count()).group_by(Notification.status)
        ).all()
    )


def release_uncertain(*, session: Session, notification_id: int, resend: bool) -> None:
    """A person decided about an `uncertain` message: send again, or mark it sent."""
    n = session.get(Notification, notification_id)
    if n is None or n.status != "uncertain":
        raise ValueError("only uncertain messages can be released")
    n.status = "pending" if resend else "sent"
