"""Tax on an invoice: VAT, GST, sales tax, reverse charge, exempt.

Tax is computed per invoice line (amount x rate, rounded once per line, ROUND_HALF_UP) and
summed into one "tax" line. Per-line rounding is what the accounting imports do (QuickBooks
takes ItemTaxAmount per row, Xero recomputes each line from its TaxType), so the invoice
and the imported invoice agree to the cent. Credit lines (negative) reduce the tax too.

Reverse charge and exempt charge 0 but still add a 0.00 tax line: the invoice must say why
no tax is charged ("Reverse charge: the customer accounts for the VAT").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from billing.model import Invoice, InvoiceLine
from billing.money import format_money, round_money

KINDS = ("vat", "gst", "sales_tax", "reverse_charge", "exempt")
CHARGED = ("vat", "gst", "sales_tax")
TAX_KIND = "tax"
HUNDRED = Decimal(100)

# What the vendors' own tax lists call these, as best known (override per rate):
# QuickBooks Online UK/AU codes ("20.0% S", "GST", "Exempt"), US "TAX" / "NON";
# Xero UK/AU tax types ("20% (VAT on Income)", "GST on Income", "No VAT", "Exempt Income").
_QB = {"gst": "GST", "sales_tax": "TAX", "reverse_charge": "No VAT", "exempt": "Exempt"}
_XERO = {
    "gst": "GST on Income",
    "sales_tax": "Tax on Sales",
    "reverse_charge": "No VAT",
    "exempt": "Exempt Income",
}


@dataclass(frozen=True)
class TaxRate:
    """One tax treatment; invalid ones are refused with what to change."""

    name: str
    kind: str
    rate: Decimal
    quickbooks_code: str | None = None
    xero_tax_type: str | None = None
    rate_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Tax kind must be one of {', '.join(KINDS)}, got {self.kind!r}.")
        if not str(self.name or "").strip():
            raise ValueError("A tax rate needs a name to print on the invoice (VAT, GST ...).")
        try:
            rate = Decimal(str(self.rate).strip().rstrip("%"))
        except (InvalidOperation, ValueError):
            msg = f"Tax rate {self.rate!r} is not a number (a percent, e.g. 20)."
            raise ValueError(msg) from None
        if not rate.is_finite() or rate < 0 or rate > HUNDRED:
            raise ValueError(
                f"Tax rate {self.rate}% is not a percentage: give a number from 0 to 100."
            )
        if self.kind not in CHARGED and rate != 0:
            raise ValueError(
                f"{self.kind.replace('_', ' ')} charges no tax: its rate must be 0, not {rate}%."
            )
        object.__setattr__(self, "rate", rate)
        object.__setattr__(self, "name", str(self.name).strip())

    @property
    def label(self) -> str:
        """'VAT 20%' as printed on the invoice."""
        return f"{self.name} {self.rate.normalize():f}%"

    @property
    def qb_code(self) -> str:
        if self.quickbooks_code:
            return self.quickbooks_code
        return f"{self.rate:.1f}% S" if self.kind == "vat" else _QB[self.kind]

    @property
    def xero_type(self) -> str:
        if self.xero_tax_type:
            return self.xero_tax_type
        return (
            f"{self.rate.normalize():f}% (VAT on Income)"
            if self.kind == "vat"
            else (_XERO[self.kind])
        )


def line_tax(line: InvoiceLine, tax: TaxRate) -> Decimal:
    """The tax of one line, rounded once (0 for reverse charge / exempt)."""
    return round_money(line.amount * tax.rate / HUNDRED, line.currency)


def taxable(lines: Iterable[InvoiceLine]) -> list[InvoiceLine]:
    return [ln for ln in lines if ln.kind != TAX_KIND]


def tax_line(invoice: Invoice, tax: TaxRate) -> InvoiceLine:
    """The invoice's tax line: the sum of the per-line taxes, with why when nothing is due."""
    lines = taxable(invoice.lines)
    net = sum((ln.amount for ln in lines), Decimal(0))
    amount = sum((line_tax(ln, tax) for ln in lines), Decimal(0))
    base = format_money(net, invoice.currency)
    if tax.kind == "reverse_charge":
        text = f"{tax.name}: reverse charge - the customer accounts for the tax on {base}"
    elif tax.kind == "exempt":
        text = f"{tax.name}: exempt supply, no tax charged on {base}"
    else:
        text = f"{tax.label} on {base}"
    start = invoice.period_start or invoice.issue_date
    end = invoice.period_end or invoice.issue_date
    return InvoiceLine(
        kind=TAX_KIND,
        description=text,
        quantity=Decimal(1),
        unit="tax",
        unit_price=amount,
        amount=amount,
        currency=invoice.currency,
        period_start=start,
        period_end=end,
        role=TAX_KIND,
    )


def with_tax(invoice: Invoice, tax: TaxRate | None) -> Invoice:
    """`invoice` with its tax line (replacing any earlier one); unchanged when no tax applies."""
    if tax is None:
        return invoice
    lines = tuple(taxable(invoice.lines))
    line = tax_line(replace(invoice, lines=lines), tax)
    return replace(invoice, lines=lines + (line,), tax=tax)
