# ruff: noqa: E501 - diff rows read best on one line
"""Apply mapper for the general extractor's remaining terms: each gets a live home.

Tier -> contract tier; escalation -> the contract's escalation contacts (levels); service
credits -> credit rules the billing run applies (when the IT mapper found none in the same
document); insurance, certifications, background checks -> compliance requirements;
pricing model, overage rate, rollover -> the contract's pricing; services "Name: what it
covers" -> name and description; coverage hours -> a calendar (created when none has those
hours, with the holidays the contract names, via the `holidays` package); liability cap,
termination for convenience, warranty, governing law -> contract facts (contract page).

`apply_live_terms` has the signature of the Apply hook (db/documents/apply_homes.py): it
writes only through `session`, inside the Apply transaction, and returns one diff row per
change, or per term it could not apply with the reason. Re-applying a document updates the
rows it wrote before (matched by name), never duplicates them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor
from db.documents.apply_calendar import apply_calendar
from db.documents.apply_homes import diff_row as _row
from db.documents.apply_homes import register
from db.documents.values import decimal_or_none
from db.models import (
    ComplianceRequirement,
    Contact,
    Contract,
    ServiceCreditRule,
)
from db.models.contracts import PRICING_MODELS, TIERS

_NEEDS = {"fixed": ("recurring_fee",), "per_unit": ("unit_price",),
          "block_hours": ("included_hours", "overage_rate"), "time_materials": ("hourly_rate",)}  # fmt: skip
_TECHNICIAN = re.compile(
    r"background|criminal|drug|clearance|comptia|microsoft|ccna|osha|itil|dbs|bpss|licen[cs]e", re.I
)
_SPLIT = re.compile(r"\s*(?::|\s[-–—]\s)\s*")


def _duration(d: Any) -> str | None:
    if isinstance(d, dict) and d.get("n") is not None and d.get("unit"):
        n = d["n"]
        return f"{n:g} {d['unit']}{'s' if n != 1 else ''}" if isinstance(n, int | float) else None
    return None


def _tier(contract: Contract, terms: dict[str, Any]) -> list[dict[str, Any]]:
    value = terms.get("service_tier")
    tier = str(value.get("tier", "")).lower() if isinstance(value, dict) else ""
    if tier not in TIERS or tier == contract.tier:
        return []
    old, contract.tier = contract.tier, tier
    how = "inferred: " + str(value.get("reason")) if value.get("inferred") else "stated"
    return [_row("tier", old, tier, how)]


def _escalation(
    session: Session, contract: Contract, terms: dict[str, Any]
) -> list[dict[str, Any]]:
    value = terms.get("escalation")
    people = value.get("contacts") if isinstance(value, dict) else None
    if not isinstance(people, list):
        return []
    rows: list[dict[str, Any]] = []
    existing = list(session.scalars(select(Contact).where(Contact.contract_id == contract.id)))
    for p in people:
        if not isinstance(p, dict) or not (p.get("name") or p.get("email")):
            continue
        email = str(p.get("email") or "").strip() or None
        name = str(p.get("name") or email)[:200]
        level = p.get("level") if isinstance(p.get("level"), int) else None
        match = next((c for c in existing if (email and (c.email or "").lower() == email.lower())
                      or c.name.lower() == name.lower()), None)  # fmt: skip
        if match is None:
            match = Contact(client_id=contract.client_id, contract_id=contract.id, name=name)
            session.add(match)
            existing.append(match)
            old = None
        else:
            old = {"level": match.escalation_level, "phone": match.phone}
        match.is_escalation, match.escalation_level = True, level
        match.email = email or match.email
        match.phone = (str(p["phone"])[:50] if p.get("phone") else None) or match.phone
        match.title = (str(p["title"])[:120] if p.get("title") else None) or match.title
        rows.append(_row(f"escalation.level {level or '?'}", old,
                         {"name": name, "email": email, "phone": match.phone}))  # fmt: skip
    return rows


def _credits(session: Session, contract: Contract, terms: dict[str, Any], effective_from: date,
             document_id: int | None, actor: Actor) -> list[dict[str, Any]]:  # fmt: skip
    items = terms.get("service_credits")
    if not isinstance(items, list) or not items:
        return []
    session.flush()
    if document_id is not None and session.scalar(
        select(ServiceCreditRule.id)
        .where(
            ServiceCreditRule.source_document_id == document_id,
            ServiceCreditRule.deleted_at.is_(None),
        )
        .limit(1)  # fmt: skip
    ):
        return [
            _row(
                "credit (clause)",
                None,
                None,
                "credit rules already read from this document's penalty terms",
            )
        ]
    percents = [decimal_or_none(i.get("percent")) for i in items if isinstance(i, dict)]
    percents = [p for p in percents if p is not None and 0 < p <= 100]
    amounts = [i for i in items if isinstance(i, dict) and decimal_or_none(i.get("amount"))]
    if percents:
        kind, value = "percent_of_fee", percents[0]
        cap = percents[1] if len(percents) > 1 and percents[1] > percents[0] else None
    elif amounts:
        kind, value, cap = "amount", decimal_or_none(amounts[0]["amount"]), None
        if amounts[0].get("currency") and amounts[0]["currency"] != contract.currency:
            return [
                _row(
                    "credit",
                    None,
                    str(value),
                    f"amount in {amounts[0]['currency']}, contract in {contract.currency} - not applied",
                )
            ]
    else:
        return [_row("credit", None, None, "no credit figure - shown for review, not applied")]
    name = f"Service credit {value}{'%' if kind == 'percent_of_fee' else ' ' + contract.currency} per breach"
    session.add(ServiceCreditRule(
        contract_id=contract.id, name=name, trigger="per_breach", metric=None, priority=None,
        credit_kind=kind, credit_value=value, cap_percent=cap, effective_from=effective_from,
        source_document_id=document_id, source_text=_snippet(session, document_id, "service_credits"),
        created_by_id=actor.user_id,
    ))  # fmt: skip
    return [
        _row(
            "credit",
            None,
            {"kind": kind, "value": str(value), "cap_percent": str(cap) if cap else None},
        )
    ]


def _snippet(session: Session, document_id: int | None, field: str) -> str | None:
    from db.models import ExtractedTerm

    if document_id is None:
        return None
    return session.scalar(select(ExtractedTerm.snippet).where(
        ExtractedTerm.document_id == document_id, ExtractedTerm.field == field).limit(1))  # fmt: skip


def _requirement(
    session: Session, contract: Contract, kind: str, name: str
) -> tuple[ComplianceRequirement, bool]:
    row = session.scalar(select(ComplianceRequirement).where(
        ComplianceRequirement.contract_id == contract.id, ComplianceRequirement.kind == kind,
        ComplianceRequirement.name == name, ComplianceRequirement.deleted_at.is_(None)))  # fmt: skip
    if row is not None:
        return row, False
    row = ComplianceRequirement(contract_id=contract.id, kind=kind, name=name)
    session.add(row)
    return row, True


def _compliance(
    session: Session, contract: Contract, terms: dict[str, Any], document_id: int | None
) -> list[dict[str, Any]]:
    from compliance.requirements import default_registry

    rows: list[dict[str, Any]] = []
    source = f"from document {document_id}" if document_id else "from a document"
    for item in terms.get("insurance") or []:
        if not isinstance(item, dict) or not item.get("type"):
            continue
        name = str(item["type"])[:120]
        row, new = _requirement(session, contract, "insurance", name)
        old = None if new else {"minimum": str(row.minimum_cover) if row.minimum_cover else None}
        row.minimum_cover = decimal_or_none(item.get("minimum")) or row.minimum_cover
        row.currency = (
            item.get("currency")
            or row.currency
            or (contract.currency if row.minimum_cover else None)
        )
        row.applies_to, row.details = (
            "all",
            row.details or f"Insurance the contract requires ({source}).",
        )
        rows.append(
            _row(
                f"compliance.insurance {name}",
                old,
                {
                    "minimum": str(row.minimum_cover) if row.minimum_cover else None,
                    "currency": row.currency,
                },
            )
        )
    registry = default_registry()
    for cert in terms.get("certifications") or []:
        name = str(cert).strip()[:120]
        if not name:
            continue
        if registry.canonical("credential", name) or (
            not registry.canonical("certification", name) and _TECHNICIAN.search(name)
        ):
            kind, applies = "credential", "onsite"
        else:
            kind, applies = "certification", "all"
        row, new = _requirement(session, contract, kind, name)
        row.applies_to = applies
        row.details = row.details or (
            f"Every technician sent on site ({source})."
            if kind == "credential"
            else f"The provider must hold it ({source})."
        )
        if new:
            rows.append(_row(f"compliance.{kind}", None, name))
    return rows


def _pricing(contract: Contract, terms: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    over = terms.get("overage_rate")
    if isinstance(over, dict) and (rate := decimal_or_none(over.get("rate"))) is not None:
        if over.get("currency") and over["currency"] != contract.currency:
            rows.append(
                _row(
                    "pricing.overage_rate",
                    contract.overage_rate,
                    str(rate),
                    f"rate in {over['currency']}, contract in {contract.currency} - not applied",
                )
            )
        elif contract.overage_rate != rate:
            rows.append(
                _row(
                    "pricing.overage_rate",
                    contract.overage_rate,
                    str(rate),
                    str(over.get("basis") or ""),
                )
            )
            contract.overage_rate = rate
    roll = terms.get("rollover")
    if isinstance(roll, dict) and isinstance(roll.get("rollover"), bool):
        cap = decimal_or_none(roll.get("cap_hours"))
        if (contract.rollover, contract.rollover_cap_hours) != (roll["rollover"], cap):
            rows.append(_row("pricing.rollover", {"rollover": contract.rollover, "cap_hours": contract.rollover_cap_hours},
                             {"rollover": roll["rollover"], "cap_hours": str(cap) if cap else None}))  # fmt: skip
            contract.rollover, contract.rollover_cap_hours = roll["rollover"], cap
    model_term = terms.get("pricing_model")
    model = model_term.get("model") if isinstance(model_term, dict) else None
    if model in PRICING_MODELS and model != contract.pricing_model:
        if model == "per_unit" and model_term.get("unit") and not contract.unit_name:
            contract.unit_name = str(model_term["unit"])[:40]
        missing = [f.replace("_", " ") for f in _NEEDS[model] if getattr(contract, f) is None]
        if missing:
            rows.append(
                _row(
                    "pricing.model",
                    contract.pricing_model,
                    model,
                    f"not applied: the contract has no {', '.join(missing)} yet - set it, then apply again",
                )
            )
        else:
            rows.append(
                _row(
                    "pricing.model",
                    contract.pricing_model,
                    model,
                    str(model_term.get("reason") or ""),
                )
            )
            contract.pricing_model = model
    return rows


def _services(contract: Contract) -> list[dict[str, Any]]:
    """'Server maintenance: patching and monitoring' becomes name + description."""
    rows: list[dict[str, Any]] = []
    for s in contract.services:
        parts = _SPLIT.split(s.name, maxsplit=1)
        if len(parts) == 2 and parts[0] and len(parts[1]) > 3 and not s.description:
            rows.append(
                _row(f"{s.kind} service", s.name, {"name": parts[0], "description": parts[1]})
            )
            s.name, s.description = parts[0][:200], parts[1]
    return rows


def _facts(contract: Contract, terms: dict[str, Any]) -> list[dict[str, Any]]:
    facts = dict(contract.facts or {})
    new: dict[str, str] = {}
    cap = terms.get("liability_cap")
    if isinstance(cap, dict):
        amount = decimal_or_none(cap.get("amount"))
        new["liability_cap"] = (f"{amount:,.2f} {cap.get('currency') or contract.currency}" if amount is not None
                                else str(cap.get("basis") or "limited (see the clause)"))  # fmt: skip
    tfc = terms.get("termination_for_convenience")
    if isinstance(tfc, dict):
        notice = _duration(tfc.get("notice"))
        new["termination_for_convenience"] = f"{tfc.get('by') or 'a party'} may terminate" + (
            f" on {notice}' notice" if notice else ""
        )
    if (warranty := _duration(terms.get("warranty_duration"))) is not None:
        new["warranty"] = warranty
    if isinstance(terms.get("governing_law"), str) and terms["governing_law"].strip():
        new["governing_law"] = terms["governing_law"].strip()
    rows = [_row(f"fact.{k}", facts.get(k), v) for k, v in new.items() if facts.get(k) != v]
    if rows:
        contract.facts = {**facts, **new}
    return rows


def apply_live_terms(session: Session, contract: Contract, terms: dict[str, Any], *, effective_from: date,
                     document_id: int | None, actor: Actor) -> list[dict[str, Any]]:  # fmt: skip
    """Give every remaining accepted term of the document its live home on `contract`."""
    if not isinstance(terms, dict):
        return []
    rows = _tier(contract, terms)
    rows += _escalation(session, contract, terms)
    rows += _credits(session, contract, terms, effective_from, document_id, actor)
    rows += _compliance(session, contract, terms, document_id)
    rows += _pricing(contract, terms)
    rows += _services(contract)
    rows += apply_calendar(session, contract, terms, document_id)
    rows += _facts(contract, terms)
    session.flush()
    return rows


register(apply_live_terms)  # Apply gives the remaining terms their live homes
