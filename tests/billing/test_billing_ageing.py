import math
from datetime import date
from decimal import Decimal as D

import pandas as pd
import pytest

from billing.ageing import (
    Payment,
    ageing_report,
    bucket_for,
    client_balance,
    credit_note,
    credit_note_lines,
    invoice_balances,
    on_time_payment_share,
)
from billing.backup import backup_frame
from billing.model import EntryCharge, Invoice, InvoiceLine

AS_OF = date(2024, 4, 15)


def line(amount, kind="recurring", charges=()):
    return InvoiceLine(
        kind,
        f"{kind} line",
        D(1),
        "period",
        D(amount),
        D(amount),
        "EUR",
        date(2024, 1, 1),
        date(2024, 1, 31),
        None,
        charges,
    )


def inv(no, amounts, issue, due, client="K1", currency="EUR", status="issued", credits=None):
    lines = tuple(line(a) for a in amounts)
    lines = tuple(ln.__class__(**{**ln.__dict__, "currency": currency}) for ln in lines)
    return Invoice(
        no, "C1", client, currency, issue, due, lines, status, credits_invoice_no=credits
    )


INVOICES = [
    inv("INV-1", ["1000.00"], date(2024, 1, 1), date(2024, 1, 31)),
    inv("INV-2", ["500.00"], date(2024, 2, 1), date(2024, 3, 2)),
    inv("INV-3", ["250.00"], date(2024, 4, 1), date(2024, 5, 1)),
    inv("INV-4", ["800.00"], date(2023, 12, 11), date(2024, 1, 10)),
    inv("INV-5", ["999.00"], date(2024, 4, 1), date(2024, 5, 1), status="draft"),
    inv("INV-6", ["300.00"], date(2024, 3, 31), date(2024, 4, 30)),
    inv("INV-7", ["200.00"], date(2024, 1, 16), date(2024, 2, 15)),
    inv("INV-9", ["600.00"], date(2024, 1, 2), date(2024, 2, 1), client="K2", currency="USD"),
    inv("INV-10", ["90.00"], date(2024, 4, 10), date(2024, 5, 10), client="K3"),
]
CREDIT = credit_note(INVOICES[6], credit_note_no="CN-1", issue_date=date(2024, 2, 20))
PAYMENTS = [
    Payment("P1", "INV-1", date(2024, 1, 20), D("400.00")),
    Payment("P2", "INV-1", date(2024, 1, 31), D("600.00")),
    Payment("P3", "INV-2", date(2024, 3, 10), D("200.00")),
    Payment("P4", "INV-6", date(2024, 4, 10), D("100.00")),
    Payment("P5", "INV-9", date(2024, 2, 5), D("600.00"), "USD"),
    Payment("P6", "INV-3", date(2024, 4, 20), D("250.00")),  # after AS_OF: not counted yet
]
ALL = [*INVOICES, CREDIT]


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-3, "current"),
        (0, "current"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
    ],
)
def test_bucket_edges(days, bucket):
    assert bucket_for(days) == bucket


def test_statuses_balances_and_buckets_at_a_date():
    frame = invoice_balances(ALL, PAYMENTS, as_of=AS_OF).set_index("invoice_no")
    got = {
        no: (r.status, r.balance, r.days_past_due, None if pd.isna(r.bucket) else r.bucket)
        for no, r in frame.iterrows()
    }
    # INV-2: due 2 Mar, 200 of 500 paid -> 300 left, 29 + 15 = 44 days late
    # INV-4: due 10 Jan -> 21 + 29 + 31 + 15 = 96 days late
    assert got == {
        "INV-1": ("paid", D("0.00"), 0, None),
        "INV-2": ("overdue", D("300.00"), 44, "31-60"),
        "INV-3": ("issued", D("250.00"), 0, "current"),
        "INV-4": ("overdue", D("800.00"), 96, "90+"),
        "INV-5": ("draft", D("0.00"), 0, None),
        "INV-6": ("partially_paid", D("200.00"), 0, "current"),
        "INV-7": ("credited", D("0.00"), 0, None),
        "INV-9": ("paid", D("0.00"), 0, None),
        "INV-10": ("issued", D("90.00"), 0, "current"),
    }
    assert frame.loc["INV-1", "settled_on"] == date(2024, 1, 31)
    assert frame.loc["INV-7", "credited"] == D("200.00")


def test_later_payment_settles_the_invoice():
    frame = invoice_balances(ALL, PAYMENTS, as_of=date(2024, 4, 20)).set_index("invoice_no")
    assert frame.loc["INV-3", "status"] == "paid"


def test_ageing_report_per_client_and_currency():
    report = ageing_report(ALL, PAYMENTS, as_of=AS_OF)
    assert report.to_dict("records") == [
        {
            "client_id": "K1",
            "currency": "EUR",
            "current": D("450.00"),
            "1-30": D("0.00"),
            "31-60": D("300.00"),
            "61-90": D("0.00"),
            "90+": D("800.00"),
            "total": D("1550.00"),
        },
        {
            "client_id": "K3",
            "currency": "EUR",
            "current": D("90.00"),
            "1-30": D("0.00"),
            "31-60": D("0.00"),
            "61-90": D("0.00"),
            "90+": D("0.00"),
            "total": D("90.00"),
        },
    ]
    balance = client_balance(ALL, PAYMENTS, as_of=AS_OF)
    assert balance.to_dict("records") == [
        {"client_id": "K1", "currency": "EUR", "balance": D("1550.00")},
        {"client_id": "K3", "currency": "EUR", "balance": D("90.00")},
    ]


def test_on_time_payment_share():
    share = on_time_payment_share(ALL, PAYMENTS, as_of=AS_OF).set_index("client_id")
    # K1 decided: INV-1 on time; INV-2 and INV-4 past due -> 1 of 3 (INV-7 credited, left out;
    # INV-3 and INV-6 not due yet). K2: INV-9 paid 5 Feb, due 1 Feb -> 0 of 1.
    # K3: nothing decided -> NaN
    assert share.loc["K1", "invoices_decided"] == 3 and share.loc["K1", "paid_on_time"] == 1
    assert share.loc["K1", "on_time_share"] == pytest.approx(1 / 3)
    assert share.loc["K2", "on_time_share"] == 0.0
    assert math.isnan(share.loc["K3", "on_time_share"])


def test_credit_note_negates_lines_and_their_charges():
    charge = EntryCharge(
        "E1", date(2024, 1, 5), "T1", "U1", "engineer", D(90), D(100), "T&M", D("150.00")
    )
    original = Invoice(
        "INV-20",
        "C1",
        "K1",
        "EUR",
        date(2024, 2, 1),
        date(2024, 3, 2),
        (line("1000.00"), line("150.00", "time_and_materials", (charge,))),
        "issued",
    )
    cn = credit_note(
        original, credit_note_no="CN-2", issue_date=date(2024, 2, 10), line_numbers=[2]
    )
    assert cn.total == D("-150.00") and cn.credits_invoice_no == "INV-20"
    assert cn.lines[0].description == "Credit for INV-20: time_and_materials line"
    assert sum(backup_frame(cn)["amount"]) == D("-150.00")  # the backup still sums
    frame = invoice_balances([original, cn], [], as_of=date(2024, 2, 15)).set_index("invoice_no")
    assert frame.loc["INV-20", "balance"] == D("1000.00")
    assert frame.loc["INV-20", "status"] == "partially_paid"


def test_only_issued_invoices_get_credit_notes():
    with pytest.raises(ValueError, match="only issued invoices"):
        credit_note_lines(INVOICES[4])
    with pytest.raises(ValueError, match="is a credit note"):
        credit_note_lines(CREDIT)


def test_payment_in_another_currency_is_refused():
    with pytest.raises(ValueError, match="in USD, invoice in EUR"):
        invoice_balances(
            INVOICES, [Payment("P", "INV-1", date(2024, 1, 5), D(1), "USD")], as_of=AS_OF
        )


def test_float_payment_is_refused():
    with pytest.raises(TypeError):
        Payment("P", "INV-1", date(2024, 1, 5), 10.5)
