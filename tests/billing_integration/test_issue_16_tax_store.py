"""Issue 16 item 6 in the store: client / country rates on drafts, exports, PDF (both stores)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pdfplumber
import pytest
from sqlalchemy import select

from db.billing.backup_documents import backup_documents
from db.billing.exports import export_invoices
from db.billing.invoices import create_credit_note, issue_invoices
from db.billing.run import preview_run, run_billing
from db.billing.tax import set_client_country, set_tax_rate, tax_rates
from db.models import AuditEntry, Invoice, ServiceCreditRule, TaxRate, Ticket
from tests.factories import ADMIN, actor, make_contract

NOV = "2026-11"


def _invoice(session, c) -> Invoice:
    return session.scalars(select(Invoice).where(Invoice.key == f"{c.id}:2026-11-01")).one()


def _lines(inv):
    return sorted((ln.kind, ln.amount, ln.description) for ln in inv.lines)


def test_country_vat_on_the_draft_with_a_service_credit_and_rerun_changes_nothing(session):
    client, c = make_contract(session, name="Vat Co")  # fixed 5000 GBP in advance
    set_client_country(session=session, actor=ADMIN, client_id=client.id, country="gb")
    set_tax_rate(
        session=session, actor=ADMIN, name="VAT", kind="vat", rate="20",
        country="GB", effective_from=date(2020, 1, 1),
    )  # fmt: skip
    session.add(
        ServiceCreditRule(
            contract_id=c.id, name="P1 response", trigger="per_breach", metric="response",
            priority="P1", credit_kind="amount", credit_value=Decimal("250"),
            effective_from=date(2026, 1, 1),
        )  # fmt: skip
    )
    at = datetime(2026, 11, 10, 10, tzinfo=UTC)
    session.add(
        Ticket(
            source="test", external_id="INC-9", client_id=client.id, contract_id=c.id,
            service_type="network", priority="P1", status="open", created_at=at,
            first_response_at=at + timedelta(hours=4),
        )  # fmt: skip
    )
    session.flush()
    preview = preview_run(session=session, actor=ADMIN, period=NOV)
    run_billing(session=session, actor=ADMIN, period=NOV)
    inv = _invoice(session, c)
    # 5000 fee - 250 credit = 4750 net; VAT 20% = 950.00; total 5700.00
    tax = [ln for ln in inv.lines if ln.kind == "tax"]
    assert [(t.amount, t.description) for t in tax] == [(Decimal("950.00"), "VAT 20% on 4,750.00")]
    assert inv.total == Decimal("5700.00")
    assert (inv.tax_name, inv.tax_kind, inv.tax_percent) == ("VAT", "vat", Decimal("20"))
    row = preview.invoices[preview.invoices["key"] == inv.key].iloc[0]
    assert Decimal(row["total"]) == Decimal("5700.00")
    before = (inv.id, inv.total, _lines(inv))
    run_billing(session=session, actor=ADMIN, period=NOV)
    session.expire_all()
    inv = _invoice(session, c)
    assert (inv.id, inv.total, _lines(inv)) == before

    issue_invoices(session=session, actor=ADMIN, invoice_ids=[inv.id], on=date(2026, 11, 1),
                   accept_findings=True)  # fmt: skip
    data, _, _ = export_invoices(session=session, actor=ADMIN, period=NOV, fmt="quickbooks")
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert [(r["ItemAmount"], r["ItemTaxCode"], r["ItemTaxAmount"]) for r in rows] == [
        ("5000.00", "20.0% S", "1000.00"),
        ("-250.00", "20.0% S", "-50.00"),
    ]
    data, _, _ = export_invoices(session=session, actor=ADMIN, period=NOV, fmt="xero")
    xrows = list(csv.DictReader(io.StringIO(data.decode())))
    assert {r["*TaxType"] for r in xrows} == {"20% (VAT on Income)"} and len(xrows) == 2
    data, _, _ = export_invoices(session=session, actor=ADMIN, period=NOV, fmt="generic")
    grows = list(csv.DictReader(io.StringIO(data.decode())))
    assert [(r["kind"], r["amount"]) for r in grows if r["kind"] == "tax"] == [("tax", "950.00")]

    docs = backup_documents(session=session, actor=ADMIN, invoice_id=inv.id)
    with pdfplumber.open(io.BytesIO(docs.pdf)) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    assert "VAT 20% on 4,750.00" in text and "950.00" in text

    number = create_credit_note(session=session, actor=ADMIN, invoice_id=inv.id,
                                on=date(2026, 11, 20))  # fmt: skip
    note = session.scalars(select(Invoice).where(Invoice.number == number)).one()
    assert sorted((ln.kind, ln.amount) for ln in note.lines) == [
        ("credit", Decimal("250.00")),
        ("recurring", Decimal("-5000.00")),
        ("tax", Decimal("-950.00")),
    ]
    assert note.total == Decimal("-5700.00") and note.tax_kind == "vat"


def test_client_rate_wins_over_country_and_reverse_charge_prints_why(session):
    client, c = make_contract(session, name="EU Client", reference="C-EU")
    set_client_country(session=session, actor=ADMIN, client_id=client.id, country="DE")
    set_tax_rate(session=session, actor=ADMIN, name="MwSt", kind="vat", rate="19",
                 country="DE", effective_from=date(2020, 1, 1))  # fmt: skip
    set_tax_rate(session=session, actor=ADMIN, name="VAT", kind="reverse_charge", rate="0",
                 client_id=client.id, effective_from=date(2026, 1, 1))  # fmt: skip
    run_billing(session=session, actor=ADMIN, period=NOV)
    inv = _invoice(session, c)
    (tax,) = [ln for ln in inv.lines if ln.kind == "tax"]
    assert tax.amount == Decimal("0.00") and inv.total == Decimal("5000.00")
    assert tax.description == (
        "VAT: reverse charge - the customer accounts for the tax on 5,000.00"
    )
    issue_invoices(session=session, actor=ADMIN, invoice_ids=[inv.id], on=date(2026, 11, 1),
                   accept_findings=True)  # fmt: skip
    data, _, _ = export_invoices(session=session, actor=ADMIN, period=NOV, fmt="xero")
    assert {r["*TaxType"] for r in csv.DictReader(io.StringIO(data.decode()))} == {"No VAT"}
    listed = tax_rates(session=session, actor=ADMIN, client_id=client.id)
    assert sorted(listed["kind"]) == ["reverse_charge", "vat"]


def test_no_rate_means_no_tax_line(session):
    _, c = make_contract(session, name="Plain Co")
    run_billing(session=session, actor=ADMIN, period=NOV)
    inv = _invoice(session, c)
    assert [ln.kind for ln in inv.lines if ln.kind == "tax"] == [] and inv.tax_kind is None


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"rate": "120", "country": "GB"}, "from 0 to 100"),
        ({"rate": "20", "country": "XX"}, "ISO 3166"),
        ({"rate": "20"}, "exactly one"),
        ({"rate": "20", "country": "GB", "client_id": 1}, "exactly one"),
    ],
)
def test_bad_rates_are_refused_and_nothing_is_written(session, kw, message):
    with pytest.raises(ValueError, match=message):
        set_tax_rate(session=session, actor=ADMIN, name="VAT", kind="vat",
                     effective_from=date(2026, 1, 1), **kw)  # fmt: skip
    assert session.scalars(select(TaxRate)).all() == []
    assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "tax_rate")).all() == []


def test_roles_without_billing_cannot_set_rates(session):
    from access.roles import PermissionDenied

    with pytest.raises(PermissionDenied):
        set_tax_rate(session=session, actor=actor("executive"), name="VAT", kind="vat",
                     rate="20", country="GB", effective_from=date(2026, 1, 1))  # fmt: skip
