"""SLA alerts: open tickets past the warning share or breached, owed to the contract's
account manager and the client's level-1 escalation contact (unless the client opted out).

Every alert owed is one `sla_alert_items` row per (ticket, metric, threshold, recipient),
so a rerun adds nothing. A breach goes out at once in its own message. Warnings are
collected: each recipient gets at most one digest per interval (SLA_DIGEST_MINUTES, default
60) listing every warning still waiting, sent by the first run of the interval that finds
some; warnings found later in the interval wait for the next one. A waiting warning whose
ticket is no longer at risk (breached, answered, resolved) or whose recipient changed is
superseded and never sent. The demo's first day queued 754 single alerts before this.

A breach older than one interval when first seen (a backlog) goes in the digest instead
of its own message. A ticket already breached when first seen gets only the breach alert
(a warning after the fact says nothing new); one that was warned earlier still gets its
breach alert.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.engine import session_scope
from db.job_issues import Issue, replace_issues
from db.models import (
    Calendar,
    Client,
    Contact,
    Contract,
    Notification,
    SlaAlertItem,
    Ticket,
    User,
)  # fmt: skip
from db.outbox import enqueue
from db.sla.outcomes import sla_details
from notify.render import render

ORDER = 20
TEMPLATE = "sla_breach_warning"
RULE = "sla_breach_warning"  # a recipient's digest of warnings
BREACH_RULE = "sla_breach_alert"  # one breached ticket, sent at once
THRESHOLD = {"at_risk": "warning", "breached": "breach"}


def alert_key(ticket_id: int, metric: str, threshold: str) -> str:
    return f"sla:{ticket_id}:{metric}:{threshold}"


def digest_interval(env: dict[str, str] | None = None) -> timedelta:
    """How often a recipient may get a digest; a bad value is named, not guessed."""
    raw = (os.environ if env is None else env).get("SLA_DIGEST_MINUTES", "60")
    try:
        minutes = int(raw)
    except ValueError:
        minutes = 0
    if not 1 <= minutes <= 7 * 24 * 60:
        raise ValueError(f"SLA_DIGEST_MINUTES must be whole minutes from 1 to 10080, not {raw!r}")
    return timedelta(minutes=minutes)


def interval_start(now: datetime, interval: timedelta) -> datetime:
    """The start of the interval holding `now` (counted from the Unix epoch, UTC)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((now.astimezone(UTC) - epoch) // interval) * interval


def digest_key(recipient: str, start: datetime) -> str:
    return f"sla-digest:{start:%Y-%m-%dT%H:%MZ}:{recipient.lower()}"


@dataclass
class Queued:
    breaches: int = 0  # breach alerts queued (one message each)
    digests: int = 0  # digest messages queued
    listed: int = 0  # warnings those digests list
    waiting: int = 0  # warnings held for a later interval

    @property
    def messages(self) -> int:
        return self.breaches + self.digests

    def __str__(self) -> str:
        text = (
            f"{self.messages} SLA alert(s) queued: {self.breaches} breach alert(s), "
            f"{self.digests} digest(s) listing {self.listed} warning(s)"
        )
        return text + (f"; {self.waiting} warning(s) wait for the next digest" if self.waiting
                       else "")  # fmt: skip


def _recipients(s: Session, contract: Contract, client: Client) -> list[str]:
    out = []
    if contract.account_manager_id:
        manager = s.get(User, contract.account_manager_id)
        if manager is not None and manager.active and isinstance(manager.email, str):
            out.append(manager.email)
    if not client.email_opt_out:
        contact = s.scalars(
            select(Contact)
            .where(
                Contact.client_id == client.id,
                Contact.is_escalation,
                Contact.escalation_level == 1,
                Contact.email.is_not(None),
                or_(Contact.contract_id.is_(None), Contact.contract_id == contract.id),
            )
            .order_by(Contact.contract_id.is_(None), Contact.id)  # contract-specific first
        ).first()
        if contact is not None and isinstance(contact.email, str):
            out.append(contact.email)
    clean = (r.strip() for r in out)
    return list({r.lower(): r for r in clean if r}.values())


def _detail(s: Session, rec, contract: Contract, client: Client, tz: str) -> dict:
    """What the email shows for one ticket/metric, JSON-safe (kept on the item)."""
    ticket = s.get(Ticket, int(rec.ticket_id))
    share = float(rec.elapsed_min) / float(rec.target_min) if rec.target_min else None
    due = None if pd.isna(rec.due_at) else rec.due_at.to_pydatetime().isoformat()
    return {
        "client": client.name, "contract_reference": contract.reference, "tz": tz,
        "ref": str(rec.external_id), "subject": ticket.subject or ticket.service_type,
        "priority": str(rec.priority), "metric": str(rec.metric), "state": str(rec.state),
        "due_at": due, "elapsed_share": share,
    }  # fmt: skip


def _for_email(detail: dict) -> dict:
    due = detail.get("due_at")
    return {**detail, "due_at": datetime.fromisoformat(due) if due else None}


def _owed(session: Session, now: datetime) -> tuple[dict[tuple, dict], dict[int, Issue]]:
    """(ticket, metric, threshold, recipient) -> contract id and detail, for every alert due
    now; contracts nobody can be told about become 'needs data' issues."""
    f = sla_details(session=session, now=now, open_only=True)
    f = f[f["state"].astype(str).isin(list(THRESHOLD)) & f["contract_id"].notna()]
    owed: dict[tuple, dict] = {}
    issues: dict[int, Issue] = {}
    contracts: dict[int, tuple[Contract, Client, str, list[str]]] = {}
    for rec in f.itertuples(index=False):
        cid = int(rec.contract_id)
        if cid not in contracts:
            contract = session.get(Contract, cid)
            client = session.get(Client, contract.client_id)
            cal = session.get(Calendar, contract.calendar_id) if contract.calendar_id else None
            tz = cal.timezone if cal else contract.timezone or "UTC"
            contracts[cid] = (contract, client, tz, _recipients(session, contract, client))
        contract, client, tz, recipients = contracts[cid]
        if not recipients:
            issues.setdefault(cid, Issue(
                f"contract:{cid}:sla_recipients", "needs_data",
                "SLA alerts not sent: no account manager with an email and no level-1 "
                "escalation contact with an email (or the client opted out). Set one on the "
                "contract or client page.", cid,
            ))  # fmt: skip
            continue
        detail = _detail(session, rec, contract, client, tz)
        for recipient in recipients:
            key = (int(rec.ticket_id), str(rec.metric), THRESHOLD[str(rec.state)], recipient)
            owed[key] = {"contract_id": cid, "detail": detail}
    return owed, issues


def _add_items(session: Session, owed: dict[tuple, dict], now: datetime) -> list[int]:
    """Record the alerts not recorded yet; returns the new items' ids."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    new = []
    for (tid, metric, threshold, recipient), item in owed.items():
        values = dict(ticket_id=tid, metric=metric, threshold=threshold, recipient=recipient,
                      contract_id=item["contract_id"], detail=item["detail"],
                      superseded=False, created_at=now)  # fmt: skip
        stmt = (
            dialect.insert(SlaAlertItem)
            .values(**values)
            .on_conflict_do_nothing(
                index_elements=["ticket_id", "metric", "threshold", "recipient"]
            )
            .returning(SlaAlertItem.id)
        )
        got = session.execute(stmt).scalar_one_or_none()
        if got is not None:
            new.append(got)
    return new


def _link_earlier(session: Session, item_ids: list[int]) -> None:
    """New items an older release already sent as single alerts (outbox key per ticket,
    metric, threshold and recipient) are marked sent by that message, never sent again."""
    for i in range(0, len(item_ids), 500):
        items = session.scalars(
            select(SlaAlertItem).where(SlaAlertItem.id.in_(item_ids[i : i + 500]))
        ).all()
        keys = {
            f"{alert_key(it.ticket_id, it.metric, it.threshold)}|{it.recipient.lower()}": it
            for it in items
        }
        for key, nid in session.execute(
            select(Notification.key, Notification.id).where(Notification.key.in_(list(keys)))
        ).all():
            keys[key].notification_id = nid


def _queue(session: Session, *, key: str, rule: str, recipient: str, details: list[dict],
           now: datetime, contract_id: int | None) -> tuple[int | None, bool]:  # fmt: skip
    """One message to one recipient: (its outbox id, whether this call queued it). A key
    queued before (an earlier run or the single alerts of old) gives its id, not queued."""
    email = render(TEMPLATE, {"tickets": [_for_email(d) for d in details]})
    added = enqueue(session=session, key=key, rule=rule, email=email, recipients=[recipient],
                    now=now, contract_id=contract_id)  # fmt: skip
    nid = session.scalar(
        select(Notification.id).where(Notification.key == f"{key}|{recipient.lower()}")
    )
    return nid, bool(added)


def _stale(detail: dict, now: datetime, interval: timedelta) -> bool:
    """A breach older than one interval (a backlog found on a first run, an import of old
    tickets) is news for the digest, not an alert of its own: only fresh breaches interrupt."""
    due = detail.get("due_at")
    return due is not None and datetime.fromisoformat(due) < now - interval


def queue_alerts(*, session: Session, now: datetime, interval: timedelta | None = None) -> Queued:
    """Record the alerts due now, queue each new breach at once and each recipient's digest
    of waiting warnings when this interval has none yet."""
    interval = interval or digest_interval()
    owed, issues = _owed(session, now)
    _link_earlier(session, _add_items(session, owed, now))
    done = Queued()
    waiting = session.scalars(
        select(SlaAlertItem)
        .where(SlaAlertItem.notification_id.is_(None), SlaAlertItem.superseded.is_(False))
        .order_by(SlaAlertItem.recipient, SlaAlertItem.contract_id, SlaAlertItem.id)
    ).all()
    digests: dict[str, list[SlaAlertItem]] = {}
    for item in waiting:
        now_owed = owed.get((item.ticket_id, item.metric, item.threshold, item.recipient))
        if now_owed is None:  # no longer at risk, or this recipient is no longer told
            item.superseded = True
            continue
        item.detail = now_owed["detail"]  # the figures as of this run
        if item.threshold == "warning" or _stale(item.detail, now, interval):
            digests.setdefault(item.recipient, []).append(item)
            continue
        item.notification_id, added = _queue(
            session, key=alert_key(item.ticket_id, item.metric, "breach"), rule=BREACH_RULE,
            recipient=item.recipient, details=[item.detail], now=now,
            contract_id=item.contract_id,
        )  # fmt: skip
        done.breaches += added
    start = interval_start(now, interval)
    for recipient, items in digests.items():
        cids = {i.contract_id for i in items}
        nid, added = _queue(
            session, key=digest_key(recipient, start), rule=RULE, recipient=recipient,
            details=[i.detail for i in items], now=now,
            contract_id=cids.pop() if len(cids) == 1 else None,
        )  # fmt: skip
        if not added:  # this interval's digest went already: wait for the next one
            done.waiting += len(items)
            continue
        session.execute(
            update(SlaAlertItem)
            .where(SlaAlertItem.id.in_([i.id for i in items]))
            .values(notification_id=nid)
        )
        done.digests += 1
        done.listed += len(items)
    replace_issues(session=session, job="sla_alerts", issues=list(issues.values()), now=now)
    return done


def run(engine: Engine, now: datetime) -> str:
    with session_scope(engine) as s:
        queued = queue_alerts(session=s, now=now)
    return str(queued)
