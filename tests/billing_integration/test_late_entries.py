"""Work logged after its period's invoice was issued is reported, with its amount, instead
of being left off every invoice (both backends)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from db.billing.findings import run_findings
from db.billing.invoices import issue_invoices
from db.billing.run import preview_run, run_billing
from db.models import Invoice
from tests.billing_integration.conftest import at
from tests.factories import ADMIN

NOV = "2026-11"  # arrears: October's work


def test_entry_logged_after_issue_is_a_late_entry_finding(session, store):
    _, tm = store.contract(
        "Tempo Labs", pricing_model="time_materials", recurring_fee=None,
        hourly_rate=Decimal("100"), role_rates={"engineer": "100"}, billing_timing="arrears",
    )  # fmt: skip
    store.entry(tm, at(5), 90)
    run_billing(session=session, actor=ADMIN, period=NOV)
    draft = session.scalar(select(Invoice).where(Invoice.contract_id == tm.id))
    issue_invoices(session=session, actor=ADMIN, invoice_ids=[draft.id], on=date(2026, 11, 2))
    total = draft.total

    late = store.entry(tm, at(20), 30)  # logged after the invoice went out
    preview = preview_run(session=session, actor=ADMIN, period=NOV)
    flagged = preview.findings[preview.findings["code"] == "LATE_ENTRY"]
    assert list(flagged["entry_id"]) == [late.id] and not flagged["blocking"].any()

    summary = run_billing(session=session, actor=ADMIN, period=NOV)
    assert summary.untouched == 1
    found = run_findings(session=session, actor=ADMIN, run_id=summary.run_id)
    row = found[found["code"] == "LATE_ENTRY"].iloc[0]
    assert row["entry_id"] == late.id and not row["blocking"]
    assert f"invoice {draft.number}" in row["message"] and "50.00 GBP" in row["message"]
    session.refresh(draft)
    assert draft.total == total and draft.status == "issued"  # the issued invoice is untouched


def test_no_late_entry_when_everything_was_invoiced(session, store):
    _, tm = store.contract(
        "Tempo Labs", pricing_model="time_materials", recurring_fee=None,
        hourly_rate=Decimal("100"), role_rates={"engineer": "100"}, billing_timing="arrears",
    )  # fmt: skip
    store.entry(tm, at(5), 90)
    run_billing(session=session, actor=ADMIN, period=NOV)
    draft = session.scalar(select(Invoice).where(Invoice.contract_id == tm.id))
    issue_invoices(session=session, actor=ADMIN, invoice_ids=[draft.id], on=date(2026, 11, 2))
    summary = run_billing(session=session, actor=ADMIN, period=NOV)
    found = run_findings(session=session, actor=ADMIN, run_id=summary.run_id)
    assert "LATE_ENTRY" not in set(found["code"])
