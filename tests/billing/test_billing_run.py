from datetime import UTC, date, datetime
from decimal import Decimal as D

import pandas as pd
import pytest

from billing.blockhours import BlockHoursState
from billing.frames import contract_from_row, entries_from_frame, entries_to_frame, lines_frame
from billing.periods import invoice_key, periods_for
from billing.pricing import BlockHours, FixedFee, TimeAndMaterials
from billing.run import invoice_run
from tests.billing.billing_factories import contract

ARREARS = contract(
    contract_id="C1",
    client_id="K1",
    pricing=FixedFee(D("1000")),
    rates=TimeAndMaterials({"engineer": D(120)}),
)
ADVANCE = contract(
    contract_id="C2",
    client_id="K2",
    billing_timing="advance",
    pricing=BlockHours(D(10), D(500), D(150), rollover=True, rollover_cap_hours=D(4)),
    end_date=date(2024, 3, 31),
)


def frame_of(rows):
    base = {
        "contract_id": "C1",
        "client_id": "K1",
        "technician_id": "U1",
        "role": "engineer",
        "rate_charged": float("nan"),
        "currency": "EUR",
        "entitlement_outcome": "covered",
        "approved": False,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


ENTRIES = frame_of(
    [
        {
            "entry_id": 1,
            "ticket_id": 11,
            "started_at": "2024-01-10T09:00:00+00:00",
            "minutes": 60,
            "entitlement_outcome": "out_of_scope",
            "approved": True,
        },
        {
            "entry_id": 2,
            "ticket_id": float("nan"),
            "started_at": "2024-01-11T09:00:00+00:00",
            "minutes": 30,
            "entitlement_outcome": "out_of_scope",
            "approved": True,
        },
        {
            "entry_id": 3,
            "ticket_id": 13,
            "started_at": "2024-02-12T09:00:00+00:00",
            "minutes": 90,
            "entitlement_outcome": "out_of_scope",
            "approved": "true",
            "rate_charged": 100.0,
        },
        {
            "entry_id": 4,
            "ticket_id": 14,
            "contract_id": "C2",
            "client_id": "K2",
            "started_at": "2024-01-15T09:00:00+00:00",
            "minutes": 360,
        },
        {
            "entry_id": 5,
            "ticket_id": 15,
            "contract_id": "C2",
            "client_id": "K2",
            "started_at": "2024-02-15T09:00:00+00:00",
            "minutes": 960,
        },
        {
            "entry_id": 6,
            "ticket_id": 16,
            "contract_id": float("nan"),
            "client_id": "K2",
            "started_at": "2024-03-15T09:00:00+00:00",
            "minutes": 180,
        },
    ]
)


def test_entries_from_frame_cleans_nan_and_numpy_values():
    entries = entries_from_frame(ENTRIES)
    assert entries[1].ticket_id is None
    assert entries[0].ticket_id == 11 and type(entries[0].ticket_id) is int
    assert entries[2].rate_charged == D("100.0") and entries[0].rate_charged is None
    assert entries[2].approved is True
    assert entries[5].contract_id is None
    assert entries[0].started_at == datetime(2024, 1, 10, 9, tzinfo=UTC)
    again = entries_from_frame(entries_to_frame(entries))
    assert again == entries


def test_entries_frame_must_have_the_columns():
    with pytest.raises(ValueError, match="lacks columns: minutes"):
        entries_from_frame(ENTRIES.drop(columns=["minutes"]))


def test_naive_start_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        entries_from_frame(
            frame_of(
                [{"entry_id": 1, "ticket_id": 1, "minutes": 5, "started_at": "2024-01-10T09:00:00"}]
            )
        )


def test_invoice_run_drafts_due_invoices_with_usage_in_the_right_window():
    result = invoice_run([ARREARS, ADVANCE], entries_from_frame(ENTRIES), run_date=date(2024, 4, 1))
    summary = [(i.invoice_no, i.issue_date, i.total) for i in result.invoices]
    # C1 arrears: Jan fee 1000 + 1 h out of scope at 120 (entry 2 held: no ticket) = 1120.00;
    # Feb 1000 + 1.5 h at 120 = 180 -> 1180.00 (charged 100/h: corrected); Mar 1000.00.
    # C2 advance: Jan fee 500 (no usage yet); Feb fee + Jan usage 6 h (within 10): 500;
    # Mar fee + Feb usage 16 h with 4 rolled in: 2 h over at 150 = 300 -> 800;
    # closing (1 Apr) bills March usage 3 h: nothing over, so no invoice.
    assert summary == [
        ("C1:2024-01-01", date(2024, 2, 1), D("1120.00")),
        ("C1:2024-02-01", date(2024, 3, 1), D("1180.00")),
        ("C1:2024-03-01", date(2024, 4, 1), D("1000.00")),
        ("C2:2024-01-01", date(2024, 1, 1), D("500.00")),
        ("C2:2024-02-01", date(2024, 2, 1), D("500.00")),
        ("C2:2024-03-01", date(2024, 3, 1), D("800.00")),
    ]
    assert result.invoices[0].due_date == date(2024, 3, 2)  # 30 days
    assert [f.reason.value for f in result.report.findings] == ["MISSING_TICKET", "RATE_MISMATCH"]
    assert result.accuracy == pytest.approx(4 / 6)
    assert result.block_states["C2"] == BlockHoursState(D(4), D(0))  # after March: min(4, 7)
    assert [(cid, start) for cid, start, _ in result.alerts()] == [("C2", date(2024, 2, 1))]
    lines = lines_frame(result.invoices)
    assert lines[lines["kind"] == "overage"]["amount"].tolist() == [D("300.00")]


def test_a_second_run_over_the_same_dates_yields_the_same_keys():
    first = invoice_run([ARREARS], entries_from_frame(ENTRIES), run_date=date(2024, 4, 1))
    again = invoice_run([ARREARS], entries_from_frame(ENTRIES), run_date=date(2024, 4, 1))
    assert [i.invoice_no for i in first.invoices] == [i.invoice_no for i in again.invoices]
    later = invoice_run([ARREARS], [], run_date=date(2024, 5, 1), since=date(2024, 4, 1))
    assert [i.invoice_no for i in later.invoices] == ["C1:2024-04-01"]
    last = periods_for(ARREARS, date(2024, 5, 1))[-1]
    assert later.invoices[0].invoice_no == invoice_key("C1", last) == "C1:2024-04-01"


def test_contract_from_database_row():
    row = {
        "id": 7,
        "client_id": 3,
        "currency": "GBP",
        "pricing_model": "block_hours",
        "billing_cycle": "monthly",
        "billing_timing": "arrears",
        "start_date": pd.Timestamp("2024-01-01"),
        "end_date": pd.NaT,
        "recurring_fee": D("500"),
        "included_hours": D("10"),
        "overage_rate": D("150"),
        "rollover": True,
        "rollover_cap_hours": None,
        "role_rates": {"engineer": "95.00"},
        "after_hours_multiplier": D("2"),
        "timezone": "Europe/London",
    }
    c = contract_from_row(row)
    assert (c.contract_id, c.client_id, c.end_date, c.timezone) == (7, 3, None, "Europe/London")
    assert c.pricing == BlockHours(D(10), D(500), D(150), rollover=True)
    assert c.rates == TimeAndMaterials({"engineer": D("95.00")}, D(2))
