# ruff: noqa: E501 - diff rows read best on one line
"""Apply mapper for IT terms (issue 14): a document's SLA matrix, coverage, rates and
penalties become the contract's SLA policy, calendar, pricing and service-credit rules.

`apply_it_terms(session, contract, terms, *, effective_from, document_id, actor)` has the
signature of the Apply hook `EXTRA_MAPPERS` (db/documents/apply_homes.py): it runs inside
the Apply transaction, writes nothing outside `session`, and returns one diff row per change
(or per term it could not apply, with the reason) for the reviewer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor
from db.documents.apply_homes import register
from db.models.contracts import Calendar, Contract, SlaPolicy, SlaTarget
from db.models.credits import ServiceCreditRule
from extraction.it import Item, ITTerms, extract_it_terms

_TZ = {"EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York",
       "CST": "America/Chicago", "CDT": "America/Chicago", "CT": "America/Chicago",
       "MST": "America/Denver", "MDT": "America/Denver", "PST": "America/Los_Angeles",
       "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles", "GMT": "Europe/London",
       "BST": "Europe/London", "UTC": "UTC", "CET": "Europe/Paris", "CEST": "Europe/Paris"}  # fmt: skip
_RESPONSE = ("answer", "response", "onsite")  # first touch; restore/resolve end the clock


def _it_terms(terms: Any) -> ITTerms:
    """The IT terms in whatever Apply hands over: ITTerms, {'it': ITTerms}, or page texts."""
    if isinstance(terms, ITTerms):
        return terms
    if isinstance(terms, dict) and isinstance(terms.get("it"), ITTerms):
        return terms["it"]
    pages = terms.get("pages") if isinstance(terms, dict) else getattr(terms, "pages", None)
    if pages is None:
        raise TypeError("apply_it_terms needs ITTerms, {'it': ITTerms} or terms with pages")
    return extract_it_terms(list(pages))


def _row(
    field: str, old: Any, new: Any, item: Item | None = None, note: str | None = None
) -> dict[str, Any]:
    return {"field": field, "old": old, "new": new, "note": note,
            "page": item.page if item else None, "snippet": item.snippet if item else None}  # fmt: skip


def _pick(items: list[Item]) -> Item:
    """The standard (or unscoped) target before enhanced/premium variants."""
    return min(
        items, key=lambda i: (i.data.get("scope") not in (None, "standard"), i.data["minutes"])
    )


def _sla_policy(
    session: Session, contract: Contract, it: ITTerms, effective_from: Any
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    conflicted = {c["priority"] for c in it.conflicts}
    for c in it.conflicts:
        rows.append(_row(f"sla.{c['priority']}.{c['metric']}", None, None, None,
                         "conflicting targets in the document - not applied; choose one: "
                         + ", ".join(f"{v['minutes']:g} min (p.{v['page']})" for v in c["values"])))  # fmt: skip
    by_priority: dict[str, list[Item]] = {}
    for item in it.sla:
        p = item.data["priority"]
        if p is None:
            rows.append(
                _row(
                    "sla.(no priority)",
                    None,
                    item.data["minutes"],
                    item,
                    "target names no priority - not applied",
                )
            )
        elif p not in conflicted:
            by_priority.setdefault(p, []).append(item)
    if not by_priority:
        if not it.sla:
            rows.append(_row("sla", None, None, None, "no SLA in the document - policy unchanged"))
        return rows
    current = session.scalars(
        select(SlaPolicy)
        .where(SlaPolicy.contract_id == contract.id)
        .order_by(SlaPolicy.effective_from.desc())
    ).first()
    old = {t.priority: t for t in current.targets} if current else {}
    policy = SlaPolicy(contract_id=contract.id, effective_from=effective_from)
    for p in sorted(by_priority):
        items = by_priority[p]
        resp = [i for i in items if i.data["metric"] in _RESPONSE]
        res = [i for i in items if i.data["metric"] not in _RESPONSE]
        r_item, s_item = (_pick(resp) if resp else None), (_pick(res) if res else None)
        prev = old.get(p)
        response = (
            int(r_item.data["minutes"]) if r_item else (prev.response_minutes if prev else None)
        )
        resolution = (
            int(s_item.data["minutes"]) if s_item else (prev.resolution_minutes if prev else None)
        )
        note = None
        if response is None:
            response, note = resolution, "document states no response time: response = resolution"
        if resolution is None:
            resolution, note = response, "document states no resolution time: resolution = response"
        main_item = r_item or s_item
        business = any(i.data["business"] for i in (r_item, s_item) if i)
        calendar = "contract" if business or p != "P1" else "24x7"
        policy.targets.append(
            SlaTarget(
                priority=p,
                response_minutes=response,
                resolution_minutes=resolution,
                calendar=calendar,
            )
        )
        level = main_item.data.get("level") if main_item else None
        rows.append(_row(f"sla.{p}", {"response": prev.response_minutes, "resolution": prev.resolution_minutes} if prev else None,
                         {"response": response, "resolution": resolution, "calendar": calendar, "level": level},
                         main_item, note))  # fmt: skip
    session.add(policy)
    session.flush()
    return rows


def _calendar(
    session: Session, contract: Contract, it: ITTerms, document_id: int | None
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    office = [i for i in it.coverage if i.data["start"] != "00:00" or i.data["end"] != "24:00"]
    office = [i for i in office if not i.data.get("scope")]
    if not office:
        return rows
    item = office[0]
    if item.data["days"] is None:
        rows.append(
            _row("calendar", None, None, item, "hours without days - not applied; state the days")
        )
        return rows
    spec = f"{item.data['days']} {item.data['start']}-{item.data['end']}"
    tz = _TZ.get(item.data.get("tz") or "", contract.timezone)
    name = f"{contract.reference} office hours" + (
        f" (document {document_id})" if document_id else ""
    )
    row = session.scalars(select(Calendar).where(Calendar.name == name)).first()
    if row is None:
        row = Calendar(name=name, spec=spec, timezone=tz)
        session.add(row)
    else:
        row.spec, row.timezone = spec, tz
    session.flush()
    old = contract.calendar_id
    contract.calendar_id = row.id
    rows.append(_row("calendar", old, {"spec": spec, "timezone": tz, "P1": "24x7"}, item))
    return rows


def _pricing(contract: Contract, it: ITTerms) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for item in it.fees:
        d = item.data
        target = {"hourly_rate": "hourly_rate", "blended_rate": "hourly_rate", "tm_rate": "hourly_rate",
                  "monthly_fee": "recurring_fee"}.get(d["kind"])  # fmt: skip
        if target is None or d["amount"] is None:
            rows.append(
                _row(
                    f"pricing.{d['kind']}",
                    None,
                    d["amount"] or d.get("percent"),
                    item,
                    "shown for review - not mapped to a price field",
                )
            )
            continue
        if d["currency"] and d["currency"] != contract.currency:
            rows.append(_row(f"pricing.{target}", getattr(contract, target), d["amount"], item,
                             f"amount in {d['currency']}, contract in {contract.currency} - not applied"))  # fmt: skip
            continue
        old = getattr(contract, target)
        setattr(contract, target, Decimal(str(d["amount"])))
        rows.append(_row(f"pricing.{target}", old, d["amount"], item))
    return rows


def _credits(
    session: Session,
    contract: Contract,
    it: ITTerms,
    effective_from: Any,
    document_id: int | None,
    actor: Actor,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for item in it.penalties:
        d = item.data
        if d["kind"] != "credit" or (d["percent"] is None and d["amount"] is None):
            rows.append(
                _row(
                    f"credit.{d['kind']}",
                    None,
                    None,
                    item,
                    "no credit figure - shown for review, not applied",
                )
            )
            continue
        kind, value = (
            ("percent_of_fee", d["percent"])
            if d["percent"] is not None
            else ("amount", d["amount"])
        )
        rule = ServiceCreditRule(
            contract_id=contract.id, name=item.snippet[:200], trigger="per_breach", metric=None, priority=None,
            credit_kind=kind, credit_value=Decimal(str(value)),
            cap_percent=Decimal(str(d["cap_percent"])) if d["cap_percent"] is not None else None,
            cap_amount=Decimal(str(d["cap_amount"])) if d["cap_amount"] is not None else None,
            effective_from=effective_from, source_document_id=document_id, source_text=item.snippet,
            created_by_id=actor.user_id,
        )  # fmt: skip
        session.add(rule)
        rows.append(
            _row(
                "credit",
                None,
                {
                    "kind": kind,
                    "value": value,
                    "cap_percent": d["cap_percent"],
                    "cap_amount": d["cap_amount"],
                },
                item,
            )
        )
    session.flush()
    return rows


def apply_it_terms(
    session: Session,
    contract: Contract,
    terms: Any,
    *,
    effective_from: Any,
    document_id: int | None,
    actor: Actor,
) -> list[dict[str, Any]]:
    """Write the IT terms onto `contract` from `effective_from` (as given, never clamped)."""
    it = _it_terms(terms)
    rows = _sla_policy(session, contract, it, effective_from)
    rows += _calendar(session, contract, it, document_id)
    rows += _pricing(contract, it)
    rows += _credits(session, contract, it, effective_from, document_id, actor)
    return rows


register(apply_it_terms, reads_pages=True)  # Apply gives the IT terms their live homes
