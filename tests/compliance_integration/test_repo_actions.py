"""Editing compliance data: clear refusals, nothing half-written, warnings where it matters."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from access.roles import PermissionDenied
from db.compliance.assignments import assign_technician
from db.compliance.common import MAX_PDF_BYTES
from db.compliance.credentials import add_credential, credential_document, credentials_frame
from db.compliance.holdings import add_holding
from db.compliance.requirements import (
    add_requirement,
    attest_clause,
    remove_requirement,
    requirements_frame,
)
from db.models import AuditEntry, ComplianceRequirement, TechnicianCredential
from tests.compliance_integration.conftest import ON
from tests.factories import ADMIN, actor

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MANAGER = actor("manager")


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_unknown_requirement_name_is_kept_but_flagged(session, world):
    cid = world["contract"].id
    _, warnings = add_requirement(
        session=session,
        actor=MANAGER,
        contract_id=cid,
        kind="credential",
        name="Gas Safe registraton",
    )
    assert warnings and "unknown credential 'Gas Safe registraton'" in warnings[0]
    frame = requirements_frame(session=session, actor=MANAGER, contract_id=cid)
    assert frame.loc[frame["name"] == "Gas Safe registraton", "problem"].str.len().iloc[0] > 0


@pytest.mark.parametrize(
    ("cover", "currency", "message"),
    [
        ("lots", "GBP", "must be a number"),
        ("-5", "GBP", "more than zero"),
        ("1000", "pounds", "three-letter"),
    ],
)
def test_bad_insurance_requirement_writes_nothing(session, world, cover, currency, message):
    before = count(session, ComplianceRequirement)
    with pytest.raises(ValueError, match=message):
        add_requirement(
            session=session,
            actor=MANAGER,
            contract_id=world["contract"].id,
            kind="insurance",
            name="Cyber",
            minimum_cover=cover,
            currency=currency,
        )
    assert count(session, ComplianceRequirement) == before


def test_security_clause_with_attestation_and_admin_only_removal(session, world):
    cid = world["contract"].id
    row, warnings = add_requirement(
        session=session,
        actor=MANAGER,
        contract_id=cid,
        kind="security_clause",
        name="Data handling",
        description="UK data centres only",
    )
    assert warnings == []
    attest_clause(
        session=session,
        actor=MANAGER,
        requirement_id=row.id,
        attested_on=date(2026, 2, 1),
        review_due=date(2027, 1, 31),
    )
    frame = requirements_frame(session=session, actor=MANAGER, contract_id=cid)
    clause = frame[frame["kind"] == "security_clause"].iloc[0]
    assert (clause["attested"], clause["review_due"], clause["details"]) == (
        "2026-02-01",
        "2027-01-31",
        "UK data centres only",
    )
    with pytest.raises(PermissionDenied):
        remove_requirement(session=session, actor=MANAGER, requirement_id=row.id)
    remove_requirement(session=session, actor=ADMIN, requirement_id=row.id)
    frame = requirements_frame(session=session, actor=MANAGER, contract_id=cid)
    assert "security_clause" not in set(frame["kind"])


def test_credential_without_expiry_is_saved_with_a_warning(session, world):
    row, warnings = add_credential(
        session=session,
        actor=MANAGER,
        technician_id=world["tech"].id,
        name="DBS check",
        issued_on=date(2026, 1, 5),
        expires_on=None,
    )
    assert any("no expiry date" in w for w in warnings)
    frame = credentials_frame(session=session, actor=MANAGER, on=ON, technician_id=world["tech"].id)
    assert frame.loc[0, "status"] == "no expiry recorded"
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "technician_credential"))
    assert [a.entity_id for a in audit] == [row.id]


def test_certificate_pdf_is_stored_and_checked(session, world):
    tid = world["tech"].id
    row, _ = add_credential(
        session=session,
        actor=MANAGER,
        technician_id=tid,
        name="CSCS card",
        issued_on=None,
        expires_on=date(2027, 6, 30),
        filename="cscs.pdf",
        document=PDF,
    )
    assert credential_document(session=session, actor=MANAGER, credential_id=row.id) == (
        "cscs.pdf",
        PDF,
    )


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"filename": "x.pdf", "document": b"MZ\x90"}, "not a PDF"),
        ({"filename": "big.pdf", "document": PDF + b"0" * MAX_PDF_BYTES}, "limit is 5 MB"),
        ({"issued_on": date(2026, 5, 1), "expires_on": date(2026, 4, 1)}, "before the issue date"),
    ],
)
def test_bad_credentials_are_refused_and_nothing_is_stored(session, world, bad, message):
    before = count(session, TechnicianCredential)
    fields = {"issued_on": None, "expires_on": None, **bad}
    with pytest.raises(ValueError, match=message):
        add_credential(session=session, actor=MANAGER, technician_id=world["tech"].id,
                       name="CSCS card", **fields)  # fmt: skip
    assert count(session, TechnicianCredential) == before


def test_assigning_a_technician_flags_a_missing_credential(session, world):
    flags = assign_technician(
        session=session,
        actor=MANAGER,
        technician_id=world["tech"].id,
        client_id=world["other"].id,
        on=ON,
    )
    assert flags == []  # the other client's contract requires nothing
    with pytest.raises(ValueError, match="already assigned"):
        assign_technician(
            session=session,
            actor=MANAGER,
            technician_id=world["tech"].id,
            client_id=world["other"].id,
            on=ON,
        )
    from db.models import Technician

    new = Technician(name="New Starter")
    session.add(new)
    session.flush()
    flags = assign_technician(
        session=session, actor=MANAGER, technician_id=new.id, client_id=world["client"].id, on=ON
    )
    assert flags == ["C-1: DBS check (not held)"]


def test_holding_insurance_needs_cover_and_flags_missing_expiry(session, world):
    with pytest.raises(ValueError, match="Cover"):
        add_holding(
            session=session,
            actor=MANAGER,
            kind="insurance",
            name="Cyber",
            expires_on=date(2027, 1, 1),
            cover_amount="",
            currency="GBP",
        )
    _, warnings = add_holding(
        session=session, actor=MANAGER, kind="certification", name="ISO 27001", expires_on=None
    )
    assert any("no expiry date" in w for w in warnings)


@pytest.mark.parametrize("role", ["executive", "technician"])
def test_compliance_edits_refuse_roles_without_permission(session, world, role):
    with pytest.raises(PermissionDenied):
        add_requirement(
            session=session,
            actor=actor(role),
            contract_id=world["contract"].id,
            kind="credential",
            name="DBS check",
        )
    with pytest.raises(PermissionDenied):
        add_credential(
            session=session,
            actor=actor(role),
            technician_id=world["tech"].id,
            name="DBS check",
            issued_on=None,
            expires_on=None,
        )
