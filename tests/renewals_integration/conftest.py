"""A small renewal book in the test store, real SMTP servers, and a private demo store.

The book (dates relative to ``now``): Acme (C-1) 45 days from its end, with tickets,
hours and invoices; Quiet Ltd (C-2, opted out of email) 50 days out; Nodate (C-3) has no
end date; Autoco (C-4) auto-renews with 30 days' notice, 100 days from its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from access.roles import Actor
from db.models import Contact, Invoice, Payment, Ticket, TimeEntry, User
from tests.factories import make_contract
from tests.notify.conftest import smtp_server  # noqa: F401 - fixture re-export
from tests.pages.conftest import (
    demo_url,  # noqa: F401 - fixture re-export
    private_copy,
    serving,
)


@dataclass
class Book:
    manager: Actor
    other: Actor
    ids: dict[str, int]


def _user(session, name: str, role: str) -> User:
    user = User(username=name, display_name=name.title(), email=f"{name}@desk.example",
                role=role, password_hash="x")  # fmt: skip
    session.add(user)
    session.flush()
    return user


def make_book(session, now: datetime) -> Book:
    today = now.date()
    mgr, other = _user(session, "mona", "manager"), _user(session, "otto", "manager")
    common = dict(account_manager_id=mgr.id, included_hours=Decimal("10"),
                  recurring_fee=Decimal("1000"), term_months=12)  # fmt: skip

    def contract(client, ref, end, **kw):
        start = (end or today) - timedelta(days=364)
        c, k = make_contract(session, client, reference=ref, start_date=start, end_date=end,
                             **{**common, **kw})  # fmt: skip
        return c, k

    acme, c1 = contract("Acme Dental", "C-1", today + timedelta(days=45))
    quiet, c2 = contract("Quiet Ltd", "C-2", today + timedelta(days=50))
    quiet.email_opt_out = True
    _, c3 = contract("Nodate", "C-3", None)
    auto, c4 = contract("Autoco", "C-4", today + timedelta(days=100), auto_renew=True,
                        notice_days=30, renewal_term_months=12)  # fmt: skip
    for client in (acme, quiet, auto):
        session.add_all([
            Contact(client_id=client.id, name="Esther Level", email=f"esc1@{client.id}.example",
                    is_escalation=True, escalation_level=1),
            Contact(client_id=client.id, name="Len Two", email=f"esc2@{client.id}.example",
                    is_escalation=True, escalation_level=2),
        ])  # fmt: skip
    for i in range(12):
        created = now - timedelta(days=10 + 20 * i, hours=3)
        session.add(
            Ticket(source="t", external_id=f"T-{i}", client_id=acme.id, contract_id=c1.id,
                   service_type="helpdesk", priority="P3", status="resolved",
                   created_at=created, first_response_at=created + timedelta(minutes=20),
                   resolved_at=created + timedelta(hours=2), csat=4 + i % 2)
        )  # fmt: skip
        session.add(
            TimeEntry(client_id=acme.id, contract_id=c1.id, started_at=created, minutes=300)
        )
    for m in range(1, 4):
        issued = today - timedelta(days=30 * m + 5)
        inv = Invoice(number=f"I-{m}", key=f"k{m}", client_id=acme.id, contract_id=c1.id,
                      period_start=issued, period_end=issued, issue_date=issued,
                      due_date=issued + timedelta(days=30), status="paid", currency="GBP",
                      total=Decimal("1000.00"))  # fmt: skip
        session.add(inv)
        session.flush()
        session.add(Payment(invoice_id=inv.id, paid_on=issued + timedelta(days=20),
                            amount=Decimal("1000.00")))  # fmt: skip
    session.commit()
    return Book(
        manager=Actor(user_id=mgr.id, username="mona", role="manager"),
        other=Actor(user_id=other.id, username="otto", role="manager"),
        ids={"C-1": c1.id, "C-2": c2.id, "C-3": c3.id, "C-4": c4.id},
    )


@pytest.fixture
def renewals_store(demo_url, tmp_path, monkeypatch):  # noqa: F811
    """A private copy of the seeded page-test store (pages here write tasks and outcomes)."""
    with serving(private_copy(demo_url, tmp_path), monkeypatch) as url:
        yield url
