"""Gap alerts queued in the outbox, once per gap and recipient."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from access.roles import Actor, require
from db.compliance.gaps import _names, gap_report
from db.outbox import enqueue
from db.recipients import manager_emails
from notify.render import render

ALERT_RULE = "compliance_gap_alert"


def enqueue_gap_alerts(
    *, session: Session, actor: Actor, now: datetime, horizon_days: int = 60
) -> tuple[int, int]:
    """Queue one ``compliance_gap_alert`` per gap key and recipient; (gaps, messages added).

    Advisories (no expiry recorded) are not alerted. The outbox key is the gap's key, so a
    gap is alerted once however often the job runs, and a new lapse after a renewal (a new
    start date) is a new alert.
    """
    require(actor, "work_compliance")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    report = gap_report(session=session, actor=actor, on=now.date(), horizon_days=horizon_days)
    real = [g for g in report.gaps if g.severity != "low"]
    recipients = manager_emails(session, {g.contract_id for g in real})
    contracts, techs = _names(session)
    added = 0
    for g in real:
        ref, client = contracts.get(g.contract_id, (str(g.contract_id), ""))
        subject = "company" if g.technician_id is None else techs.get(g.technician_id, "technician")
        email = render(
            ALERT_RULE,
            {
                "client": client,
                "contract_reference": ref,
                "gaps": [
                    {
                        "requirement": g.requirement,
                        "subject": subject,
                        "gap_date": g.starts,
                        "detail": f"{g.severity.capitalize()}: {g.reason}.",
                    }
                ],
            },
        )
        added += enqueue(
            session=session,
            key=f"{ALERT_RULE}|{g.key}",
            rule=ALERT_RULE,
            email=email,
            recipients=recipients.get(g.contract_id, []),
            now=now,
            contract_id=g.contract_id if isinstance(g.contract_id, int) else None,
        )
    return len(real), added
