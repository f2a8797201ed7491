"""Loaders map store rows to the pure compliance dataclasses (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from compliance.requirements import (
    Assignment,
    ClauseAttestation,
    CompanyCertification,
    HeldCredential,
    InsurancePolicy,
    InsuranceRequirement,
    SecurityClause,
    TechnicianCredential,
)
from db.compliance.loaders import load_assignments, load_holdings, load_requirements
from db.models import CompanyHolding, ComplianceRequirement, Technician, TechnicianAssignment
from tests.compliance_integration.conftest import credential


def test_requirements_carry_contract_dates_client_and_typed_values(session, world):
    contract = world["contract"]
    session.add_all(
        [
            ComplianceRequirement(
                contract_id=contract.id,
                kind="security_clause",
                name="Data handling",
                details=json.dumps({"description": "UK only", "evidence": "ISO 27001"}),
            ),
            ComplianceRequirement(
                contract_id=contract.id,
                kind="certification",
                name="Old cert",
                deleted_at=datetime.now(UTC),
            ),
        ]
    )
    session.flush()
    (req,) = load_requirements(session=session)
    assert (req.contract_id, req.starts, req.ends, req.client) == (
        contract.id,
        date(2026, 1, 1),
        date(2027, 12, 31),
        "Acme Dental",
    )
    assert req.insurance == (
        InsuranceRequirement("Professional indemnity", Decimal("1000000.00"), "GBP"),
    )
    assert isinstance(req.insurance[0].minimum_cover, Decimal)
    assert req.credentials == (TechnicianCredential("Background check", "onsite"),)
    assert req.clauses == (SecurityClause("Data handling", "UK only", "ISO 27001"),)
    assert req.certifications == ()  # the deleted one does not count


def test_expiry_dates_are_last_valid_days_and_become_first_days_not_valid(session, world):
    session.add_all(
        [
            CompanyHolding(
                kind="insurance",
                name="Professional indemnity",
                cover_amount=Decimal("2000000"),
                currency="GBP",
                expires_on=date(2027, 3, 31),
            ),
            CompanyHolding(kind="certification", name="ISO 27001", expires_on=None),
        ]
    )
    credential(session, world["tech"], "DBS check", date(2026, 12, 31), issued_on=date(2025, 1, 1))
    credential(session, world["tech"], "CSCS card", None, deleted_at=datetime.now(UTC))
    clause = ComplianceRequirement(
        contract_id=world["contract"].id,
        kind="security_clause",
        name="Data handling",
        details=json.dumps({"attested_on": "2026-02-01", "review_due": "2027-01-31"}),
    )
    session.add(clause)
    session.flush()
    h = load_holdings(session=session)
    assert h.policies == (
        InsurancePolicy("Professional indemnity", Decimal("2000000.00"), date(2027, 4, 1), "GBP"),
    )
    assert h.certifications == (CompanyCertification("ISO 27001", None),)
    assert h.credentials == (
        HeldCredential(world["tech"].id, "DBS check", date(2025, 1, 1), date(2027, 1, 1)),
    )
    assert h.attestations == (
        ClauseAttestation(
            world["contract"].id, "Data handling", date(2026, 2, 1), date(2027, 2, 1)
        ),
    )


def test_client_assignments_become_one_per_contract_of_active_technicians(session, world):
    retired = Technician(name="Retired", active=False)
    session.add(retired)
    session.flush()
    session.add(TechnicianAssignment(technician_id=retired.id, client_id=world["client"].id))
    session.flush()
    assert load_assignments(session=session) == [
        Assignment(
            world["tech"].id,
            world["contract"].id,
            date(2026, 1, 1),
            date(2027, 12, 31),
            onsite=True,
        )
    ]
