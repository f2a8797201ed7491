"""SLA alerts: open tickets past the warning share or breached -> one email per (ticket,
metric, threshold) to the contract's account manager and the client's level-1 escalation
contact (unless the client opted out of email). The outbox key makes a rerun a no-op.

A ticket already breached when first seen gets only the breach alert (a warning after the
fact says nothing new); one that was warned earlier still gets its breach alert.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.engine import session_scope
from db.job_issues import Issue, replace_issues
from db.models import Calendar, Client, Contact, Contract, Ticket, User
from db.outbox import enqueue
from db.sla.outcomes import sla_details
from notify.render import render

ORDER = 20
RULE = "sla_breach_warning"
THRESHOLD = {"at_risk": "warning", "breached": "breach"}


def alert_key(ticket_id: int, metric: str, threshold: str) -> str:
    return f"sla:{ticket_id}:{metric}:{threshold}"


def _recipients(s: Session, contract: Contract, client: Client) -> list[str]:
    out = []
    if contract.account_manager_id:
        manager = s.get(User, contract.account_manager_id)
        if manager is not None and manager.active and manager.email:
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
        if contact is not None:
            out.append(contact.email)
    return out


def queue_alerts(*, session: Session, now: datetime) -> int:
    """Enqueue due SLA alerts; returns the number of outbox rows added."""
    f = sla_details(session=session, now=now, open_only=True)
    f = f[f["state"].astype(str).isin(list(THRESHOLD)) & f["contract_id"].notna()]
    added = 0
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
        ticket = session.get(Ticket, int(rec.ticket_id))
        state = str(rec.state)
        share = float(rec.elapsed_min) / float(rec.target_min) if rec.target_min else None
        email = render(
            RULE,
            {
                "client": client.name,
                "contract_reference": contract.reference,
                "tz": tz,
                "tickets": [
                    {
                        "ref": rec.external_id,
                        "subject": ticket.subject or ticket.service_type,
                        "priority": str(rec.priority),
                        "metric": str(rec.metric),
                        "state": state,
                        "due_at": None if pd.isna(rec.due_at) else rec.due_at.to_pydatetime(),
                        "elapsed_share": share,
                    }
                ],
            },
        )
        added += enqueue(
            session=session,
            key=alert_key(int(rec.ticket_id), str(rec.metric), THRESHOLD[state]),
            rule=RULE,
            email=email,
            recipients=recipients,
            now=now,
            contract_id=cid,
        )
    replace_issues(session=session, job="sla_alerts", issues=list(issues.values()), now=now)
    return added


def run(engine: Engine, now: datetime) -> str:
    with session_scope(engine) as s:
        added = queue_alerts(session=s, now=now)
    return f"{added} SLA alert(s) queued"
