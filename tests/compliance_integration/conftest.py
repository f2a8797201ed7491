"""Fixtures for compliance integration tests: a contract with requirements and a technician.

The page fixtures (``app_env``) are re-exported from tests/pages so AppTests here run on the
same small seeded demo store.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from db.models import (
    CompanyHolding,
    ComplianceRequirement,
    Contact,
    ContractService,
    Technician,
    TechnicianAssignment,
    TechnicianCredential,
    User,
)
from tests.factories import make_contract
from tests.pages.conftest import app_env, demo_url  # noqa: F401  (fixtures)

ON = date(2026, 11, 23)


@pytest.fixture
def world(session):
    """One client with a live contract that requires a background check, insurance and ISO."""
    manager = User(
        username="am",
        display_name="Ann Manager",
        email="ann@example.com",
        role="manager",
        password_hash="x",
    )
    session.add(manager)
    session.flush()
    client, contract = make_contract(
        session,
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
        account_manager_id=manager.id,
    )
    other_client, _ = make_contract(session, name="Other Client", reference="C-2")
    tech = Technician(name="Tina Tech")
    session.add(tech)
    session.flush()
    session.add_all(
        [
            ComplianceRequirement(
                contract_id=contract.id,
                kind="credential",
                name="Background check",
                applies_to="onsite",
            ),
            ComplianceRequirement(
                contract_id=contract.id,
                kind="insurance",
                name="Professional indemnity",
                minimum_cover=Decimal("1000000"),
                currency="GBP",
            ),
            TechnicianAssignment(technician_id=tech.id, client_id=client.id),
            ContractService(
                contract_id=contract.id,
                kind="included",
                name="printer",
                description="Printer and MFP support",
            ),
            ContractService(
                contract_id=contract.id,
                kind="excluded",
                name="printer consumables",
                description="Printer consumables (toner, ink, paper)",
            ),
            Contact(
                client_id=client.id,
                name="Ida Lead",
                phone="+44 20 7946 0001",
                email="ida@acme.example",
                is_escalation=True,
                escalation_level=1,
            ),
        ]
    )
    session.flush()
    return {
        "client": client,
        "contract": contract,
        "other": other_client,
        "tech": tech,
        "manager": manager,
    }


def indemnity(session, last_valid_day: date | None, **kw):
    """The company's professional indemnity insurance (GBP 2m unless given)."""
    fields = {"name": "Professional indemnity", "cover_amount": Decimal("2000000"), **kw}
    row = CompanyHolding(kind="insurance", currency="GBP", expires_on=last_valid_day, **fields)
    session.add(row)
    session.flush()
    return row


def credential(session, tech, name: str, last_valid_day: date | None, **kw):
    row = TechnicianCredential(technician_id=tech.id, name=name, expires_on=last_valid_day, **kw)
    session.add(row)
    session.flush()
    return row
