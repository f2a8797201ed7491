"""Renewal emails queued in the outbox: account-manager reminders and client notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor
from db.job_issues import Issue, replace_issues, text_or_none
from db.models import Contact, Notification
from db.renewals.common import NotFound, _local_today
from db.renewals.contracts import _pipeline_frame
from db.renewals.health import contract_health
from db.renewals.proposals import ProposalFiles, _proposal
from renewals.stage import Stage
from renewals.tasks import OPEN_STAGES, Task, tasks_due

CLIENT_NOTICE_DAYS = 60  # client notices go out when the proposal stage starts


@dataclass
class NoticeReport:
    reminders: int = 0
    client_notices: int = 0
    opted_out: int = 0
    no_recipient: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.reminders} reminders, {self.client_notices} client notices queued; "
            f"{self.opted_out} opted out, {self.no_recipient} without recipient"
            + (f", {self.failed} failed to render" if self.failed else "")
        )


def _queued(session: Session, rule: str) -> set[str]:
    keys = session.scalars(select(Notification.key).where(Notification.rule == rule))
    return {k.split("|", 1)[0] for k in keys}


def _client_contact(session: Session, client_id: int, contract_id: int) -> Contact | None:
    contacts = session.scalars(
        select(Contact).where(Contact.client_id == client_id, Contact.email.is_not(None))
    ).all()
    ranked = sorted(
        (c for c in contacts if c.contract_id in (None, contract_id)),
        key=lambda c: (
            not c.is_escalation,
            c.escalation_level if c.escalation_level is not None else 99,
            c.contract_id != contract_id,
            c.id,
        ),
    )
    return ranked[0] if ranked else None


def enqueue_renewal_notices(*, session: Session, now: datetime) -> NoticeReport:
    """Queue what is due: a reminder to the account manager per new task date, and one
    client notice (performance report attached) when the proposal stage starts."""
    report = NoticeReport()
    frame = _pipeline_frame(session, now)
    frame = frame[frame["stage"].isin([s.value for s in OPEN_STAGES])]
    tasks: dict[int, list[Task]] = {}
    bare = frame.drop(columns=["stage", "key_date", "notice_deadline", "effective_end",
                               "days_to_key_date", "auto_renewals", "reason"])  # fmt: skip
    for tz, rows in bare.groupby("timezone"):
        for t in tasks_due(rows, _local_today(now, tz)):
            tasks.setdefault(t.contract_id, []).append(t)
    issues: list[Issue] = []
    reminders, notices = (
        _queued(session, "renewal_reminder"),
        _queued(session, "client_renewal_notice"),
    )
    for row in frame.itertuples(index=False):
        try:
            with session.begin_nested():  # one bad contract never stops the others
                _one_contract(session, row, tasks.get(row.id, []), reminders, notices, now,
                              report, issues)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - recorded with its reason, the job goes on
            report.failed += 1
            issues.append(Issue(f"contract:{row.id}", "failed",
                                f"{type(exc).__name__}: {exc}", int(row.id)))  # fmt: skip
    replace_issues(session=session, job="renewal_notices", issues=issues, now=now)
    return report


def _one_contract(session, row, due, reminders, notices, now, report, issues) -> None:
    from db.outbox import enqueue
    from notify.render import Attachment, render

    if due:
        latest = max(t.due_date for t in due)
        key = f"renewal_reminder:{row.id}:{latest.isoformat()}"
        if key not in reminders:
            manager_email = text_or_none(row.manager_email)
            if manager_email is None:
                report.no_recipient += 1
                issues.append(Issue(
                    f"contract:{row.id}:manager", "needs_data",
                    "Renewal reminder not sent: the contract has no account manager with an "
                    "email. Set the account manager on the contract page.", int(row.id),
                ))  # fmt: skip
            else:
                email = render("renewal_reminder", _reminder_context(row, due))
                report.reminders += enqueue(
                    session=session, key=key, rule="renewal_reminder", email=email,
                    recipients=[manager_email], now=now, contract_id=row.id,
                )  # fmt: skip
    if row.stage not in (Stage.PROPOSAL.value, Stage.CLOSING.value):
        return
    notice_due = row.key_date - timedelta(days=CLIENT_NOTICE_DAYS)
    key = f"client_renewal_notice:{row.id}:{notice_due.isoformat()}"
    if key in notices:
        return
    if row.email_opt_out:
        report.opted_out += 1
        return
    contact = _client_contact(session, row.client_id, row.id)
    if contact is None:
        report.no_recipient += 1
        issues.append(Issue(
            f"contract:{row.id}:client_contact", "needs_data",
            "Client renewal notice not sent: the client has no contact with an email. Add one "
            "(an escalation contact is preferred) on the client page.", int(row.id),
        ))  # fmt: skip
        return
    try:
        health = contract_health(session=session, actor=_SYSTEM, contract_id=row.id, now=now)
        files = _proposal(health, text_or_none(row.account_manager) or "Account management")
    except (ValueError, NotFound) as exc:
        report.failed += 1
        issues.append(
            Issue(
                f"contract:{row.id}",
                "failed",
                f"Performance report could not be built: {exc}",
                int(row.id),
            )
        )
        return
    attachment = Attachment(f"performance-report-{row.reference}.pdf", files.pdf)
    email = render(
        "client_renewal_notice", _notice_context(row, contact, files),
        attachments=[attachment],
    )  # fmt: skip
    report.client_notices += enqueue(
        session=session, key=key, rule="client_renewal_notice", email=email,
        recipients=[contact.email], now=now, contract_id=row.id,
    )  # fmt: skip


def _reminder_context(row, due: list[Task]) -> dict[str, Any]:
    contract = {
        "reference": row.reference, "client": row.client, "stage": row.stage,
        "key_date": row.key_date, "days_to_key_date": row.days_to_key_date,
        "value": row.value, "currency": row.currency, "notice_deadline": row.notice_deadline,
    }  # fmt: skip
    tasks = [
        {"title": t.title, "due_date": t.due_date} for t in sorted(due, key=lambda t: t.due_date)
    ]
    manager = text_or_none(row.account_manager) or ""
    return {"contract": contract, "manager_name": manager, "tasks": tasks}


def _notice_context(row, contact: Contact, files: ProposalFiles) -> dict[str, Any]:
    cur = files.health.check.current
    highlights = [f"{cur.tickets_resolved} tickets resolved"]
    if cur.sla_compliance_overall is not None:
        highlights.append(f"SLA compliance {cur.sla_compliance_overall * 100:.1f}%")
    if cur.csat_avg is not None:
        highlights.append(f"Average satisfaction {cur.csat_avg:.1f} / 5")
    if cur.hours_contracted:
        highlights.append(f"{cur.hours_used:.1f} of {cur.hours_contracted:.1f} hours used")
    return {
        "client": row.client, "contact_name": contact.name, "contract_reference": row.reference,
        "end_date": row.effective_end, "notice_deadline": row.notice_deadline,
        "currency": row.currency, "proposed_price": files.proposed_price,
        "new_term_months": files.new_term_months, "highlights": highlights,
        "sender_name": text_or_none(row.account_manager) or "Account management",
        "sender_title": "Account manager",
    }  # fmt: skip


_SYSTEM = Actor(user_id=None, username="system", role="admin")
