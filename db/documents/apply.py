"""Applying a document's accepted terms to its contract: nothing reaches a contract before this.

It goes through `db.contracts_repo.update_contract` (optimistic lock, audit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from contracts.schema import ContractInput
from db import audit
from db.contracts_repo import ConflictError, get_contract, set_services, update_contract
from db.documents.apply_homes import run_document_mappers
from db.documents.apply_sla import apply_sla_term, carry_forward_sla
from db.documents.review import set_document_contract
from db.documents.term_fields import SOURCE, ApplyResult, iso_date, map_terms
from db.documents.values import parse_correction
from db.models import Contract, ExtractedTerm, SlaPolicy

LIVE_STATES = ("accepted", "corrected", "auto_accepted")


class PartyMismatch(ValueError):
    """The document's parties are not the contract's client (refused unless overridden)."""


def document_parties(*, session: Session, document_id: int) -> list[str]:
    """Customer and non-provider party names extracted from the document (any review state)."""
    names: list[str] = []
    for fld, value in session.execute(
        select(ExtractedTerm.field, ExtractedTerm.normalized)
        .where(ExtractedTerm.document_id == document_id)
        .where(ExtractedTerm.field.in_(("customer", "parties")))
        .where(ExtractedTerm.review_state != "rejected")
    ):
        if fld == "customer" and value:
            names.append(str(value))
        elif fld == "parties" and isinstance(value, list):
            names += [
                str(p["name"])
                for p in value
                if isinstance(p, dict) and p.get("name") and p.get("role") != "provider"
            ]
    return names


def _check_parties(
    session: Session, actor: Actor, contract: Contract, document_id: int, override: str | None
) -> None:
    from rapidfuzz import fuzz

    from contracts.schema import client_name_key
    from db.documents.client_match import CLIENT_MATCH_SCORE

    names = document_parties(session=session, document_id=document_id)
    client = contract.client.name
    key = client_name_key(client)
    if not names or any(
        fuzz.token_set_ratio(client_name_key(n), key) >= CLIENT_MATCH_SCORE for n in names
    ):
        return
    if not (override or "").strip():
        raise PartyMismatch(
            f"The document's parties ({', '.join(dict.fromkeys(names))}) do not match the "
            f"contract's client {client}: nothing was applied. Pick the right contract, or "
            "override with a reason if the client trades under another name."
        )
    audit.record(
        session=session,
        actor=actor,
        entity="contract",
        entity_id=contract.id,
        action="apply_party_override",
        field=f"document {document_id}",
        old=", ".join(dict.fromkeys(names)),
        new=f"client {client}: {override.strip()}",
    )


def accepted_terms(*, session: Session, document_id: int) -> dict[str, Any]:
    """Normalized values of the document's live terms (accepted, corrected, auto-accepted)."""
    out: dict[str, Any] = {}
    for t in session.scalars(
        select(ExtractedTerm)
        .where(ExtractedTerm.document_id == document_id)
        .where(ExtractedTerm.review_state.in_(LIVE_STATES))
        .order_by(ExtractedTerm.id)
    ):
        out[t.field] = (
            parse_correction(t.field, t.corrected_value)
            if t.review_state == "corrected" and t.corrected_value
            else t.normalized
        )
    return out


CHANGE_DOCUMENTS = ("amendment", "renewal letter")  # they change a running contract


def document_kind(*, session: Session, document_id: int) -> str:
    """'amendment' when the document amends a running contract (its effective date is when
    the changes start, never the contract's start), else 'apply'."""
    from db.models import ContractDocument

    doc = session.get(ContractDocument, document_id)
    stated = session.scalars(
        select(ExtractedTerm.normalized)
        .where(ExtractedTerm.document_id == document_id)
        .where(ExtractedTerm.field == "document_type")
        .where(ExtractedTerm.review_state != "rejected")
    ).all()
    names = {str(v).strip().lower() for v in stated if v} | {
        (doc.doc_type or "").strip().lower() if doc is not None else ""
    }
    return "amendment" if names & set(CHANGE_DOCUMENTS) else "apply"


def apply_to_contract(
    *,
    session: Session,
    actor: Actor,
    document_id: int,
    contract_id: int,
    expected_version: int,
    today: date,
    effective_from: date | None = None,
    party_override: str | None = None,
    reason: str | None = None,
    page_terms: bool = True,
) -> ApplyResult:
    """Write the document's accepted terms onto the contract (one audited, locked update).

    Dates, renewal, notice, value, fees and rates go through `update_contract`; services
    replace the contract's lists; SLA targets become a new SLA policy version; coverage hours
    select the existing calendar with the same weekly hours. The change is recorded as an
    effective-dated contract version (db/contract_versions.py). Raises ValueError (nothing
    written: it all runs in one savepoint) when the result would not be a valid contract,
    or `InvoiceOverlap` when it would rewrite periods of issued invoices.

    The changes (and the SLA policy) are effective from ``effective_from`` (the reviewer's
    pick), else the document's effective date, else ``today``. An amendment (or renewal
    letter) changes only the terms it states: its effective date never moves the contract's
    start, and SLA priorities it does not name keep their targets.
    A document whose parties do not match the contract's client (fuzzy, see
    client_match.CLIENT_MATCH_SCORE) is refused with `PartyMismatch` unless
    ``party_override`` gives the reviewer's reason, which is audited.
    ``page_terms=False`` leaves out the terms the Apply mappers read from the pages (IT SLA
    matrices, rates, credits): they have no term rows, so only a person who saw them in the
    preview may put them live (auto-apply passes False).
    """
    require(actor, "review_terms")
    require(actor, "edit_contracts")
    with session.begin_nested():
        result, _effect, _when = _apply(
            session, actor, document_id, contract_id, expected_version, today,
            effective_from, party_override, reason, page_terms=page_terms,
        )  # fmt: skip
    return result


@dataclass
class ApplyPreview:
    """What Apply would change and what follows from it; nothing is written."""

    result: ApplyResult | None  # None when Apply would be refused
    refusal: str | None  # the reason it would be refused
    kind: str  # apply | amendment
    effective_from: date | None
    diff: pd.DataFrame  # field, current, proposed, page (source)
    periods: pd.DataFrame  # billing periods re-billed / left unbilled / dropped
    overlaps: list[str]  # issued invoices the change would rewrite
    sla: pd.DataFrame  # tickets x metric whose SLA target, due time or state changes
    contract_version: int | None  # the version the preview was computed on (pass to Apply)

    @property
    def sla_tickets(self) -> int:
        return int(self.sla["ticket"].nunique()) if not self.sla.empty else 0


def preview_apply(
    *,
    session: Session,
    actor: Actor,
    document_id: int,
    contract_id: int,
    expected_version: int,
    today: date,
    now: datetime,
    effective_from: date | None = None,
    party_override: str | None = None,
) -> ApplyPreview:
    """Run Apply in a savepoint, read what it changed and its consequences, roll it back.

    A refusal (party mismatch, stale review, invalid dates, issued-invoice overlap) comes
    back as ``refusal`` with the diff and consequences computed so far.
    """
    from db.documents.apply_consequences import sla_changes, sla_results

    require(actor, "review_terms")
    kind = document_kind(session=session, document_id=document_id)
    empty = ApplyPreview(None, None, kind, effective_from, _diff_frame([]), pd.DataFrame(),
                         [], pd.DataFrame(), None)  # fmt: skip
    nested = session.begin_nested()
    try:
        contract = get_contract(session=session, contract_id=contract_id)
        empty.contract_version = contract.version
        sla_before = sla_results(session, contract_id, now)
        try:
            result, effect, when = _apply(
                session, actor, document_id, contract_id, expected_version, today,
                effective_from, party_override, None, refuse=False,
            )  # fmt: skip
        except (ValueError, ConflictError) as exc:
            empty.refusal = str(exc)
            return empty
        sla_after = sla_results(session, contract_id, now)
        refusal = None
        if effect.overlaps:
            from db.documents.apply_consequences import InvoiceOverlap, refuse_overlap

            try:
                refuse_overlap(effect)
            except InvoiceOverlap as exc:
                refusal = str(exc)
        return ApplyPreview(
            result=None if refusal else result,
            refusal=refusal,
            kind=kind,
            effective_from=when,
            diff=_diff_frame(result.diff),
            periods=effect.periods,
            overlaps=effect.overlaps,
            sla=sla_changes(sla_before, sla_after),
            contract_version=empty.contract_version,
        )
    finally:
        nested.rollback()
        session.expire_all()


def _diff_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["field", "current", "proposed", "page", "note"])


def _apply(
    session: Session,
    actor: Actor,
    document_id: int,
    contract_id: int,
    expected_version: int,
    today: date,
    effective_from: date | None,
    party_override: str | None,
    reason: str | None,
    *,
    refuse: bool = True,
    page_terms: bool = True,
):
    from pydantic import ValidationError

    from contracts.schema import friendly_errors
    from db.contract_versions import record_version, snapshot, versions_of
    from db.documents.apply_consequences import billing_effect, refuse_overlap

    contract = get_contract(session=session, contract_id=contract_id)
    if contract.version != expected_version:
        raise ConflictError(
            f"{contract.reference} was changed by someone else after you opened the review "
            f"(version {contract.version}, yours {expected_version}); nothing was applied: "
            "reload the review and apply again."
        )
    _check_parties(session, actor, contract, document_id, party_override)
    terms = accepted_terms(session=session, document_id=document_id)
    result = ApplyResult(contract_id=contract_id)
    if not terms:
        raise ValueError("No accepted terms to apply: accept or correct some terms first.")
    kind = document_kind(session=session, document_id=document_id)
    when = effective_from or iso_date(terms.get("effective_date")) or today
    before = snapshot(contract)
    before_versions = versions_of(session, [contract_id]).get(contract_id, [])
    before_policies = set(
        session.scalars(select(SlaPolicy.id).where(SlaPolicy.contract_id == contract_id))
    )
    pages = _term_pages(session, document_id)
    current = {name: getattr(contract, name) for name in ContractInput.model_fields}
    data = dict(current)
    map_terms(session, contract, terms, data, result, amendment=kind == "amendment")
    try:
        new = ContractInput(**data)
    except ValidationError as exc:
        raise ValueError(
            "The accepted terms would make an invalid contract: " + "; ".join(friendly_errors(exc))
        ) from exc
    for name, value in new.model_dump().items():
        if current[name] != value:
            result.applied.append(f"{name.replace('_', ' ')}: {current[name]} → {value}")
            result.diff.append(_drow(name, current[name], value, pages.get(SOURCE.get(name))))
    update_contract(
        session=session,
        actor=actor,
        contract_id=contract_id,
        expected_version=expected_version,
        data=new,
    )
    for kind_ in ("included", "excluded"):
        names = terms.get(f"{kind_}_services")
        if isinstance(names, list) and names:
            set_services(
                session=session,
                actor=actor,
                contract_id=contract_id,
                kind=kind_,
                names=[str(n) for n in names],
            )
            result.applied.append(f"{kind_} services: {len(names)}")
    targets = terms.get("sla_targets")
    if isinstance(targets, dict) and targets:
        apply_sla_term(session, actor, contract, targets, when, result)
    rows = run_document_mappers(
        session, contract, terms, effective_from=when, document_id=document_id, actor=actor,
        page_terms=page_terms,
    )  # fmt: skip
    result.rows.extend(rows)
    result.applied += [f"{r.get('field')}: {r.get('old')} → {r.get('new')}" for r in rows]
    result.diff += [
        _drow(str(r.get("field")), r.get("old"), r.get("new"), r.get("page"), r.get("note"))
        for r in rows
    ]
    sla_change = carry_forward_sla(session, contract, before_policies)
    # The version is written before the overlap check so the check reads the new rates.
    why = (reason or "").strip() or f"{kind} of document {document_id}"
    record_version(
        session=session, actor=actor, contract=contract, before=before, effective_from=when,
        kind=kind, document_id=document_id, reason=why, extra=sla_change,
    )  # fmt: skip
    effect = billing_effect(
        session=session, contract=contract, before=before, before_versions=before_versions,
        today=today,
    )  # fmt: skip
    if refuse:
        refuse_overlap(effect)
    set_document_contract(
        session=session, actor=actor, document_id=document_id, contract_id=contract_id
    )
    audit.record(
        session=session,
        actor=actor,
        entity="contract",
        entity_id=contract_id,
        action="apply_terms",
        field=f"document {document_id} from {when.isoformat()}",
        old=f"why: {why}",
        new="; ".join(result.applied) or "no change",
    )
    return result, effect, when


def _term_pages(session: Session, document_id: int) -> dict[str, int | None]:
    return dict(
        session.execute(
            select(ExtractedTerm.field, ExtractedTerm.page)
            .where(ExtractedTerm.document_id == document_id)
            .where(ExtractedTerm.review_state.in_(LIVE_STATES))
        ).all()
    )


def _drow(name: str, old: Any, new: Any, page: Any, note: Any = None) -> dict[str, Any]:
    def text(v: Any) -> str:
        return "—" if v is None else str(v)

    return {"field": name.replace("_", " "), "current": text(old), "proposed": text(new),
            "page": page, "note": note}  # fmt: skip
