"""Service-credit rules entered by hand on the contract page, validated like extracted ones.

The rule goes through billing.credits.CreditRule first, so a rule the billing run could not
apply (no measure, no credit, a cap above 100%) is refused here with the same message.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing.credits import CreditRule
from db import audit
from db.billing.common import parse_amount
from db.models import Contract, ServiceCreditRule

PERMISSION = "edit_contracts"


def parse_tiers(text: str | None) -> list[dict[str, str]] | None:
    """'99:5, 95:10' (below %: credit) -> tiers, best first; None for blank."""
    if text is None or not text.strip():
        return None
    tiers = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        below, sep, credit = part.partition(":")
        if not sep:
            raise ValueError(
                f"Tier {part.strip()!r}: write 'below:credit', e.g. '99:5, 95:10' "
                "(under 99% credit 5, under 95% credit 10)."
            )
        tiers.append({"below": str(parse_amount(below)), "credit": str(parse_amount(credit))})
    tiers.sort(key=lambda t: Decimal(t["below"]), reverse=True)
    return tiers


def _dec(value: object) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_amount(value)


def add_credit_rule(
    *,
    session: Session,
    actor: Actor,
    contract_id: int,
    name: str,
    trigger: str,
    credit_kind: str,
    effective_from: date,
    metric: str | None = None,
    priority: str | None = None,
    threshold: object = None,
    credit_value: object = None,
    tiers: str | None = None,
    cap_percent: object = None,
    cap_amount: object = None,
) -> ServiceCreditRule:
    """A hand-entered rule, refused (nothing written) when billing could not apply it."""
    require(actor, PERMISSION)
    if session.get(Contract, contract_id) is None:
        raise ValueError(f"Contract id {contract_id} does not exist.")
    if not (name or "").strip():
        raise ValueError("Give the rule a name (e.g. 'P1 response credit').")
    data = {
        "name": name.strip(),
        "trigger": trigger,
        "credit_kind": credit_kind,
        "metric": metric or None,
        "priority": priority or None,
        "threshold": _dec(threshold),
        "credit_value": _dec(credit_value),
        "tiers": parse_tiers(tiers),
        "cap_percent": _dec(cap_percent),
        "cap_amount": _dec(cap_amount),
    }
    CreditRule(**data)  # raises ValueError with what is missing
    row = ServiceCreditRule(
        contract_id=contract_id, effective_from=effective_from, created_by_id=actor.user_id, **data
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session, actor=actor, entity="contract", entity_id=contract_id,
        action="credit_rule", field="service_credit_rules", new=f"{row.id}: {row.name}",
    )  # fmt: skip
    return row


def _cap(r: ServiceCreditRule) -> str:
    parts = [f"{r.cap_percent}% of fee" if r.cap_percent is not None else None]
    parts.append(None if r.cap_amount is None else str(r.cap_amount))
    return " / ".join(p for p in parts if p)


def credit_rules(*, session: Session, actor: Actor, contract_id: int) -> pd.DataFrame:
    require(actor, "view_contracts")
    rows = session.scalars(
        select(ServiceCreditRule)
        .where(ServiceCreditRule.contract_id == contract_id, ServiceCreditRule.deleted_at.is_(None))
        .order_by(ServiceCreditRule.id)
    )
    return pd.DataFrame(
        [
            {
                "name": r.name,
                "trigger": r.trigger,
                "metric": r.metric,
                "priority": r.priority or "any",
                "threshold %": r.threshold,
                "credit": f"{r.credit_value} ({r.credit_kind})" if r.credit_value is not None
                else ", ".join(f"<{t['below']}%: {t['credit']}" for t in r.tiers or []),
                "cap": _cap(r),
                "from": r.effective_from,
                "to": r.effective_to,
                "source": "document" if r.source_document_id else "entered",
            }
            for r in rows
        ],
        columns=["name", "trigger", "metric", "priority", "threshold %", "credit", "cap", "from",
                 "to", "source"],
    )  # fmt: skip
