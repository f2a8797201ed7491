"""Issue 16: billing alignment stored per contract, used by the run, locked once issued."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.billing.alignment import AlignmentLocked
from db.billing.invoices import issue_invoices
from db.billing.run import run_billing
from db.contracts_repo import update_contract
from db.models import Contract, Invoice
from tests.factories import ADMIN, contract_input, make_contract


def _invoices(session, contract_id):
    return {
        i.key: i
        for i in session.scalars(select(Invoice).where(Invoice.contract_id == contract_id))
    }


def test_new_contract_bills_calendar_months_prorated(session):
    client, c = make_contract(session, start_date=date(2026, 2, 10), end_date=None,
                              recurring_fee=Decimal("2800"), billing_timing="advance")
    assert c.billing_alignment == "calendar"
    run_billing(session=session, actor=ADMIN, period="2026-02")
    run_billing(session=session, actor=ADMIN, period="2026-03")
    inv = _invoices(session, c.id)
    feb, mar = inv[f"{c.id}:2026-02-10"], inv[f"{c.id}:2026-03-01"]
    assert feb.total == Decimal("1900.00")  # 2800 * 19 / 28
    assert "prorated 19/28 days" in feb.lines[0].description
    assert mar.total == Decimal("2800.00")
    # rerunning the period changes nothing
    before = {k: (i.id, i.total) for k, i in _invoices(session, c.id).items()}
    run_billing(session=session, actor=ADMIN, period="2026-03")
    assert {k: (i.id, i.total) for k, i in _invoices(session, c.id).items()} == before


def test_anniversary_contract_bills_from_its_start_day(session):
    client, c = make_contract(session, start_date=date(2026, 2, 10), end_date=None,
                              recurring_fee=Decimal("2800"), billing_alignment="anniversary")
    run_billing(session=session, actor=ADMIN, period="2026-02")
    assert {k: i.total for k, i in _invoices(session, c.id).items()} == {
        f"{c.id}:2026-02-10": Decimal("2800.00")
    }


def test_update_without_alignment_keeps_the_stored_one(session):
    client, c = make_contract(session, billing_alignment="anniversary")
    update_contract(session=session, actor=ADMIN, contract_id=c.id, expected_version=1,
                    data=contract_input(client.id, title="Renamed"))
    assert (c.title, c.billing_alignment) == ("Renamed", "anniversary")


def test_alignment_change_is_refused_once_an_invoice_was_issued(session):
    client, c = make_contract(session, start_date=date(2026, 2, 10), end_date=None)
    run_billing(session=session, actor=ADMIN, period="2026-02")
    ids = [i.id for i in _invoices(session, c.id).values()]
    issue_invoices(session=session, actor=ADMIN, invoice_ids=ids, on=date(2026, 2, 10),
                   accept_findings=True)
    session.commit()
    with pytest.raises(AlignmentLocked, match="1 invoice\\(s\\) were already issued"):
        update_contract(session=session, actor=ADMIN, contract_id=c.id, expected_version=1,
                        data=contract_input(client.id, start_date=date(2026, 2, 10),
                                            end_date=None, title="Changed too",
                                            billing_alignment="anniversary"))
    session.rollback()
    stored = session.get(Contract, c.id)
    assert (stored.billing_alignment, stored.title) == ("calendar", "Gold managed support")


def test_alignment_change_is_allowed_while_only_drafts_exist(session):
    client, c = make_contract(session, start_date=date(2026, 2, 10), end_date=None)
    run_billing(session=session, actor=ADMIN, period="2026-02")
    update_contract(session=session, actor=ADMIN, contract_id=c.id, expected_version=1,
                    data=contract_input(client.id, start_date=date(2026, 2, 10), end_date=None,
                                        billing_alignment="anniversary"))
    assert c.billing_alignment == "anniversary"


def test_unknown_alignment_is_refused_by_validation():
    with pytest.raises(ValueError, match="billing alignment must be 'calendar' or 'anniversary'"):
        contract_input(1, billing_alignment="weekly")
