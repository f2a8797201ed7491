"""Placing approved out-of-scope requests on a run's invoices (pure, billing.extra_work)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from billing.extra_work import ApprovedRequest, place_requests
from billing.pricing import TimeAndMaterials
from billing.run import invoice_run
from tests.billing.billing_factories import D, at, contract

RUN = date(2024, 4, 1)  # arrears: March billed on 1 April
SINCE = date(2024, 3, 31)


def request(n: int = 1, **overrides) -> ApprovedRequest:
    data = dict(
        request_id=n, contract_id="C1", client_id="K1", description="replace the toner",
        requested_at=at(12), requested_by="Tina Tech", approved_by="Ann Manager",
        approved_at=at(13), hours=D("1.5"), rate=D("120.005"), currency="EUR",
    )  # fmt: skip
    data.update(overrides)
    return ApprovedRequest(**data)


def _run(c):
    return invoice_run([c], [], run_date=RUN, since=SINCE).invoices


def test_goes_on_the_contracts_invoice_as_one_line_rounded_once():
    c = contract()
    placed = place_requests(_run(c), [request()], [c], run_date=RUN, since=SINCE)
    (inv,) = placed.invoices
    assert [ln.kind for ln in inv.lines] == ["recurring", "out_of_scope"]
    line = inv.lines[-1]
    assert (line.quantity, line.unit_price, line.amount) == (D("1.5"), D("120.005"), D("180.01"))
    assert (line.period_start, line.period_end) == (date(2024, 3, 1), date(2024, 3, 31))
    assert line.role == "request:1"
    assert placed.placed == {1: inv.invoice_no} and placed.unplaced == []
    assert inv.total == D("1180.01")


def test_no_invoice_in_the_run_makes_one_for_the_latest_period():
    c = contract(pricing=TimeAndMaterials(rates={"engineer": D("100")}))
    assert _run(c) == ()  # nothing else billed: the request still is
    placed = place_requests((), [request()], [c], run_date=RUN, since=SINCE)
    (inv,) = placed.invoices
    assert inv.invoice_no == "C1:2024-03-01" and inv.issue_date == RUN
    assert inv.total == D("180.01")


def test_billed_request_returns_only_to_its_own_invoice():
    c = contract()
    again = place_requests(
        _run(c), [request(billed_on="C1:2024-03-01")], [c], run_date=RUN, since=SINCE
    )
    assert [ln.kind for ln in again.invoices[0].lines] == ["recurring", "out_of_scope"]
    elsewhere = place_requests(
        _run(c), [request(billed_on="C1:2024-02-01")], [c], run_date=RUN, since=SINCE
    )
    assert [ln.kind for ln in elsewhere.invoices[0].lines] == ["recurring"]
    assert elsewhere.placed == {} and elsewhere.unplaced == []


def test_issued_invoice_wrong_currency_and_future_requests_are_not_placed():
    c = contract()
    closed = place_requests(
        _run(c), [request()], [c], run_date=RUN, since=SINCE, closed=frozenset({"C1:2024-03-01"})
    )
    assert closed.placed == {} and "next period bills it" in closed.unplaced[0][1]
    dollars = place_requests(_run(c), [request(currency="USD")], [c], run_date=RUN, since=SINCE)
    assert "priced in USD, the contract bills in EUR" in dollars.unplaced[0][1]
    later = place_requests(
        _run(c), [request(requested_at=at(2, month=4))], [c], run_date=RUN, since=SINCE
    )
    assert later.placed == {} and later.unplaced == []  # the next run bills it


def test_evidence_names_who_when_what_and_price():
    line = request(description="  replace   the toner\nin reception ").line(
        date(2024, 3, 1), date(2024, 3, 31)
    )
    assert line.description == (
        "Out-of-scope request #1: replace the toner in reception (asked 12 Mar 2024, logged by "
        "Tina Tech; approved 13 Mar 2024 by Ann Manager; 1.5 h at 120.005)"
    )
    assert request(hours=Decimal("2")).amount == D("240.01")
