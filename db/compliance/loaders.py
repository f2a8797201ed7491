"""Rows to the pure ``compliance`` dataclasses: requirements, holdings, assignments.

How rows map (read this before changing a loader):

- **Expiry dates.** People type the date printed on a certificate or policy: the *last day*
  it is valid (``expires_on``). ``compliance`` counts an expiry as the *first day* a holding
  no longer counts, so the loaders pass ``expires_on + 1 day``. A credential with
  ``expires_on = 2026-12-31`` covers New Year's Eve and leaves a gap from 2027-01-01.
- **Requirements** apply for the contract's own dates (``start_date`` .. the last day in
  force, ``in_force_until`` from contracts/term.py, never the initial term's ``end_date``;
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

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

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
)
from db.compliance.common import _clause_details, first_day_not_valid
from db.models import (
    Client,
    CompanyHolding,
    ComplianceRequirement,
    Contract,
    Technician,
    TechnicianAssignment,
)
from db.models import TechnicianCredential as CredentialRow


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def load_requirements(*, session: Session) -> list[ContractRequirements]:
    """Every live contract that has requirements, as ``ContractRequirements``."""
    rows = session.execute(
        select(ComplianceRequirement, Contract.start_date, Contract.in_force_until, Client.name)
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
            Contract.in_force_until,
        )
        .join(Contract, Contract.client_id == TechnicianAssignment.client_id)
        .join(Technician, Technician.id == TechnicianAssignment.technician_id)
        .where(Contract.deleted_at.is_(None), Technician.active)
        .order_by(TechnicianAssignment.technician_id, Contract.id)
    ).all()
    return [Assignment(t, c, starts, ends, onsite=True) for t, c, starts, ends in rows]
