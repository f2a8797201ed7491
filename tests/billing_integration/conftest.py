"""Billing integration fixtures: a small store with contracts, entries and services."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from db.models import ContractService, Technician, Ticket, TimeEntry
from tests.factories import make_contract
from tests.pages.conftest import (
    demo_url,  # noqa: F401 - fixture re-export
    private_copy,
    serving,
)


@pytest.fixture(scope="session")
def billing_demo_url(demo_url, tmp_path_factory) -> str:  # noqa: F811
    """Our own copy of the seeded store: billing pages write drafts, other page tests must
    not see them."""
    return private_copy(demo_url, tmp_path_factory.mktemp("billing-pages"))


@pytest.fixture
def billing_env(billing_demo_url, monkeypatch):
    with serving(billing_demo_url, monkeypatch):
        yield billing_demo_url


class Store:
    """Builder of the rows a billing run reads."""

    def __init__(self, session):
        self.s = session
        self.tech = Technician(name="Tess Tech")
        session.add(self.tech)
        session.flush()
        self.tickets = 0

    def contract(self, name: str, services=("*",), excluded=(), **overrides):
        client, contract = make_contract(self.s, name=name, reference=f"C-{name[:6]}", **overrides)
        for svc in services:
            self.s.add(ContractService(contract_id=contract.id, kind="included", name=svc))
        for svc in excluded:
            self.s.add(ContractService(contract_id=contract.id, kind="excluded", name=svc))
        self.s.flush()
        return client, contract

    def entry(self, contract, at: datetime, minutes: int, *, ticket=True, tech=True, **kw):
        ticket_id = None
        if ticket:
            self.tickets += 1
            t = Ticket(
                source="test",
                external_id=f"T-{self.tickets}",
                client_id=contract.client_id,
                contract_id=contract.id,
                service_type=kw.get("service_type", "network"),
                priority="P3",
                status="resolved",
                created_at=at,
            )
            self.s.add(t)
            self.s.flush()
            ticket_id = t.id
        row = TimeEntry(
            client_id=contract.client_id,
            contract_id=contract.id,
            ticket_id=ticket_id,
            technician_id=self.tech.id if tech else None,
            started_at=at,
            minutes=minutes,
            role=kw.get("role", "engineer"),
            service_type=kw.get("service_type", "network"),
            rate_charged=kw.get("rate", Decimal("100")),
            currency=kw.get("currency", "GBP"),
        )
        self.s.add(row)
        self.s.flush()
        return row


def at(day: int, hour: int = 10, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def store(session) -> Store:
    return Store(session)


@pytest.fixture
def billed(store):
    """Three clients: time and materials with bad entries, no pricing, fixed fee."""
    _, tm = store.contract(
        "Tempo Labs",
        excluded=("hardware procurement",),
        pricing_model="time_materials",
        recurring_fee=None,
        hourly_rate=Decimal("100"),
        role_rates={"engineer": "100"},
        after_hours_multiplier=Decimal("1.5"),
        billing_timing="arrears",
    )
    e = {
        "ok": store.entry(tm, at(5), 90),
        "rate": store.entry(tm, at(6), 30, rate=Decimal("90")),
        "oos": store.entry(tm, at(7), 60, service_type="hardware procurement"),
        "no_ticket": store.entry(tm, at(8), 45, ticket=False),
        "no_tech": store.entry(tm, at(9), 45, tech=False),
        "negative": store.entry(tm, at(12), -15),
        "euro": store.entry(tm, at(13), 30, currency="EUR"),
    }
    _, bare = store.contract("Bare Co", pricing_model=None, recurring_fee=None)
    e["bare"] = store.entry(bare, at(14), 60)
    _, fixed = store.contract("Fixed Fee Ltd")
    return {"tm": tm, "bare": bare, "fixed": fixed, "entries": e, "today": date(2026, 11, 23)}
