"""Every engine reads the term model: an auto-renewing contract past its initial term keeps
billing, entitlement, the field card and compliance; one whose notice was given ends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from db.billing.run import preview_run
from db.compliance.loaders import load_requirements
from db.field_repo import field_card
from db.models import ComplianceRequirement
from db.sla.entitlements import entitlements
from tests.factories import ADMIN, make_contract

TODAY = date(2026, 11, 23)


@pytest.fixture
def renewing(session):
    """The 2001 maintenance contract: one year, renewing yearly unless 90 days' notice."""
    client, contract = make_contract(
        session, name="Harbour Freight", reference="MAINT-2001",
        start_date=date(2001, 3, 1), end_date=date(2002, 2, 28), auto_renew=True,
        renewal_term_months=12, notice_days=90,
    )  # fmt: skip
    return client, contract


def _outcome(session, client_id, when: datetime) -> str:
    tickets = pd.DataFrame(
        [{"ticket_id": 1, "client_id": client_id, "created_at": when, "service_type": "support"}]
    )
    return entitlements(session=session, tickets=tickets)["entitlement"].iloc[0]


def _drafted(session, contract_ref: str, period: str) -> bool:
    preview = preview_run(session=session, actor=ADMIN, period=period)
    return contract_ref in set(preview.invoices["contract"])


def test_auto_renewed_contract_keeps_running(session, renewing):
    client, contract = renewing
    assert contract.in_force_until is None
    assert _drafted(session, "MAINT-2001", "2026-11")
    assert _outcome(session, client.id, datetime(2026, 11, 20, 10, tzinfo=UTC)) != "no_contract"
    card = field_card(session=session, actor=ADMIN, client_id=client.id, today=TODAY)
    assert card.contract_id == contract.id
    session.add(
        ComplianceRequirement(contract_id=contract.id, kind="insurance", name="public_liability")
    )
    session.flush()
    reqs = {r.contract_id: r for r in load_requirements(session=session)}
    assert reqs[contract.id].ends is None  # applies while the contract runs


def test_notice_given_ends_at_the_term_end(session, renewing):
    client, contract = renewing
    contract.notice_given_on = date(2026, 11, 1)  # before the 30 Nov deadline
    session.flush()
    assert contract.in_force_until == date(2027, 2, 28)
    assert _drafted(session, "MAINT-2001", "2027-02")
    assert not _drafted(session, "MAINT-2001", "2027-03")
    assert _outcome(session, client.id, datetime(2027, 3, 5, 10, tzinfo=UTC)) == "no_contract"
    card = field_card(session=session, actor=ADMIN, client_id=client.id, today=date(2027, 3, 5))
    assert card.contract_id is None


def test_fixed_term_contract_still_ends(session):
    client, _ = make_contract(
        session,
        name="Old Mill",
        reference="FIX-2001",
        start_date=date(2001, 3, 1),
        end_date=date(2002, 2, 28),
    )
    assert not _drafted(session, "FIX-2001", "2026-11")
    assert _outcome(session, client.id, datetime(2026, 11, 20, 10, tzinfo=UTC)) == "no_contract"
