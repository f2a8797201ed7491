"""Invoice exports for accounting: QuickBooks Online, Xero, and a generic CSV/XLSX.

Column layouts follow the vendors' published import templates, as best known:
- QuickBooks Online, "Import invoices" (Sales > Invoices > Import; Intuit help article
  "Import invoices in QuickBooks Online" and its sample CSV): InvoiceNo, Customer,
  InvoiceDate, DueDate, Terms, Location, Memo, Item(Product/Service), ItemDescription,
  ItemQuantity, ItemRate, ItemAmount, ItemTaxCode, ItemTaxAmount, Currency, Service Date.
  One row per line; rows of one invoice share InvoiceNo. The import creates invoices
  only, so credit notes are left out (enter them as credit memos).
- Xero, "Import sales invoices" (Business > Invoices > Import; the template
  SalesInvoiceTemplate.csv from Xero Central "Import invoices using a CSV file"):
  *ContactName, EmailAddress, POAddressLine1-4, POCity, PORegion, POPostalCode,
  POCountry, *InvoiceNumber, Reference, *InvoiceDate, *DueDate, InventoryItemCode,
  *Description, *Quantity, *UnitAmount, Discount, *AccountCode, *TaxType,
  TrackingName1, TrackingOption1, TrackingName2, TrackingOption2, Currency,
  BrandingTheme. A credit note goes in with negative unit amounts.
Tax (billing.tax): the invoice's "tax" line is not a row of its own in QuickBooks or Xero;
each row carries the invoice's tax code instead (QuickBooks ItemTaxCode + ItemTaxAmount,
the per-line tax the invoice summed; Xero *TaxType, Xero computing the tax). Invoices
without a tax rate keep the `tax_code` / `tax_type` arguments. The generic export keeps the
tax line as a line.
Both products recompute a line as quantity x rate, so a line whose displayed quantity
(hours to 4 dp, prorated fees) would not reproduce its amount to the cent is exported
as 1 x amount, the detail staying in the description. Zero-amount lines (included
work) are left out unless asked for. Date formats are parameters (US QuickBooks files
use MM/DD/YYYY; Xero reads the organisation's region format, DD/MM/YYYY by default).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook

from billing.frames import LINE_COLUMNS
from billing.model import Invoice, InvoiceLine
from billing.money import round_money
from billing.tax import TAX_KIND, line_tax
from safe import sheets

QUICKBOOKS_COLUMNS = [
    "InvoiceNo",
    "Customer",
    "InvoiceDate",
    "DueDate",
    "Terms",
    "Location",
    "Memo",
    "Item(Product/Service)",
    "ItemDescription",
    "ItemQuantity",
    "ItemRate",
    "ItemAmount",
    "ItemTaxCode",
    "ItemTaxAmount",
    "Currency",
    "Service Date",
]
XERO_COLUMNS = [
    "*ContactName",
    "EmailAddress",
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
    "*InvoiceNumber",
    "Reference",
    "*InvoiceDate",
    "*DueDate",
    "InventoryItemCode",
    "*Description",
    "*Quantity",
    "*UnitAmount",
    "Discount",
    "*AccountCode",
    "*TaxType",
    "TrackingName1",
    "TrackingOption1",
    "TrackingName2",
    "TrackingOption2",
    "Currency",
    "BrandingTheme",
]
GENERIC_COLUMNS = [
    *LINE_COLUMNS[:3],
    "issue_date",
    "due_date",
    "status",
    "credits_invoice_no",
    *LINE_COLUMNS[3:],
]
ITEM_NAMES = {
    "recurring": "Managed services",
    "units": "Per-unit services",
    "included": "Included work",
    "overage": "Block hours overage",
    "time_and_materials": "Labour",
    "after_hours": "After-hours labour",
    "out_of_scope": "Out-of-scope work",
    "credit": "Service credit",
}


def _number(value: Decimal) -> str:
    """Plain decimal text, no exponent, no trailing zeros (1.5000 -> 1.5)."""
    return f"{value.normalize():f}"


def _rate(value: Decimal) -> str:
    """Two decimals when exact (120.00); every digit otherwise (142.125)."""
    return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else _number(value)


def exact_quantity_rate(line: InvoiceLine) -> tuple[Decimal, Decimal]:
    """(quantity, rate) whose product rounds to the line amount; else (1, amount)."""
    if round_money(line.quantity * line.unit_price, line.currency) == line.amount:
        return line.quantity, line.unit_price
    return Decimal(1), line.amount


def terms(invoice: Invoice) -> str:
    days = (invoice.due_date - invoice.issue_date).days
    return "Due on receipt" if days <= 0 else f"Net {days}"


def _lines(invoice: Invoice, include_zero: bool) -> Iterable[InvoiceLine]:
    return (
        ln
        for ln in invoice.lines
        if ln.kind != TAX_KIND and (include_zero or ln.amount != 0)
    )


def quickbooks_frame(
    invoices: Iterable[Invoice],
    *,
    customers: Mapping | None = None,
    item_names: Mapping[str, str] | None = None,
    tax_code: str = "",
    date_format: str = "%m/%d/%Y",
    include_zero_lines: bool = False,
) -> pd.DataFrame:
    """QuickBooks Online invoice import rows (credit notes left out, see module doc)."""
    customers = customers or {}
    names = {**ITEM_NAMES, **(item_names or {})}
    rows = []
    for inv in invoices:
        if inv.is_credit_note or inv.status == "void":
            continue
        for line in _lines(inv, include_zero_lines):
            qty, rate = exact_quantity_rate(line)
            rows.append(
                {
                    "InvoiceNo": inv.invoice_no,
                    "Customer": customers.get(inv.client_id, str(inv.client_id)),
                    "InvoiceDate": inv.issue_date.strftime(date_format),
                    "DueDate": inv.due_date.strftime(date_format),
                    "Terms": terms(inv),
                    "Location": "",
                    "Memo": f"Contract {inv.contract_id}",
                    "Item(Product/Service)": names.get(line.kind, line.kind),
                    "ItemDescription": line.description,
                    "ItemQuantity": _number(qty),
                    "ItemRate": _rate(rate),
                    "ItemAmount": f"{line.amount:.2f}",
                    "ItemTaxCode": inv.tax.qb_code if inv.tax else tax_code,
                    "ItemTaxAmount": f"{line_tax(line, inv.tax):.2f}" if inv.tax else "",
                    "Currency": inv.currency,
                    "Service Date": line.period_start.strftime(date_format),
                }
            )
    return pd.DataFrame(rows, columns=QUICKBOOKS_COLUMNS)


def xero_frame(
    invoices: Iterable[Invoice],
    *,
    contacts: Mapping | None = None,
    emails: Mapping | None = None,
    account_code: str = "200",
    tax_type: str = "Tax Exempt",
    date_format: str = "%d/%m/%Y",
    include_zero_lines: bool = False,
) -> pd.DataFrame:
    """Xero sales invoice import rows; credit notes as negative unit amounts."""
    contacts, emails = contacts or {}, emails or {}
    rows = []
    for inv in invoices:
        if inv.status == "void":
            continue
        for line in _lines(inv, include_zero_lines):
            qty, rate = exact_quantity_rate(line)
            row = dict.fromkeys(XERO_COLUMNS, "")
            row.update(
                {
                    "*ContactName": contacts.get(inv.client_id, str(inv.client_id)),
                    "EmailAddress": emails.get(inv.client_id, ""),
                    "*InvoiceNumber": inv.invoice_no,
                    "Reference": f"Contract {inv.contract_id}"
                    + (f" credit for {inv.credits_invoice_no}" if inv.is_credit_note else ""),
                    "*InvoiceDate": inv.issue_date.strftime(date_format),
                    "*DueDate": inv.due_date.strftime(date_format),
                    "*Description": line.description,
                    "*Quantity": _number(qty),
                    "*UnitAmount": _rate(rate),
                    "*AccountCode": account_code,
                    "*TaxType": inv.tax.xero_type if inv.tax else tax_type,
                    "Currency": inv.currency,
                }
            )
            rows.append(row)
    return pd.DataFrame(rows, columns=XERO_COLUMNS)


def generic_frame(invoices: Iterable[Invoice]) -> pd.DataFrame:
    """Every line of every invoice with the invoice fields; Decimal amounts kept exact."""
    rows = []
    for inv in invoices:
        for line in inv.lines:
            row = {c: getattr(line, c) for c in LINE_COLUMNS[3:]}
            row.update(
                invoice_no=inv.invoice_no,
                contract_id=inv.contract_id,
                client_id=inv.client_id,
                issue_date=inv.issue_date,
                due_date=inv.due_date,
                status=inv.status,
                credits_invoice_no=inv.credits_invoice_no,
            )
            rows.append(row)
    return pd.DataFrame(rows, columns=GENERIC_COLUMNS)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV, no BOM (importers read the header row literally)."""
    text = frame.astype(object).where(frame.notna(), "").map(lambda v: str(sheets.defuse_csv(v)))
    return text.to_csv(index=False).encode("utf-8")


def to_xlsx_bytes(frame: pd.DataFrame, *, sheet_name: str = "Invoices") -> bytes:
    """XLSX through openpyxl; Decimals become numbers, dates stay dates."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name[:31]
    sheets.write_frame(sheet, frame)
    return sheets.save(book)
