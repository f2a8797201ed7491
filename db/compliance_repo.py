"""Compliance in the store: requirements, holdings, credentials, assignments, gaps and alerts.

Loaders turn rows into the pure ``compliance`` dataclasses; everything else is keyword-only,
checks the actor first and audits what it changes.

How rows map (read this before changing a loader):

- **Expiry dates.** People type the date printed on a certificate or policy: the *last day*
  it is valid (``expires_on``). ``compliance`` counts an expiry as the *first day* a holding
  no longer counts, so the loaders pass ``expires_on + 1 day``. A credential with
  ``expires_on = 2026-12-31`` covers New Year's Eve and leaves a gap from 2027-01-01.
- **Requirements** apply for the contract's own dates (``start_date`` .. ``end_date``,
  inclusive). Kinds: ``insurance`` (name = insurance type, ``minimum_cover`` + ``currency``),
  ``certification`` (provider certification), ``credential`` (technician credential,
  ``applies_to`` onsite/all) and ``security_clause``. A clause's ``details`` holds a small
  JSON object ``{"description", "evidence", "attested_on", "review_due"}`` (plain text is read
  as the description): the model has no columns for evidence or attestations, and a clause
  is per contract, so its attestation lives on the same row.
- **Assignments** are per client in the store; they become one ``Assignment`` per live
  contract of that client, on site, for the contract's dates.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from compliance import report as risk_export
from compliance.assignment import check_assignment
from compliance.gaps import Gap, gaps
from compliance.requirements import (
    Assignment,
    ClauseAttestation,
    CompanyCertification,
    ContractRequirements,
    HeldCredential,
    Holdings,
    InsurancePolicy,
    InsuranceRequirement,
    ProviderCertification,
    SecurityClause,
    TechnicianCredential,
    default_registry,
)
from compliance.risk import gaps_frame, risk_by_contract, risk_by_technician
from db import audit
from db.models import (
    Client,
    CompanyHolding,
    ComplianceRequirement,
    Contract,
    Technician,
    TechnicianAssignment,
    User,
)
from db.models import TechnicianCredential as CredentialRow
from db.outbox import enqueue
from notify.render import render

KINDS = ("insurance", "certification", "security_clause", "credential")
HOLDING_KINDS = ("insurance", "certification")
MAX_PDF_BYTES = 5 * 1024 * 1024
EXPIRING_DAYS = 60
ALERT_RULE = "compliance_gap_alert"
_ONE_DAY = timedelta(days=1)


def first_day_not_valid(expires_on: date | None) -> date | None:
    """The stored last valid day as ``compliance`` reads expiry: the first day it lapses."""
    return None if expires_on is None else expires_on + _ONE_DAY


# --- loaders ------------------------------------------------------------------------------


def _clause_details(text: str | None) -> dict:
    if text and text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return {"description": text}
        return data if isinstance(data, dict) else {"description": text}
    return {"description": text or ""}


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def load_requirements(*, session: Session) -> list[ContractRequirements]:
    """Every live contract that has requirements, as ``ContractRequirements``."""
    rows = session.execute(
        select(ComplianceRequirement, Contract.start_date, Contract.end_date, Client.name)
        .join(Contract, Contract.id == ComplianceRequirement.contract_id)
        .join(Client, Client.id == Contract.client_id)
        .where(ComplianceRequirement.deleted_at.is_(None), Contract.deleted_at.is_(None))
        .order_by(ComplianceRequirement.contract_id, ComplianceRequirement.id)
    ).all()
    grouped: dict[int, dict] = {}
    for req, starts, ends, client in rows:
        g = grouped.setdefault(
            req.contract_id,
            {
                "starts": starts,
                "ends": ends,
                "client": client,
                "insurance": [],
                "certifications": [],
                "clauses": [],
                "credentials": [],
            },
        )
        if req.kind == "insurance":
            g["insurance"].append(
                InsuranceRequirement(
                    req.name, req.minimum_cover or Decimal("0"), req.currency or "GBP"
                )
            )
        elif req.kind == "certification":
            g["certifications"].append(ProviderCertification(req.name))
        elif req.kind == "security_clause":
            d = _clause_details(req.details)
            g["clauses"].append(
                SecurityClause(req.name, d.get("description") or "", d.get("evidence") or None)
            )
        elif req.kind == "credential":
            applies = req.applies_to if req.applies_to in ("onsite", "all") else "onsite"
            g["credentials"].append(TechnicianCredential(req.name, applies))
    return [ContractRequirements(contract_id=cid, **g) for cid, g in grouped.items()]


def load_holdings(*, session: Session) -> Holdings:
    """Company policies and certifications, technician credentials and clause attestations."""
    policies, certs = [], []
    for h in session.scalars(select(CompanyHolding).order_by(CompanyHolding.id)):
        expiry = first_day_not_valid(h.expires_on)
        if h.kind == "insurance":
            policies.append(
                InsurancePolicy(h.name, h.cover_amount or Decimal("0"), expiry, h.currency or "GBP")
            )
        elif h.kind == "certification":
            certs.append(CompanyCertification(h.name, expiry))
    creds = [
        HeldCredential(c.technician_id, c.name, c.issued_on, first_day_not_valid(c.expires_on))
        for c in session.scalars(
            select(CredentialRow)
            .where(CredentialRow.deleted_at.is_(None))
            .order_by(CredentialRow.id)
        )
    ]
    attestations = []
    for req in session.scalars(
        select(ComplianceRequirement).where(
            ComplianceRequirement.kind == "security_clause",
            ComplianceRequirement.deleted_at.is_(None),
        )
    ):
        d = _clause_details(req.details)
        attested = _day(d.get("attested_on"))
        if attested is not None:
            review = first_day_not_valid(_day(d.get("review_due")))
            attestations.append(ClauseAttestation(req.contract_id, req.name, attested, review))
    return Holdings(tuple(policies), tuple(certs), tuple(creds), tuple(attestations))


def load_assignments(*, session: Session) -> list[Assignment]:
    """Client assignments of active technicians, one per live contract of that client."""
    rows = session.execute(
        select(
            TechnicianAssignment.technician_id,
            Contract.id,
            Contract.start_date,
            Contract.end_date,
        )
        .join(Contract, Contract.client_id == TechnicianAssignment.client_id)
        .join(Technician, Technician.id == TechnicianAssignment.technician_id)
        .where(Contract.deleted_at.is_(None), Technician.active)
        .order_by(TechnicianAssignment.technician_id, Contract.id)
    ).all()
    return [Assignment(t, c, starts, ends, onsite=True) for t, c, starts, ends in rows]


# --- gaps and the risk report -------------------------------------------------------------


@dataclass(frozen=True)
class GapReport:
    """Gaps on a date with readable names, and the risk tables per contract and technician."""

    on: date
    horizon_days: int
    gaps: tuple[Gap, ...]
    table: pd.DataFrame
    by_contract: pd.DataFrame
    by_technician: pd.DataFrame


def _names(session: Session) -> tuple[dict[int, tuple[str, str]], dict[int, str]]:
    contracts = {
        cid: (ref, client)
        for cid, ref, client in session.execute(
            select(Contract.id, Contract.reference, Client.name).join(
                Client, Client.id == Contract.client_id
            )
        )
    }
    techs = dict(session.execute(select(Technician.id, Technician.name)).all())
    return contracts, techs


def _find(session: Session, on: date, horizon_days: int) -> list[Gap]:
    if not 0 <= horizon_days <= 730:
        raise ValueError("The horizon must be between 0 and 730 days.")
    return gaps(
        load_requirements(session=session),
        load_holdings(session=session),
        load_assignments(session=session),
        on,
        horizon_days,
    )


def gap_report(*, session: Session, actor: Actor, on: date, horizon_days: int = 60) -> GapReport:
    """Requirements unmet on ``on`` or within ``horizon_days``, worst first, with names."""
    require(actor, "work_compliance")
    found = _find(session, on, horizon_days)
    contracts, techs = _names(session)

    def ref(cid: object) -> str:
        return contracts.get(cid, (str(cid), ""))[0]

    def client(cid: object) -> str:
        return contracts.get(cid, ("", ""))[1]

    def tech(tid: object) -> str:
        return "" if tid is None or pd.isna(tid) else techs.get(int(tid), str(tid))

    table = gaps_frame(found)
    table["technician_id"] = table["technician_id"].astype("Int64")
    table.insert(1, "contract", table["contract_id"].map(ref))
    table.insert(2, "client", table["contract_id"].map(client))
    table.insert(4, "technician", table["technician_id"].map(tech))
    by_contract = risk_by_contract(found)
    by_contract.insert(1, "contract", by_contract["contract_id"].map(ref))
    by_contract.insert(2, "client", by_contract["contract_id"].map(client))
    by_tech = risk_by_technician(found)
    by_tech.insert(1, "technician", by_tech["technician_id"].map(tech))
    return GapReport(on, horizon_days, tuple(found), table, by_contract, by_tech)


def _named(report: GapReport) -> list[Gap]:
    """Gaps with contract references and technician names instead of ids, for exports."""
    refs = dict(zip(report.table["contract_id"], report.table["contract"], strict=True))
    names = dict(zip(report.table["technician_id"], report.table["technician"], strict=True))
    return [
        Gap(
            refs.get(g.contract_id, g.contract_id),
            names.get(g.technician_id) if g.technician_id is not None else None,
            g.requirement,
            g.kind,
            g.severity,
            g.starts,
            g.reason,
            g.key,
            g.days_until,
        )
        for g in report.gaps
    ]


def report_csv(report: GapReport) -> bytes:
    """Every gap with contract, client and technician names (formula-safe CSV)."""
    return risk_export.frame_csv(report.table)


def report_pdf(report: GapReport, *, company: str = "") -> bytes:
    """The risk report as a PDF (summary tables, then the gaps, worst first)."""
    return risk_export.risk_pdf(_named(report), on=report.on, company=company)


# --- alerts -------------------------------------------------------------------------------


def _recipients(session: Session, contract_ids: set[object]) -> dict[object, list[str]]:
    """The contract's (or client's) account manager; admins when there is none."""
    admins = list(
        session.scalars(
            select(User.email).where(User.role == "admin", User.active, User.email.is_not(None))
        )
    )
    out: dict[object, list[str]] = {}
    rows = session.execute(
        select(Contract.id, Contract.account_manager_id, Client.account_manager_id)
        .join(Client, Client.id == Contract.client_id)
        .where(Contract.id.in_([c for c in contract_ids if isinstance(c, int)]))
    ).all()
    emails = dict(
        session.execute(
            select(User.id, User.email).where(User.active, User.email.is_not(None))
        ).all()
    )
    for cid, own, client_manager in rows:
        manager = emails.get(own) or emails.get(client_manager)
        out[cid] = [manager] if manager else admins
    return out


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
    recipients = _recipients(session, {g.contract_id for g in real})
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


# --- requirements editor ------------------------------------------------------------------


def contract_choices(*, session: Session, actor: Actor) -> dict[int, str]:
    """Live contracts as 'C-0001 · Client' for pickers."""
    require(actor, "work_compliance")
    rows = session.execute(
        select(Contract.id, Contract.reference, Client.name)
        .join(Client, Client.id == Contract.client_id)
        .where(Contract.deleted_at.is_(None))
        .order_by(Contract.reference)
    ).all()
    return {cid: f"{ref} · {client}" for cid, ref, client in rows}


def _registry_note(kind: str, name: str) -> str:
    reg_kind = {"credential": "credential", "insurance": "insurance"}.get(kind, "certification")
    reg = default_registry()
    if kind == "security_clause":
        return ""
    if reg.canonical(reg_kind, name) is None:  # type: ignore[arg-type]
        return reg.unknown_message(reg_kind, name)  # type: ignore[arg-type]
    return ""


def requirements_frame(*, session: Session, actor: Actor, contract_id: int) -> pd.DataFrame:
    """The contract's live requirements, with a note for names the registry does not know."""
    require(actor, "work_compliance")
    rows = []
    for r in session.scalars(
        select(ComplianceRequirement)
        .where(
            ComplianceRequirement.contract_id == contract_id,
            ComplianceRequirement.deleted_at.is_(None),
        )
        .order_by(ComplianceRequirement.kind, ComplianceRequirement.id)
    ):
        d = _clause_details(r.details) if r.kind == "security_clause" else {}
        note = _registry_note(r.kind, r.name)
        if r.kind == "security_clause" and d.get("evidence"):
            note = _registry_note("certification", d["evidence"])
        rows.append(
            {
                "id": r.id,
                "kind": r.kind,
                "name": r.name,
                "minimum_cover": r.minimum_cover,
                "currency": r.currency,
                "applies_to": r.applies_to if r.kind == "credential" else "",
                "evidence": d.get("evidence") or "",
                "attested": d.get("attested_on") or "",
                "review_due": d.get("review_due") or "",
                "details": d.get("description", "") if d else (r.details or ""),
                "problem": note,
            }
        )
    cols = [
        "id",
        "kind",
        "name",
        "minimum_cover",
        "currency",
        "applies_to",
        "evidence",
        "attested",
        "review_due",
        "details",
        "problem",
    ]
    return pd.DataFrame(rows, columns=cols)


def _clean(text: str | None, what: str, limit: int = 120) -> str:
    value = " ".join((text or "").split())
    if not value:
        raise ValueError(f"{what} is required.")
    if len(value) > limit:
        raise ValueError(f"{what} must be at most {limit} characters.")
    return value


def _money(value: object, what: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{what} must be a number, e.g. 2000000.") from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"{what} must be more than zero.")
    return amount.quantize(Decimal("0.01"))


def _currency(value: str | None) -> str:
    code = (value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError("Currency must be a three-letter code such as GBP, EUR or USD.")
    return code


def add_requirement(
    *,
    session: Session,
    actor: Actor,
    contract_id: int,
    kind: str,
    name: str,
    minimum_cover: object = None,
    currency: str | None = None,
    applies_to: str = "onsite",
    description: str = "",
    evidence: str | None = None,
) -> tuple[ComplianceRequirement, list[str]]:
    """Add a requirement to a contract; returns it with warnings (e.g. an unknown name).

    An unknown name is kept (contracts name things the registry has not heard of yet), but
    flagged here and reported as a critical gap until the name is fixed or registered.
    """
    require(actor, "work_compliance")
    if kind not in KINDS:
        raise ValueError(f"Kind must be one of {', '.join(KINDS)}.")
    contract = session.get(Contract, contract_id)
    if contract is None or contract.deleted_at is not None:
        raise ValueError("That contract does not exist.")
    clean = _clean(name, "Name")
    row = ComplianceRequirement(contract_id=contract_id, kind=kind, name=clean)
    if kind == "insurance":
        row.minimum_cover = _money(minimum_cover, "Minimum cover")
        row.currency = _currency(currency)
    if kind == "credential":
        if applies_to not in ("onsite", "all"):
            raise ValueError("Applies to must be 'onsite' or 'all'.")
        row.applies_to = applies_to
    if kind == "security_clause":
        ev = " ".join((evidence or "").split()) or None
        row.details = json.dumps({"description": " ".join(description.split()), "evidence": ev})
    elif description.strip():
        row.details = description.strip()
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="compliance_requirement",
        entity_id=row.id,
        action="create",
        field=kind,
        new=clean,
    )
    warnings = []
    note = _registry_note(kind, clean)
    if kind == "security_clause" and evidence:
        note = _registry_note("certification", evidence)
    if note:
        warnings.append(note)
    return row, warnings


def attest_clause(
    *,
    session: Session,
    actor: Actor,
    requirement_id: int,
    attested_on: date,
    review_due: date | None,
) -> None:
    """Record that a security clause is met for its contract, until ``review_due`` (last day)."""
    require(actor, "work_compliance")
    row = session.get(ComplianceRequirement, requirement_id)
    if row is None or row.deleted_at is not None or row.kind != "security_clause":
        raise ValueError("Pick a security clause to attest.")
    if review_due is not None and review_due < attested_on:
        raise ValueError("The review date must not be before the attestation date.")
    d = _clause_details(row.details)
    old = row.details
    d.update(
        attested_on=attested_on.isoformat(),
        review_due=review_due.isoformat() if review_due else None,
    )
    row.details = json.dumps(d)
    audit.record(
        session=session,
        actor=actor,
        entity="compliance_requirement",
        entity_id=row.id,
        action="update",
        field="details",
        old=old,
        new=row.details,
    )


def remove_requirement(*, session: Session, actor: Actor, requirement_id: int) -> None:
    """Soft-delete a requirement (admins only): it stops counting, the row stays for audit."""
    require(actor, "delete")
    row = session.get(ComplianceRequirement, requirement_id)
    if row is None or row.deleted_at is not None:
        raise ValueError("That requirement does not exist.")
    row.deleted_at = datetime.now(UTC)
    audit.record(
        session=session,
        actor=actor,
        entity="compliance_requirement",
        entity_id=row.id,
        action="delete",
        field=row.kind,
        old=row.name,
    )


# --- company holdings ---------------------------------------------------------------------


def status_on(expires_on: date | None, on: date, issued_on: date | None = None) -> str:
    """'valid', 'expiring in N days', 'expired', 'not yet valid' or 'no expiry recorded'."""
    if issued_on is not None and issued_on > on:
        return "not yet valid"
    if expires_on is None:
        return "no expiry recorded"
    if expires_on < on:
        return "expired"
    left = (expires_on - on).days
    return f"expiring in {left} days" if left < EXPIRING_DAYS else "valid"


def holdings_frame(*, session: Session, actor: Actor, on: date) -> pd.DataFrame:
    """Insurance policies and certifications the company holds, with their status on ``on``."""
    require(actor, "work_compliance")
    rows = [
        {
            "id": h.id,
            "kind": h.kind,
            "name": h.name,
            "cover": h.cover_amount,
            "currency": h.currency,
            "last_valid_day": h.expires_on,
            "status": status_on(h.expires_on, on),
            "document": h.filename or "",
            "problem": _registry_note(h.kind, h.name),
        }
        for h in session.scalars(
            select(CompanyHolding).order_by(CompanyHolding.kind, CompanyHolding.name)
        )
    ]
    cols = [
        "id",
        "kind",
        "name",
        "cover",
        "currency",
        "last_valid_day",
        "status",
        "document",
        "problem",
    ]
    return pd.DataFrame(rows, columns=cols)


def check_pdf(filename: str | None, data: bytes | None) -> None:
    """Refuse anything but a real PDF under the size limit (nothing is stored on refusal)."""
    if data is None:
        return
    if len(data) > MAX_PDF_BYTES:
        raise ValueError(
            f"{filename or 'The file'} is {len(data) / 1_048_576:.1f} MB; "
            f"the limit is {MAX_PDF_BYTES // 1_048_576} MB."
        )
    if not data.startswith(b"%PDF-"):
        raise ValueError(f"{filename or 'The file'} is not a PDF (it does not start with %PDF-).")


def add_holding(
    *,
    session: Session,
    actor: Actor,
    kind: str,
    name: str,
    expires_on: date | None,
    cover_amount: object = None,
    currency: str | None = None,
    filename: str | None = None,
    document: bytes | None = None,
) -> tuple[CompanyHolding, list[str]]:
    """Record a policy or certification (a renewal is a new row; the old one keeps history)."""
    require(actor, "work_compliance")
    if kind not in HOLDING_KINDS:
        raise ValueError("Kind must be insurance or certification.")
    clean = _clean(name, "Name")
    check_pdf(filename, document)
    row = CompanyHolding(
        kind=kind,
        name=clean,
        expires_on=expires_on,
        filename=filename if document else None,
        document=document,
    )
    if kind == "insurance":
        row.cover_amount = _money(cover_amount, "Cover")
        row.currency = _currency(currency)
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="company_holding",
        entity_id=row.id,
        action="create",
        field=kind,
        new=f"{clean} until {expires_on}",
    )
    warnings = [w for w in [_registry_note(kind, clean)] if w]
    if expires_on is None:
        warnings.append(f"{clean} has no expiry date: it counts as valid, flagged as an advisory.")
    return row, warnings


# --- technicians and credentials ----------------------------------------------------------


def technician_choices(*, session: Session, actor: Actor) -> dict[int, str]:
    require(actor, "work_compliance")
    rows = session.execute(
        select(Technician.id, Technician.name, Technician.active).order_by(Technician.name)
    ).all()
    return {tid: name + ("" if active else " (inactive)") for tid, name, active in rows}


def credentials_frame(
    *, session: Session, actor: Actor, on: date, technician_id: int | None = None
) -> pd.DataFrame:
    """Credentials (one technician, or all) with their status on ``on``, soonest expiry first."""
    require(actor, "work_compliance")
    q = (
        select(CredentialRow, Technician.name)
        .join(Technician, Technician.id == CredentialRow.technician_id)
        .where(CredentialRow.deleted_at.is_(None))
    )
    if technician_id is not None:
        q = q.where(CredentialRow.technician_id == technician_id)
    rows = [
        {
            "id": c.id,
            "technician_id": c.technician_id,
            "technician": tech,
            "credential": c.name,
            "issued": c.issued_on,
            "last_valid_day": c.expires_on,
            "status": status_on(c.expires_on, on, c.issued_on),
            "days_left": None if c.expires_on is None else (c.expires_on - on).days,
            "certificate": c.filename or "",
            "problem": _registry_note("credential", c.name),
        }
        for c, tech in session.execute(q)
    ]
    cols = [
        "id",
        "technician_id",
        "technician",
        "credential",
        "issued",
        "last_valid_day",
        "status",
        "days_left",
        "certificate",
        "problem",
    ]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(
        ["days_left", "technician", "credential"], na_position="last", kind="stable"
    ).reset_index(drop=True)


def add_credential(
    *,
    session: Session,
    actor: Actor,
    technician_id: int,
    name: str,
    issued_on: date | None,
    expires_on: date | None,
    filename: str | None = None,
    document: bytes | None = None,
) -> tuple[CredentialRow, list[str]]:
    """Add (or renew: add the new one) a technician's credential; returns it with warnings."""
    require(actor, "work_compliance")
    if session.get(Technician, technician_id) is None:
        raise ValueError("That technician does not exist.")
    clean = _clean(name, "Credential name")
    if issued_on and expires_on and expires_on < issued_on:
        raise ValueError("The expiry date must not be before the issue date.")
    check_pdf(filename, document)
    row = CredentialRow(
        technician_id=technician_id,
        name=clean,
        issued_on=issued_on,
        expires_on=expires_on,
        filename=filename if document else None,
        document=document,
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="technician_credential",
        entity_id=row.id,
        action="create",
        field=clean,
        new=expires_on,
    )
    warnings = [w for w in [_registry_note("credential", clean)] if w]
    if expires_on is None:
        warnings.append(
            f"{clean} has no expiry date: it counts as valid but is flagged on the compliance "
            "page until someone records when it runs out."
        )
    return row, warnings


def attach_certificate(
    *, session: Session, actor: Actor, credential_id: int, filename: str, document: bytes
) -> None:
    """Store a certificate PDF on an existing credential."""
    require(actor, "work_compliance")
    row = session.get(CredentialRow, credential_id)
    if row is None or row.deleted_at is not None:
        raise ValueError("That credential does not exist.")
    check_pdf(filename, document)
    old = row.filename
    row.filename, row.document = filename, document
    audit.record(
        session=session,
        actor=actor,
        entity="technician_credential",
        entity_id=row.id,
        action="update",
        field="document",
        old=old,
        new=filename,
    )


def credential_document(*, session: Session, actor: Actor, credential_id: int) -> tuple[str, bytes]:
    """The stored certificate PDF of a credential."""
    require(actor, "work_compliance")
    row = session.get(CredentialRow, credential_id)
    if row is None or row.document is None:
        raise ValueError("No certificate is stored for that credential.")
    return row.filename or f"credential-{row.id}.pdf", row.document


# --- assignments --------------------------------------------------------------------------


def client_choices(*, session: Session, actor: Actor) -> dict[int, str]:
    require(actor, "work_compliance")
    rows = session.execute(
        select(Client.id, Client.name).where(Client.deleted_at.is_(None)).order_by(Client.name)
    ).all()
    return dict(rows)


@dataclass(frozen=True)
class _Context:
    """What assignment checks need, loaded once for many technician/client pairs."""

    requirements: dict[int, ContractRequirements]
    held: dict[int, list[HeldCredential]]
    live: dict[int, list[int]]  # client -> contracts in force on the day
    refs: dict[int, str]


def _context(session: Session, on: date) -> _Context:
    held: dict[int, list[HeldCredential]] = {}
    for c in session.scalars(select(CredentialRow).where(CredentialRow.deleted_at.is_(None))):
        held.setdefault(c.technician_id, []).append(
            HeldCredential(c.technician_id, c.name, c.issued_on, first_day_not_valid(c.expires_on))
        )
    live: dict[int, list[int]] = {}
    refs: dict[int, str] = {}
    for cid, client_id, ref in session.execute(
        select(Contract.id, Contract.client_id, Contract.reference).where(
            Contract.deleted_at.is_(None),
            Contract.start_date <= on,
            (Contract.end_date.is_(None)) | (Contract.end_date >= on),
        )
    ):
        live.setdefault(client_id, []).append(cid)
        refs[cid] = ref
    reqs = {int(r.contract_id): r for r in load_requirements(session=session)}
    return _Context(reqs, held, live, refs)


def _missing(ctx: _Context, technician_id: int, client_id: int, on: date) -> list[str]:
    findings = []
    for cid in ctx.live.get(client_id, []):
        req = ctx.requirements.get(cid)
        if req is None:
            continue
        for m in check_assignment(ctx.held.get(technician_id, []), req, on, onsite=True):
            findings.append(f"{ctx.refs[cid]}: {m.name} ({m.reason})")
    return findings


def check_technician(
    *, session: Session, actor: Actor, technician_id: int, client_id: int, on: date
) -> list[str]:
    """What the technician lacks for the client's contracts in force on ``on`` (empty: fine)."""
    require(actor, "work_compliance")
    return _missing(_context(session, on), technician_id, client_id, on)


def assignments_frame(
    *, session: Session, actor: Actor, on: date, technician_id: int | None = None
) -> pd.DataFrame:
    """Who is assigned to which client, with any credential they lack there on ``on``."""
    require(actor, "work_compliance")
    q = (
        select(TechnicianAssignment, Technician.name, Client.name)
        .join(Technician, Technician.id == TechnicianAssignment.technician_id)
        .join(Client, Client.id == TechnicianAssignment.client_id)
        .order_by(Technician.name, Client.name)
    )
    if technician_id is not None:
        q = q.where(TechnicianAssignment.technician_id == technician_id)
    ctx = _context(session, on)
    rows = [
        {
            "technician_id": a.technician_id,
            "technician": tech,
            "client_id": a.client_id,
            "client": client,
            "missing": "; ".join(_missing(ctx, a.technician_id, a.client_id, on)) or "ok",
        }
        for a, tech, client in session.execute(q).all()
    ]
    cols = ["technician_id", "technician", "client_id", "client", "missing"]
    return pd.DataFrame(rows, columns=cols)


def assign_technician(
    *, session: Session, actor: Actor, technician_id: int, client_id: int, on: date
) -> list[str]:
    """Assign a technician to a client; returns what they lack there (flagged, not refused)."""
    require(actor, "work_compliance")
    if session.get(Technician, technician_id) is None:
        raise ValueError("That technician does not exist.")
    if session.get(Client, client_id) is None:
        raise ValueError("That client does not exist.")
    exists = session.scalar(
        select(TechnicianAssignment.id).where(
            TechnicianAssignment.technician_id == technician_id,
            TechnicianAssignment.client_id == client_id,
        )
    )
    if exists is not None:
        raise ValueError("That technician is already assigned to this client.")
    row = TechnicianAssignment(technician_id=technician_id, client_id=client_id)
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="technician_assignment",
        entity_id=row.id,
        action="create",
        field="client_id",
        new=client_id,
    )
    return check_technician(
        session=session, actor=actor, technician_id=technician_id, client_id=client_id, on=on
    )


def unassign_technician(*, session: Session, actor: Actor, technician_id: int, client_id: int):
    """Take a technician off a client (they no longer see it in the field view)."""
    require(actor, "work_compliance")
    row = session.scalar(
        select(TechnicianAssignment).where(
            TechnicianAssignment.technician_id == technician_id,
            TechnicianAssignment.client_id == client_id,
        )
    )
    if row is None:
        raise ValueError("That technician is not assigned to this client.")
    audit.record(
        session=session,
        actor=actor,
        entity="technician_assignment",
        entity_id=row.id,
        action="delete",
        field="client_id",
        old=client_id,
    )
    session.delete(row)
