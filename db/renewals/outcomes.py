"""Renewal outcomes: closing a term's renewal, and renewal rate and value retained."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from db import audit
from db.models import Contract, RenewalOpportunity
from db.renewals.common import _contract_row, _local_today, _opportunity
from renewals.outcomes import Outcome, OutcomeRecord, renewal_rate
from renewals.stage import OUTCOME_STAGES, renewal_stage


def record_outcome(
    *, session: Session, actor: Actor, contract_id: int, outcome: str, now: datetime,
    reason: str | None = None, new_contract_id: int | None = None,
) -> RenewalOpportunity:  # fmt: skip
    """Close the renewal of the term in force: renewed, renegotiated (new terms) or lost."""
    require(actor, "work_renewals")
    c = _contract_row(session, contract_id)
    try:
        kind = Outcome(str(outcome).strip().lower())
    except ValueError as exc:
        raise ValueError(f"Outcome must be one of {', '.join(o.value for o in Outcome)}.") from exc
    reason = (reason or "").strip() or None
    if kind is Outcome.LOST and not reason:
        raise ValueError("A lost renewal needs a reason.")
    if kind is Outcome.RENEGOTIATED and new_contract_id is None:
        raise ValueError("A renegotiated renewal needs the contract holding the new terms.")
    new = None
    if new_contract_id is not None:
        if kind is Outcome.LOST:
            raise ValueError("A lost renewal has no new contract.")
        if new_contract_id == contract_id:
            raise ValueError("The new terms must be another contract.")
        new = _contract_row(session, new_contract_id)
    today = _local_today(now, c.timezone)
    info = renewal_stage(end_date=c.end_date, auto_renew=c.auto_renew,
                         notice_days=c.notice_days, renewal_term_months=c.renewal_term_months,
                         today=today)  # fmt: skip
    term_end = info.effective_end or c.end_date
    if term_end is None:
        raise ValueError(f"Contract {c.reference} has no end date: record one first.")
    opp = _opportunity(session, contract_id, term_end)
    OutcomeRecord(
        contract_id=contract_id, outcome=kind, decided_on=today,
        previous_value=Decimal(c.value or 0), reason=reason,
        new_value=None if kind is Outcome.LOST else _kept_value(c, opp, new),
    )  # fmt: skip
    changes = {
        "outcome": (opp.outcome, kind.value),
        "outcome_reason": (opp.outcome_reason, reason),
        "new_contract_id": (opp.new_contract_id, new.id if new else None),
    }
    changes = {k: v for k, v in changes.items() if v[0] != v[1]}
    opp.outcome, opp.outcome_reason = kind.value, reason
    opp.new_contract_id = new.id if new else None
    opp.closed_at, opp.closed_by_id = now, actor.user_id
    audit.record_changes(session=session, actor=actor, entity="renewal_opportunity",
                         entity_id=opp.id, changes=changes)  # fmt: skip
    return opp


def _kept_value(c: Contract, opp: RenewalOpportunity, new: Contract | None) -> Decimal:
    for value in (new.value if new else None, opp.proposed_value, c.value):
        if value is not None:
            return Decimal(value)
    return Decimal("0")


OUTCOME_COLUMNS = [
    "currency", "decided", "renewed", "renegotiated", "lost", "renewal rate", "value up",
    "value retained", "value lost", "value retention", "gross retention", "lost reasons",
]  # fmt: skip


def renewal_outcomes(*, session: Session, actor: Actor, start: date, end: date) -> pd.DataFrame:
    """Renewal rate and value retained per currency for outcomes decided in [start, end]."""
    require(actor, "work_renewals")
    if start > end:
        raise ValueError("The start date must not be after the end date.")
    new = select(Contract.id, Contract.value).subquery()
    rows = session.execute(
        select(RenewalOpportunity.outcome, RenewalOpportunity.closed_at,
               RenewalOpportunity.outcome_reason, RenewalOpportunity.proposed_value,
               Contract.value, Contract.currency, new.c.value)
        .join(Contract, Contract.id == RenewalOpportunity.contract_id)
        .outerjoin(new, new.c.id == RenewalOpportunity.new_contract_id)
        .where(RenewalOpportunity.outcome.in_(list(OUTCOME_STAGES)),
               RenewalOpportunity.closed_at.is_not(None))
    ).all()  # fmt: skip
    frame = pd.DataFrame(
        [
            {
                "outcome": o, "decided_on": closed, "reason": why, "currency": cur,
                "previous_value": value if value is not None else Decimal("0"),
                "new_value": None if o == "lost"
                else next((v for v in (new_value, proposed, value) if v is not None), None),
            }
            for o, closed, why, proposed, value, cur, new_value in rows
        ],
        columns=["outcome", "decided_on", "reason", "currency", "previous_value", "new_value"],
    )  # fmt: skip
    out = []
    for currency, group in frame.groupby("currency", sort=True):
        r = renewal_rate(group, start=start, end=end)
        if not r.decided:
            continue
        out.append(
            [currency, r.decided, r.renewed, r.renegotiated, r.lost, r.rate, r.value_up,
             r.value_retained, r.value_lost, r.value_retention, r.gross_retention,
             ", ".join(f"{k} ({v})" for k, v in r.lost_reasons.items())]
        )  # fmt: skip
    return pd.DataFrame(out, columns=OUTCOME_COLUMNS)
