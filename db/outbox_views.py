"""The outbox page's reads and decisions: one message's preview, the list, releasing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.models import Notification, NotificationAttachment
from db.renewals.common import NotFound


@dataclass(frozen=True)
class MessagePreview:
    id: int
    rule: str
    recipient: str
    subject: str
    status: str
    text: str
    html: str | None
    attachments: list[str]
    from_template: bool  # html was rendered by our autoescaping templates


def message_preview(*, session: Session, actor: Actor, notification_id: int) -> MessagePreview:
    """One queued email as it will be (or was) sent."""
    from notify.render import RULE_TEMPLATES

    require(actor, "work_renewals")
    n = session.get(Notification, notification_id)
    if n is None:
        raise NotFound(f"Message {notification_id} does not exist.")
    names = session.scalars(
        select(NotificationAttachment.filename).where(
            NotificationAttachment.notification_id == n.id
        )
    ).all()
    return MessagePreview(
        id=n.id, rule=n.rule, recipient=n.recipient, subject=n.subject, status=n.status,
        text=n.body_text, html=n.body_html, attachments=list(names),
        from_template=n.rule in RULE_TEMPLATES,
    )  # fmt: skip


def outbox_overview(*, session: Session, actor: Actor, limit: int = 500):
    """(latest messages, count per status) for the outbox page."""
    from db.outbox import outbox_counts, outbox_frame

    require(actor, "work_renewals")
    return outbox_frame(session=session, limit=limit), outbox_counts(session=session)


def release_message(*, session: Session, actor: Actor, notification_id: int, resend: bool) -> str:
    """A person decided about an ``uncertain`` message (audited)."""
    from db.outbox import release_uncertain

    require(actor, "work_renewals")
    release_uncertain(session=session, notification_id=notification_id, resend=resend)
    audit.record(session=session, actor=actor, entity="notification",
                 entity_id=notification_id, action="release", field="status",
                 old="uncertain", new="pending" if resend else "sent")  # fmt: skip
    return "pending" if resend else "sent"


def job_issues_overview(*, session: Session, actor: Actor):
    """What the last run of each job could not do: missing recipients ("needs data") and
    items that failed, with the reason and how to fix it."""
    from db.job_issues import issues_frame

    require(actor, "work_renewals")
    return issues_frame(session=session)


def delivery_overview(*, session: Session, actor: Actor, limit: int = 20):
    """The latest deliveries' figures (sent, waiting, oldest waiting), newest first."""
    from db.outbox import delivery_runs_frame

    require(actor, "work_renewals")
    return delivery_runs_frame(session=session, limit=limit)
