"""What an Apply would do beyond the fields it changes: billing periods and SLA results.

Compared before and after the change (the after side is read inside the Apply's savepoint):
- billing periods up to today that are new (left unbilled until a run covers them), dropped
  from the term, or whose rates change (re-billed); billing reads the rates of the version in
  force at each period's start (db/contract_versions.py), so a change from day E touches only
  periods starting on or after E;
- issued (or paid) invoices of changed or dropped periods: an Apply over them is refused;
- tickets whose SLA target, due time or result changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from billing.frames import contract_from_row
from billing.periods import iter_periods
from contracts.term import last_day
from db.contract_versions import RATE_FIELDS, in_force, snapshot, typed
from db.models import Contract, ContractVersion, Invoice, Ticket

# Fields that shape billing periods, or what a period costs.
BILLING_FIELDS = (*RATE_FIELDS, "currency", "billing_cycle", "billing_timing", "billing_alignment")
BILLED = ("issued", "paid")  # invoices a change must never silently rewrite


class InvoiceOverlap(ValueError):
    """The change would rewrite periods of invoices already issued."""


@dataclass
class BillingEffect:
    periods: pd.DataFrame  # period start, end, effect, invoice, invoice status
    overlaps: list[str] = field(default_factory=list)  # issued invoices the change rewrites


def _billing_contract(contract_id: int, client_id: int, values: dict[str, Any]):
    row = dict(values, contract_id=contract_id, client_id=client_id)
    row["end_date"] = last_day(SimpleNamespace(**row))  # the last day in force, as billing reads
    try:
        return contract_from_row(row)
    except (ValueError, TypeError, KeyError):
        return None


def _periods(cb, today: date) -> dict[date, date]:
    if cb is None:
        return {}
    return {p.start: p.end for p in iter_periods(cb, until=today + timedelta(days=1))}


def _rates(versions: list[ContractVersion], day: date, fallback: dict[str, Any]) -> dict:
    v = in_force(versions, day)
    values = typed(v.snapshot) if v is not None else fallback
    return {k: values.get(k) for k in BILLING_FIELDS}


def billing_effect(
    *,
    session: Session,
    contract: Contract,
    before: dict[str, Any],
    before_versions: list[ContractVersion],
    today: date,
) -> BillingEffect:
    """Periods (up to today) the change adds, drops or re-prices, and issued ones it hits.

    ``before`` is the contract's snapshot before the change; the contract row and its
    versions in the session are the state after it.
    """
    session.flush()
    old_values, new_values = typed(before), typed(snapshot(contract))
    old = _periods(_billing_contract(contract.id, contract.client_id, old_values), today)
    new = _periods(_billing_contract(contract.id, contract.client_id, new_values), today)
    after_versions = list(
        session.scalars(
            select(ContractVersion)
            .where(ContractVersion.contract_id == contract.id)
            .order_by(ContractVersion.effective_from, ContractVersion.id)
        )
    )
    invoices = {
        i.key: i
        for i in session.scalars(
            select(Invoice).where(Invoice.contract_id == contract.id, Invoice.status != "void")
        )
    }
    rows, overlaps = [], []
    for start in sorted(set(old) | set(new)):
        if start in old and start in new and old[start] == new[start]:
            if _rates(before_versions, start, old_values) == _rates(
                after_versions, start, new_values
            ):
                continue
            effect = "rates change: re-billed"
        elif start in old:
            effect = "no longer in the term"
        else:
            effect = "new period before today: left unbilled until a run covers it"
        inv = invoices.get(f"{contract.id}:{start.isoformat()}")  # periods.invoice_key
        end = (new.get(start) or old[start]) - timedelta(days=1)
        rows.append(
            {
                "period start": start,
                "period end": end,
                "effect": effect,
                "invoice": inv.key if inv else None,
                "invoice status": inv.status if inv else None,
            }
        )
        if inv is not None and inv.status in BILLED:
            overlaps.append(f"invoice {inv.number} ({inv.status}) for {start} to {end}: {effect}")
    return BillingEffect(
        pd.DataFrame(
            rows, columns=["period start", "period end", "effect", "invoice", "invoice status"]
        ),
        overlaps,
    )


def refuse_overlap(effect: BillingEffect) -> None:
    """Raise InvoiceOverlap naming the issued invoices the change would rewrite."""
    if effect.overlaps:
        raise InvoiceOverlap(
            "Nothing was applied: the change would rewrite issued invoices — "
            + "; ".join(effect.overlaps)
            + ". Credit or void those invoices first, or apply the change from a date after "
            "their periods (the effective-from date)."
        )


SLA_KEYS = ["ticket_id", "metric"]


def sla_results(session: Session, contract_id: int, now: datetime) -> pd.DataFrame:
    """Each ticket's SLA target, due time and state per metric (uncached: savepoint-safe)."""
    from db.sla.outcomes import sla_details

    ids = list(session.scalars(select(Ticket.id).where(Ticket.contract_id == contract_id)))
    if not ids:
        return pd.DataFrame(columns=[*SLA_KEYS, "external_id", "target_min", "due_at", "state"])
    frame = sla_details(session=session, now=now, ticket_ids=ids)
    return frame[[*SLA_KEYS, "external_id", "target_min", "due_at", "state"]]


def sla_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Tickets x metric whose target, due time or state differs after the change."""
    merged = before.merge(after, on=SLA_KEYS, how="outer", suffixes=(" before", " after"))
    changed = pd.Series(False, index=merged.index)
    for col in ("target_min", "due_at", "state"):
        a, b = merged[f"{col} before"], merged[f"{col} after"]
        changed |= ~((a == b) | (a.isna() & b.isna())).astype(bool)
    out = merged[changed].copy()
    out["ticket"] = out["external_id before"].fillna(out["external_id after"])
    return out[
        [
            "ticket", "metric", "target_min before", "target_min after", "state before",
            "state after", "due_at before", "due_at after",
        ]
    ].reset_index(drop=True)  # fmt: skip
