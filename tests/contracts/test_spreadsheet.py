"""Reading contract lists exported by PSAs and spreadsheets (pure: no store)."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook

from contracts.spreadsheet import SheetRejected, parse_amount, parse_date, read_sheet

CONNECTWISE = (
    "Agreement Type,Agreement Name,Company Name,Amount,Billing Cycle,Date Start,Date End,"
    "Agreement Status\n"
    "Managed Services,Acme MSA,Acme Dental,\"$1,250.00\",Monthly,01/15/2026,01/14/2027,Active\n"
    "Block Time,Acme Block,Acme Dental,900.00,Monthly,2026-02-01,,Active\n"
    "Managed Services,Broken,Northwind,12x,Quarterly,someday,,Cancelled\n"
)


def test_connectwise_export_maps_type_cycle_status_and_amounts():
    rows = read_sheet(CONNECTWISE.encode(), "agreements.csv", preset="connectwise")
    assert [r.row for r in rows] == [2, 3, 4]
    msa, block, broken = rows
    assert msa.errors == []
    assert msa.values["client"] == "Acme Dental"
    assert msa.values["start_date"] == date(2026, 1, 15)
    assert msa.values["end_date"] == date(2027, 1, 14)
    assert msa.values["recurring_fee"] == Decimal("1250.00")
    assert msa.values["pricing_model"] == "fixed"
    assert msa.values["billing_cycle"] == "monthly"
    assert msa.values["status"] == "active"
    # Block time without included hours and overage rate: imported, model left to complete.
    assert block.values["pricing_model"] is None
    assert "block hours needs included hours, overage rate" in block.notes[0]
    assert broken.errors == [
        "start date: 'someday' is not a date",
        "recurring fee: '12x' is not an amount",
    ]


def test_reference_is_derived_stably_when_the_export_has_none():
    a = read_sheet(CONNECTWISE.encode(), "a.csv", preset="connectwise")
    b = read_sheet(CONNECTWISE.encode(), "b.csv", preset="connectwise")
    assert a[0].values["reference"] == b[0].values["reference"]
    assert a[0].values["reference"].startswith("IMP-")
    assert a[0].values["reference"] != a[1].values["reference"]


def test_xlsx_with_a_title_above_the_header_row_is_read():
    wb = Workbook()
    ws = wb.active
    ws.append(["Contracts export 2026-11-30"])
    ws.append([])
    ws.append(["Contract Name", "Organization", "Contract Type", "Start Date", "End Date",
               "Contract Number", "Hourly Rate"])
    ws.append(["Northwind T&M", "Northwind Logistics", "Time & Materials",
               date(2026, 3, 1), date(2027, 2, 28), "AT-77", 95])
    buf = BytesIO()
    wb.save(buf)
    (row,) = read_sheet(buf.getvalue(), "contracts.xlsx", preset="autotask")
    assert row.row == 4
    assert row.values["reference"] == "AT-77"
    assert row.values["pricing_model"] == "time_materials"
    assert row.values["hourly_rate"] == Decimal("95")
    assert row.values["start_date"] == date(2026, 3, 1)


def test_missing_required_column_names_it_and_the_headers_seen():
    with pytest.raises(SheetRejected) as exc:
        read_sheet(b"Name,Amount\nx,1\n", "x.csv", preset="halopsa")
    msg = str(exc.value)
    assert "'Client' (client)" in msg and "'Start Date' (start date)" in msg
    assert "'Name', 'Amount'" in msg


@pytest.mark.parametrize("data", [b"", b"   \n", b"client,start_date\n"])
def test_empty_or_header_only_files_are_refused_clearly(data):
    with pytest.raises(SheetRejected):
        read_sheet(data, "x.csv", preset="generic")


def test_unknown_preset_and_broken_workbook_are_refused():
    with pytest.raises(SheetRejected, match="Unknown preset"):
        read_sheet(b"a\n1\n", "x.csv", preset="salesforce")
    with pytest.raises(SheetRejected, match="Excel workbook"):
        read_sheet(b"not a zip", "x.xlsx", preset="generic")


def test_day_first_dates_and_local_number_formats():
    assert parse_date("05.11.2026", dayfirst=True) == date(2026, 11, 5)
    assert parse_date("05.11.2026") == date(2026, 5, 11)
    assert parse_date("2026-11-05 00:00:00") == date(2026, 11, 5)
    assert parse_amount("1.234,50 €") == Decimal("1234.50")
    assert parse_amount("151'440.00") == Decimal("151440.00")
    assert parse_amount("$12,000") == Decimal("12000")
    with pytest.raises(ValueError, match="negative"):
        parse_amount("-5")
