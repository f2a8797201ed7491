"""API fixtures: the app over the test store (SQLite and PostgreSQL), a client and tokens."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from db.api_tokens import create_token
from db.engine import session_scope
from db.models import ContractService
from tests.factories import ADMIN, make_contract

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def store(engine):
    with session_scope(engine) as s:
        _, contract = make_contract(s, name="Acme Dental")
        s.add(ContractService(contract_id=contract.id, kind="included", name="Network support"))
        s.add(ContractService(contract_id=contract.id, kind="excluded", name="Hardware"))
    return engine


def token_for(engine, scopes, days=30, rate=6000, now=NOW):
    with session_scope(engine) as s:
        return create_token(
            session=s,
            actor=ADMIN,
            name="psa",
            scopes=scopes,
            days=days,
            now=now,
            rate_per_minute=rate,
        )


@pytest.fixture
def client(store):
    return TestClient(create_app(store, webhook_secrets={"zendesk": "zsecret",
                                                          "jsm": "jsecret"},
                                 clock=lambda: NOW))  # fmt: skip


@pytest.fixture
def write_token(store):
    return token_for(store, ["tickets:write", "tickets:read", "contracts:read"])
