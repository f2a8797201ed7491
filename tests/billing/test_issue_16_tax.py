"""Issue 16 item 6 (pure): tax per line, summed; reverse charge and exempt say why; bad rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing.ageing import credit_note
from billing.export import quickbooks_frame, xero_frame
from billing.model import Invoice, InvoiceLine
from billing.tax import TaxRate, with_tax

D = Decimal


def _line(amount: str, kind: str = "recurring") -> InvoiceLine:
    return InvoiceLine(
        kind=kind,
        description=f"{kind} {amount}",
        quantity=D(1),
        unit="period",
        unit_price=D(amount),
        amount=D(amount),
        currency="GBP",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )


def _invoice(*amounts: str, status="draft") -> Invoice:
    return Invoice(
        invoice_no="INV-1",
        contract_id=1,
        client_id=1,
        currency="GBP",
        issue_date=date(2026, 11, 1),
        due_date=date(2026, 12, 1),
        lines=tuple(_line(a) for a in amounts),
        status=status,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )


VAT = TaxRate("VAT", "vat", D("20"))


def test_vat_20_on_5000_less_a_250_credit_is_950():
    inv = _invoice("5000.00")
    inv = Invoice(**{**inv.__dict__, "lines": inv.lines + (_line("-250.00", "credit"),)})
    taxed = with_tax(inv, VAT)
    tax = taxed.lines[-1]
    assert (tax.kind, tax.amount) == ("tax", D("950.00"))
    assert tax.description == "VAT 20% on 4,750.00"
    assert taxed.total == D("5700.00")
    # applying again replaces the tax line, never adds a second one
    again = with_tax(taxed, VAT)
    assert [ln.kind for ln in again.lines].count("tax") == 1 and again.total == D("5700.00")


def test_tax_is_rounded_per_line_then_summed():
    # 10.05 x 5% = 0.5025 -> 0.50 per line, 1.00 in all (on the 20.10 total it would be 1.01):
    # per line is what QuickBooks (ItemTaxAmount) and Xero (per line) import, so they agree.
    taxed = with_tax(_invoice("10.05", "10.05"), TaxRate("VAT", "vat", D("5")))
    assert taxed.lines[-1].amount == D("1.00") and taxed.total == D("21.10")


def test_reverse_charge_and_exempt_charge_nothing_and_say_why():
    rc = with_tax(_invoice("5000.00"), TaxRate("VAT", "reverse_charge", D("0")))
    assert rc.lines[-1].amount == D("0.00") and rc.total == D("5000.00")
    assert "reverse charge" in rc.lines[-1].description
    assert "customer accounts for the tax" in rc.lines[-1].description
    ex = with_tax(_invoice("5000.00"), TaxRate("GST", "exempt", D("0")))
    assert ex.lines[-1].amount == 0 and "exempt" in ex.lines[-1].description


@pytest.mark.parametrize(
    ("kind", "rate", "message"),
    [
        ("vat", "120", "from 0 to 100"),
        ("vat", "-5", "from 0 to 100"),
        ("vat", "twenty", "not a number"),
        ("reverse_charge", "20", "must be 0"),
        ("luxury", "5", "one of vat, gst"),
    ],
)
def test_bad_rates_are_refused_with_what_to_change(kind, rate, message):
    with pytest.raises(ValueError, match=message):
        TaxRate("VAT", kind, rate)  # type: ignore[arg-type]


def test_exports_carry_the_tax_code_per_line_and_no_tax_row():
    taxed = with_tax(_invoice("100.05", "200.00", status="issued"), TaxRate("VAT", "vat", "17.5"))
    # 100.05 x 17.5% = 17.50875 -> 17.51; 200 x 17.5% = 35.00
    assert taxed.lines[-1].amount == D("52.51")
    qb = quickbooks_frame([taxed])
    assert len(qb) == 2 and set(qb["ItemTaxCode"]) == {"17.5% S"}
    assert list(qb["ItemTaxAmount"]) == ["17.51", "35.00"]
    xero = xero_frame([taxed])
    assert len(xero) == 2 and set(xero["*TaxType"]) == {"17.5% (VAT on Income)"}
    rc = with_tax(_invoice("100.00", status="issued"), TaxRate("VAT", "reverse_charge", 0))
    assert set(xero_frame([rc])["*TaxType"]) == {"No VAT"}
    custom = TaxRate("GST", "gst", "10", quickbooks_code="GST 10%", xero_tax_type="GST on Income")
    qb = quickbooks_frame([with_tax(_invoice("99.99", status="issued"), custom)])
    assert list(qb["ItemTaxCode"]) == ["GST 10%"] and list(qb["ItemTaxAmount"]) == ["10.00"]
    # untaxed invoices keep the caller's defaults (as before)
    assert set(xero_frame([_invoice("1.00", status="issued")])["*TaxType"]) == {"Tax Exempt"}


def test_credit_note_of_some_lines_credits_their_tax_only():
    taxed = with_tax(_invoice("100.00", "50.00", status="issued"), VAT)
    note = credit_note(taxed, credit_note_no="CN-1", issue_date=date(2026, 11, 5), line_numbers=[2])
    assert [(ln.kind, ln.amount) for ln in note.lines] == [
        ("recurring", D("-50.00")),
        ("tax", D("-10.00")),
    ]
    full = credit_note(taxed, credit_note_no="CN-2", issue_date=date(2026, 11, 5))
    assert full.total == -taxed.total == D("-180.00")
