"""Billing against the store (SQLite and PostgreSQL): runs, findings, issue, payments, exports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from access.roles import PermissionDenied
from billing.export import QUICKBOOKS_COLUMNS, XERO_COLUMNS
from db.billing.backup_documents import BackupMismatch, backup_documents
from db.billing.common import parse_period, period_choices
from db.billing.exports import export_invoices
from db.billing.findings import approve_entries, billing_runs, run_findings
from db.billing.invoices import create_credit_note, issue_invoices, void_invoice
from db.billing.payments import record_payment
from db.billing.receivables import client_billing, receivables
from db.billing.run import preview_run, run_billing
from db.billing.upgrades import upgrade_candidates
from db.models import AuditEntry, BillingFinding, Invoice, TimeEntry
from tests.billing_integration.conftest import at
from tests.factories import ADMIN, actor

NOV = "2026-11"


def _invoices(session):
    return {i.key: i for i in session.scalars(select(Invoice).order_by(Invoice.id))}


def test_run_drafts_invoices_with_hand_computed_totals(session, billed):
    summary = run_billing(session=session, actor=ADMIN, period=NOV)
    inv = _invoices(session)
    tm, fixed = billed["tm"], billed["fixed"]
    # arrears T&M: October billed on 1 Nov; 90 + 30 min at the contracted 100/h = 200.00
    # (the 90/h entry is corrected to the contract rate, not held back)
    assert inv[f"{tm.id}:2026-10-01"].total == Decimal("200.00")
    assert inv[f"{tm.id}:2026-10-01"].status == "draft"
    # fixed fee in advance: November's fee on 1 Nov
    assert inv[f"{fixed.id}:2026-11-01"].total == Decimal("5000.00")
    assert len(inv) == 2 and summary.created == 2
    # 8 entries checked, only the clean one passes every check
    assert (summary.entries_checked, summary.entries_passed) == (8, 1)


def test_second_run_updates_drafts_never_duplicates(session, billed):
    first = run_billing(session=session, actor=ADMIN, period=NOV)
    ids = {k: i.id for k, i in _invoices(session).items()}
    again = run_billing(session=session, actor=ADMIN, period=NOV)
    assert (again.created, again.updated) == (0, 2)
    assert {k: i.id for k, i in _invoices(session).items()} == ids
    assert session.scalar(select(func.count()).select_from(Invoice)) == 2
    assert again.run_id != first.run_id
    runs = billing_runs(session=session, actor=ADMIN, period=NOV)
    assert list(runs["run_id"]) == [again.run_id, first.run_id]
    assert runs["open_findings"].iloc[1] == 0  # superseded by the second run


def test_bad_input_becomes_findings_with_reasons(session, billed):
    summary = run_billing(session=session, actor=ADMIN, period=NOV)
    e = billed["entries"]
    found = run_findings(session=session, actor=ADMIN, run_id=summary.run_id)
    by_entry = {}
    for row in found.itertuples():
        by_entry.setdefault(row.entry_id, set()).add(row.code)
    assert by_entry[e["no_ticket"].id] == {"MISSING_TICKET"}
    assert by_entry[e["no_tech"].id] == {"MISSING_TECHNICIAN"}
    assert by_entry[e["negative"].id] == {"NEGATIVE_MINUTES"}
    assert by_entry[e["euro"].id] == {"CURRENCY_MISMATCH"}
    assert by_entry[e["oos"].id] == {"NOT_APPROVED"}
    assert by_entry[e["rate"].id] == {"RATE_MISMATCH"}
    assert by_entry[e["bare"].id] == {"NO_PRICING_MODEL"}
    assert e["ok"].id not in by_entry
    contract_level = found[found["entry_id"].isna()]
    assert list(contract_level["code"]) == ["NO_PRICING_MODEL"]
    assert "has no pricing model" in contract_level["message"].iloc[0]
    rate = found[found["entry_id"] == e["rate"].id].iloc[0]
    assert rate["message"] == (
        "charged 90.00/h, contract rate 100.00/h (engineer 100.00/h); "
        "30 min: 50.00 instead of 45.00 (+5.00)"
    )
    assert not rate["blocking"]
    stored = session.scalar(select(func.count()).select_from(BillingFinding))
    assert stored == summary.findings == 8


def test_preview_writes_nothing_and_reports_accuracy_per_client(session, billed):
    p = preview_run(session=session, actor=ADMIN, period=NOV)
    assert session.scalar(select(func.count()).select_from(Invoice)) == 0
    assert p.accuracy == pytest.approx(1 / 8)
    acc = p.accuracy_by_client.set_index("client")
    assert acc.loc["Tempo Labs", "entries"] == 7 and acc.loc["Tempo Labs", "passed"] == 1
    assert acc.loc["Bare Co", "accuracy"] == 0
    assert set(p.invoices["action"]) == {"create draft"}


def test_approval_is_audited_and_next_run_bills_the_work(session, billed):
    run_billing(session=session, actor=ADMIN, period=NOV)
    oos = billed["entries"]["oos"]
    assert approve_entries(session=session, actor=ADMIN, entry_ids=[oos.id]) == 1
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "time_entry", AuditEntry.entity_id == oos.id)
    ).all()
    assert [(a.action, a.old_value, a.new_value) for a in audit] == [("approve", "False", "True")]
    run_billing(session=session, actor=ADMIN, period=NOV)
    draft = _invoices(session)[f"{billed['tm'].id}:2026-10-01"]
    assert draft.total == Decimal("300.00")  # + 60 min out-of-scope at 100/h
    assert {ln.kind for ln in draft.lines} == {"time_and_materials", "out_of_scope"}


def test_issue_refuses_open_findings_then_numbers_and_dates(session, billed):
    run_billing(session=session, actor=ADMIN, period=NOV)
    inv = _invoices(session)
    tm = inv[f"{billed['tm'].id}:2026-10-01"]
    with pytest.raises(ValueError, match="open finding"):
        issue_invoices(session=session, actor=ADMIN, invoice_ids=[tm.id], on=date(2026, 11, 2))
    assert tm.status == "draft"
    numbers = issue_invoices(
        session=session,
        actor=ADMIN,
        invoice_ids=[tm.id, inv[f"{billed['fixed'].id}:2026-11-01"].id],
        on=date(2026, 11, 2),
        accept_findings=True,
    )
    assert numbers == ["INV-2026-000001", "INV-2026-000002"]
    assert tm.due_date == date(2026, 12, 2) and tm.status == "issued"
    with pytest.raises(ValueError, match="only drafts are issued"):
        issue_invoices(session=session, actor=ADMIN, invoice_ids=[tm.id], on=date(2026, 11, 3))


def test_rerun_never_touches_issued_invoices(session, billed, store):
    run_billing(session=session, actor=ADMIN, period=NOV)
    tm = _invoices(session)[f"{billed['tm'].id}:2026-10-01"]
    issue_invoices(
        session=session,
        actor=ADMIN,
        invoice_ids=[tm.id],
        on=date(2026, 11, 2),
        accept_findings=True,
    )
    lines_before = [(ln.kind, ln.amount) for ln in tm.lines]
    store.entry(billed["tm"], at(20), 120)  # logged late, after the invoice went out
    again = run_billing(session=session, actor=ADMIN, period=NOV)
    session.refresh(tm)
    assert again.untouched == 1
    assert (tm.number, tm.total, tm.status) == ("INV-2026-000001", Decimal("200.00"), "issued")
    assert [(ln.kind, ln.amount) for ln in tm.lines] == lines_before
    p = preview_run(session=session, actor=ADMIN, period=NOV)
    assert "untouched (issued)" in set(p.invoices["action"])


def test_backup_documents_sum_exactly_to_the_invoice(session, billed):
    run_billing(session=session, actor=ADMIN, period=NOV)
    tm = _invoices(session)[f"{billed['tm'].id}:2026-10-01"]
    docs = backup_documents(session=session, actor=ADMIN, invoice_id=tm.id)
    assert docs.entries_listed
    rows = list(csv.DictReader(io.StringIO(docs.csv.decode())))
    assert [r["minutes"] for r in rows] == ["90", "30"]
    assert sum(Decimal(r["amount"]) for r in rows) == tm.total == Decimal("200.00")
    assert docs.pdf.startswith(b"%PDF") and docs.xlsx[:2] == b"PK"
    # entries edited after drafting: the document is refused, never wrong
    entry = session.get(TimeEntry, billed["entries"]["ok"].id)
    entry.minutes = 120
    session.flush()
    with pytest.raises(BackupMismatch, match="changed since it was drafted"):
        backup_documents(session=session, actor=ADMIN, invoice_id=tm.id)


def _issued(session, billed, on=date(2026, 11, 1)):
    run_billing(session=session, actor=ADMIN, period=NOV)
    inv = _invoices(session)
    ids = [i.id for i in inv.values()]
    issue_invoices(session=session, actor=ADMIN, invoice_ids=ids, on=on, accept_findings=True)
    return inv[f"{billed['tm'].id}:2026-10-01"], inv[f"{billed['fixed'].id}:2026-11-01"]


def test_payments_statuses_and_ageing(session, billed):
    tm, _ = _issued(session, billed)  # 200.00 GBP due 1 Dec
    record_payment(
        session=session, actor=ADMIN, invoice_id=tm.id, amount="50.00", paid_on=date(2026, 11, 10)
    )
    with pytest.raises(ValueError, match="more than the open balance 150.00 GBP"):
        record_payment(
            session=session,
            actor=ADMIN,
            invoice_id=tm.id,
            amount="150.01",
            paid_on=date(2026, 11, 11),
        )
    with pytest.raises(ValueError, match="not float"):
        record_payment(
            session=session, actor=ADMIN, invoice_id=tm.id, amount=10.0, paid_on=date(2026, 11, 11)
        )
    with pytest.raises(ValueError, match="more than zero"):
        record_payment(
            session=session, actor=ADMIN, invoice_id=tm.id, amount="-5", paid_on=date(2026, 11, 11)
        )
    r = receivables(session=session, actor=ADMIN, as_of=date(2026, 11, 20))
    row = r.balances.set_index("invoice_id").loc[tm.id]
    assert (row["status"], row["balance"], row["bucket"]) == (
        "partially_paid",
        Decimal("150.00"),
        "current",
    )
    late = receivables(session=session, actor=ADMIN, as_of=date(2026, 12, 20))
    row = late.balances.set_index("invoice_id").loc[tm.id]
    assert (row["status"], row["days_past_due"], row["bucket"]) == ("overdue", 19, "1-30")
    assert list(late.overdue["invoice_id"]) == [i for i in late.overdue["invoice_id"]]
    tempo = late.ageing.set_index("client").loc["Tempo Labs"]
    assert (tempo["1-30"], tempo["total"]) == (Decimal("150.00"), Decimal("150.00"))
    record_payment(
        session=session, actor=ADMIN, invoice_id=tm.id, amount="150.00", paid_on=date(2026, 12, 21)
    )
    paid = receivables(session=session, actor=ADMIN, as_of=date(2026, 12, 31))
    assert paid.balances.set_index("invoice_id").loc[tm.id, "status"] == "paid"
    assert tm.status == "paid"
    cb = client_billing(
        session=session, actor=ADMIN, client_id=tm.client_id, as_of=date(2026, 12, 31)
    )
    assert list(cb.payments["amount"]) == [Decimal("150.00"), Decimal("50.00")]
    assert cb.punctuality["on_time_share"].iloc[0] == 0.0  # settled after the due date


def test_credit_notes_instead_of_edits_and_void_rules(session, billed):
    tm, fixed = _issued(session, billed)
    number = create_credit_note(
        session=session, actor=ADMIN, invoice_id=fixed.id, on=date(2026, 11, 5)
    )
    assert number == "CN-2026-000001"
    note = session.scalar(select(Invoice).where(Invoice.number == number))
    assert (note.total, note.credit_note_for_id, note.status) == (
        Decimal("-5000.00"),
        fixed.id,
        "issued",
    )
    assert fixed.total == Decimal("5000.00")  # the original is never edited
    with pytest.raises(ValueError, match="credit more than the invoice"):
        create_credit_note(session=session, actor=ADMIN, invoice_id=fixed.id, on=date(2026, 11, 6))
    r = receivables(session=session, actor=ADMIN, as_of=date(2026, 11, 30))
    assert r.balances.set_index("invoice_id").loc[fixed.id, "status"] == "credited"
    with pytest.raises(ValueError, match="credit note instead"):
        void_invoice(session=session, actor=ADMIN, invoice_id=fixed.id, reason="oops")
    with pytest.raises(ValueError, match="Say why"):
        void_invoice(session=session, actor=ADMIN, invoice_id=tm.id, reason=" ")
    void_invoice(session=session, actor=ADMIN, invoice_id=tm.id, reason="sent twice")
    assert tm.status == "void"
    linked = session.scalar(
        select(func.count()).select_from(TimeEntry).where(TimeEntry.invoice_id == tm.id)
    )
    assert linked == 0


def test_exports_follow_the_published_layouts(session, billed):
    _, fixed = _issued(session, billed)
    create_credit_note(session=session, actor=ADMIN, invoice_id=fixed.id, on=date(2026, 11, 5))
    data, name, count = export_invoices(session=session, actor=ADMIN, period=NOV, fmt="quickbooks")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert name == "invoices-quickbooks-2026-11.csv" and count == 3
    assert list(rows[0]) == QUICKBOOKS_COLUMNS
    assert sum(Decimal(r["ItemAmount"]) for r in rows) == Decimal("5200.00")  # credit note left out
    assert rows[0]["InvoiceDate"] == "11/01/2026" and rows[0]["Terms"] == "Net 30"
    data, _, _ = export_invoices(session=session, actor=ADMIN, period=NOV, fmt="xero")
    xrows = list(csv.DictReader(io.StringIO(data.decode())))
    assert list(xrows[0]) == XERO_COLUMNS
    total = sum(Decimal(r["*Quantity"]) * Decimal(r["*UnitAmount"]) for r in xrows)
    assert total == Decimal("200.00")  # 5000 - 5000 + 200
    data, name, _ = export_invoices(
        session=session, actor=ADMIN, period=NOV, fmt="generic", xlsx=True
    )
    assert name.endswith(".xlsx") and data[:2] == b"PK"
    with pytest.raises(ValueError, match="one of quickbooks, xero, generic"):
        export_invoices(session=session, actor=ADMIN, period=NOV, fmt="sage")
    empty, _, none = export_invoices(session=session, actor=ADMIN, period="2026-09", fmt="generic")
    assert none == 0


def test_upgrade_candidates_from_block_hours_history(session, store):
    _, block = store.contract(
        "Busy Bees",
        pricing_model="block_hours",
        recurring_fee=Decimal("1000"),
        included_hours=Decimal("10"),
        overage_rate=Decimal("100"),
    )
    _, calm = store.contract(
        "Calm Co",
        pricing_model="block_hours",
        recurring_fee=Decimal("1000"),
        included_hours=Decimal("10"),
        overage_rate=Decimal("100"),
    )
    for month in (7, 8, 9, 10):
        store.entry(block, at(3, month=month), 12 * 60)
        store.entry(calm, at(3, month=month), 5 * 60)
    out = upgrade_candidates(session=session, today=date(2026, 11, 23))
    assert list(out["contract"]) == [block.reference]
    assert out["periods_over"].iloc[0] == 4
    assert out["overage_hours"].iloc[0] == pytest.approx(8.0)


def test_roles_without_billing_are_refused(session, billed):
    for role in ("executive", "technician"):
        who = actor(role)
        with pytest.raises(PermissionDenied):
            run_billing(session=session, actor=who, period=NOV)
        with pytest.raises(PermissionDenied):
            receivables(session=session, actor=who, as_of=date(2026, 11, 1))
    assert session.scalar(select(func.count()).select_from(Invoice)) == 0


def test_bad_period_is_a_clear_message(session):
    with pytest.raises(ValueError, match="Period must look like 2026-11"):
        run_billing(session=session, actor=ADMIN, period="November")
    assert period_choices(date(2026, 1, 15))[:2] == ["2026-02", "2026-01"]
    assert date(2026, 11, 1) - timedelta(days=1) == parse_period("2026-10")[1]
