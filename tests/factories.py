"""Small factories for tests: the fewest rows that make a realistic contract."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from access.roles import Actor
from contracts.schema import ContractInput
from db.clients_repo import create_client
from db.contracts_repo import create_contract

ADMIN = Actor(user_id=None, username="test-admin", role="admin")


def actor(role: str, technician_id: int | None = None) -> Actor:
    return Actor(user_id=None, username=f"test-{role}", role=role, technician_id=technician_id)


def contract_input(client_id: int, **overrides) -> ContractInput:
    data = dict(client_id=client_id, reference="C-1", title="Gold managed support", tier="gold",
                start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), value=Decimal("60000"),
                currency="GBP", pricing_model="fixed", recurring_fee=Decimal("5000"),
                timezone="Europe/London")
    data.update(overrides)
    return ContractInput(**data)


def make_contract(session: Session, name: str = "Acme Dental", **overrides):
    client = create_client(session=session, actor=ADMIN, name=name)
    contract = create_contract(session=session, actor=ADMIN,
                               data=contract_input(client.id, **overrides))
    session.flush()
    return client, contract
