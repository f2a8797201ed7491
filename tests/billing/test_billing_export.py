import csv
import io
from datetime import date
from decimal import Decimal as D

from openpyxl import load_workbook

from billing.ageing import credit_note
from billing.export import (
    GENERIC_COLUMNS,
    exact_quantity_rate,
    generic_frame,
    quickbooks_frame,
    to_csv_bytes,
    to_xlsx_bytes,
    xero_frame,
)
from billing.model import Invoice, Usage
from billing.periods import iter_periods
from billing.pricing import FixedFee, TimeAndMaterials, invoice_lines
from tests.billing.billing_factories import at, contract, entry

QBO_HEADER = (
    "InvoiceNo,Customer,InvoiceDate,DueDate,Terms,Location,Memo,Item(Product/Service),"
    "ItemDescription,ItemQuantity,ItemRate,ItemAmount,ItemTaxCode,ItemTaxAmount,Currency,"
    "Service Date"
)
XERO_HEADER = (
    "*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,"
    "POCity,PORegion,POPostalCode,POCountry,*InvoiceNumber,Reference,*InvoiceDate,*DueDate,"
    "InventoryItemCode,*Description,*Quantity,*UnitAmount,Discount,*AccountCode,*TaxType,"
    "TrackingName1,TrackingOption1,TrackingName2,TrackingOption2,Currency,BrandingTheme"
)


def make_invoice() -> Invoice:
    card = TimeAndMaterials({"engineer": D(120), "senior": D(125)})
    c = contract(pricing=FixedFee(D("1000")), rates=card)
    march = next(p for p in iter_periods(c, until=date(2025, 1, 1)) if p.start.month == 3)
    entries = [
        entry(minutes=30),  # included: a zero line
        entry(minutes=90, entitlement_outcome="out_of_scope", approved=True, started_at=at(6)),
        entry(minutes=10, role="senior", entitlement_outcome="out_of_scope", approved=True),
    ]
    lines = invoice_lines(c, march, Usage(entries))
    return Invoice(
        "INV-100",
        "C1",
        "K1",
        "EUR",
        date(2024, 4, 1),
        date(2024, 5, 1),
        tuple(lines),
        "issued",
        march.start,
        march.last_day,
    )


INVOICE = make_invoice()


def parse(data: bytes) -> tuple[str, list[dict]]:
    text = data.decode("utf-8")
    return text.splitlines()[0], list(csv.DictReader(io.StringIO(text)))


def test_worked_invoice():
    # fee 1000.00; included 0.5 h at 0; engineer 1.5 h at 120 = 180.00;
    # senior 10 min at 125 = 20.833.. -> 20.83
    assert [(ln.kind, ln.amount) for ln in INVOICE.lines] == [
        ("recurring", D("1000.00")),
        ("included", D("0.00")),
        ("out_of_scope", D("180.00")),
        ("out_of_scope", D("20.83")),
    ]


def test_exact_quantity_rate_falls_back_to_one_times_amount():
    senior = INVOICE.lines[3]
    # displayed 0.1667 h x 125 = 20.8375 -> 20.84, not 20.83: export 1 x 20.83
    assert senior.quantity == D("0.1667")
    assert exact_quantity_rate(senior) == (D(1), D("20.83"))
    assert exact_quantity_rate(INVOICE.lines[2]) == (D("1.5000"), D(120))


def test_quickbooks_layout_and_rows():
    header, rows = parse(to_csv_bytes(quickbooks_frame([INVOICE], customers={"K1": "Acme Ltd"})))
    assert header == QBO_HEADER
    assert len(rows) == 3  # the zero "included" line is left out
    fee, engineer, senior = rows
    assert fee["InvoiceNo"] == "INV-100" and fee["Customer"] == "Acme Ltd"
    assert (fee["InvoiceDate"], fee["DueDate"], fee["Terms"]) == (
        "04/01/2024",
        "05/01/2024",
        "Net 30",
    )
    assert fee["Item(Product/Service)"] == "Managed services"
    assert (fee["ItemQuantity"], fee["ItemRate"], fee["ItemAmount"]) == ("1", "1000.00", "1000.00")
    assert (engineer["ItemQuantity"], engineer["ItemRate"], engineer["ItemAmount"]) == (
        "1.5",
        "120.00",
        "180.00",
    )
    assert (senior["ItemQuantity"], senior["ItemRate"], senior["ItemAmount"]) == (
        "1",
        "20.83",
        "20.83",
    )
    assert engineer["Item(Product/Service)"] == "Out-of-scope work"
    assert sum(D(r["ItemAmount"]) for r in rows) == INVOICE.total == D("1200.83")
    for r in rows:  # every row recomputes to its amount
        assert (D(r["ItemQuantity"]) * D(r["ItemRate"])).quantize(D("0.01")) == D(r["ItemAmount"])


def test_xero_layout_and_rows_including_a_credit_note():
    cn = credit_note(
        INVOICE, credit_note_no="CN-100", issue_date=date(2024, 4, 5), line_numbers=[4]
    )
    header, rows = parse(
        to_csv_bytes(
            xero_frame([INVOICE, cn], contacts={"K1": "Acme Ltd"}, emails={"K1": "ap@acme.test"})
        )
    )
    assert header == XERO_HEADER
    assert [r["*InvoiceNumber"] for r in rows] == ["INV-100"] * 3 + ["CN-100"]
    first = rows[0]
    assert (first["*ContactName"], first["EmailAddress"]) == ("Acme Ltd", "ap@acme.test")
    assert (first["*InvoiceDate"], first["*DueDate"]) == ("01/04/2024", "01/05/2024")
    assert (first["*AccountCode"], first["*TaxType"], first["Currency"]) == (
        "200",
        "Tax Exempt",
        "EUR",
    )
    credit = rows[3]
    assert (credit["*Quantity"], credit["*UnitAmount"]) == ("1", "-20.83")
    assert credit["Reference"] == "Contract C1 credit for INV-100"
    total = sum(D(r["*Quantity"]) * D(r["*UnitAmount"]) for r in rows)
    assert total == D("1180.00")  # 1200.83 - 20.83


def test_quickbooks_leaves_credit_notes_out():
    cn = credit_note(INVOICE, credit_note_no="CN-100", issue_date=date(2024, 4, 5))
    assert quickbooks_frame([cn]).empty


def test_zero_lines_on_request():
    assert len(quickbooks_frame([INVOICE], include_zero_lines=True)) == 4


def test_generic_csv_and_xlsx_keep_every_line_exactly():
    frame = generic_frame([INVOICE])
    assert list(frame.columns) == GENERIC_COLUMNS
    header, rows = parse(to_csv_bytes(frame))
    assert header.split(",") == GENERIC_COLUMNS
    assert [r["amount"] for r in rows] == ["1000.00", "0.00", "180.00", "20.83"]
    assert rows[0]["role"] == ""  # missing values are empty, never "nan"
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == GENERIC_COLUMNS
    amounts = [D(str(r[GENERIC_COLUMNS.index("amount")])) for r in values[1:]]
    assert sum(amounts) == D("1200.83")
