"""Approved out-of-scope requests as invoice lines: each on exactly one invoice.

Pure: the drafted invoices of a run and the approved requests in, the invoices with one
"out_of_scope" line per request out, plus the requests that found no invoice. A request
already billed on invoice K goes back on K when the run drafts K again (a re-run rebuilds
the same line) and nowhere else; an unbilled one goes on its contract's latest invoice of
the run, or on a new one for the contract's latest period when the run drafts none. The
line's description is the evidence: what was asked, by whom, when, who approved, the price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from billing.model import ContractBilling, Id, Invoice, InvoiceLine
from billing.money import round_money
from billing.periods import bill_date, invoice_key, periods_for

KIND = "out_of_scope"


@dataclass(frozen=True)
class ApprovedRequest:
    """An approved request as billing needs it; `billed_on` is the invoice key it is on."""

    request_id: int
    contract_id: Id
    client_id: Id
    description: str
    requested_at: datetime
    requested_by: str
    approved_by: str
    approved_at: datetime
    hours: Decimal
    rate: Decimal
    currency: str
    billed_on: str | None = None

    @property
    def amount(self) -> Decimal:
        return round_money(self.hours * self.rate, self.currency)

    def line(self, period_start: date, period_end: date) -> InvoiceLine:
        """The invoice line, its description the evidence a client can check."""
        what = " ".join(self.description.split())
        if len(what) > 120:
            what = what[:119] + "…"
        evidence = (
            f"Out-of-scope request #{self.request_id}: {what} (asked {self.requested_at:%d %b %Y}"
            f", logged by {self.requested_by}; approved {self.approved_at:%d %b %Y} by "
            f"{self.approved_by}; {self.hours.normalize():f} h at {_rate(self.rate)})"
        )
        return InvoiceLine(
            kind=KIND,
            description=evidence[:300],
            quantity=self.hours,
            unit="hour",
            unit_price=self.rate,
            amount=self.amount,
            currency=self.currency,
            period_start=period_start,
            period_end=period_end,
            role=f"request:{self.request_id}",
        )


def _rate(value: Decimal) -> str:
    """Two decimals when exact (120.00), every digit otherwise (120.005): never rounded."""
    exact = value == value.quantize(Decimal("0.01"))
    return f"{value:,.2f}" if exact else f"{value.normalize():,f}"


@dataclass(frozen=True)
class Placed:
    invoices: tuple[Invoice, ...]
    placed: dict[int, str]  # request id -> invoice key
    unplaced: list[tuple[ApprovedRequest, str]]  # request, why


def _new_invoice(
    contract: ContractBilling, run_date: date, since: date, key: str | None = None
) -> Invoice | None:
    """An empty invoice for the contract's period `key` billed in the run (default: the
    latest such period), None when the run bills no such period."""
    periods = periods_for(contract, run_date, since=since)
    if key is not None:
        periods = [p for p in periods if invoice_key(contract.contract_id, p) == key]
    if not periods:
        return None
    period = periods[-1]
    issued = bill_date(contract, period)
    return Invoice(
        invoice_no=invoice_key(contract.contract_id, period),
        contract_id=contract.contract_id,
        client_id=contract.client_id,
        currency=contract.currency,
        issue_date=issued,
        due_date=issued + timedelta(days=contract.payment_terms_days),
        lines=(),
        period_start=period.start,
        period_end=max(period.start, period.last_day),
    )


def place_requests(
    invoices: Sequence[Invoice],
    requests: Sequence[ApprovedRequest],
    contracts: Sequence[ContractBilling],
    *,
    run_date: date,
    since: date,
    closed: frozenset[str] = frozenset(),
) -> Placed:
    """Put each approved request on one invoice of the run (see the module docstring).

    `closed`: keys of invoices already issued (or void); a new request never goes on those.
    """
    out = list(invoices)
    by_key = {inv.invoice_no: i for i, inv in enumerate(out)}
    by_contract = {c.contract_id: c for c in contracts}
    placed: dict[int, str] = {}
    unplaced: list[tuple[ApprovedRequest, str]] = []
    for req in sorted(requests, key=lambda r: (r.requested_at, r.request_id)):
        contract = by_contract.get(req.contract_id)
        if req.billed_on is not None:
            key = req.billed_on
            if key not in by_key and key not in closed and contract is not None:
                # its draft holds only extra work (nothing else priced): drafted again
                new = _new_invoice(contract, run_date, since, key)
                if new is not None:
                    out.append(new)
                    by_key[key] = len(out) - 1
            if key in by_key:  # re-run of its invoice: the same line again
                placed[req.request_id] = key
                _append(out, by_key[key], req)
            continue  # on an invoice outside this run: billed already
        if req.requested_at.date() > run_date:
            continue  # asked after this run's bill dates: the next run bills it
        mine = [i for i, inv in enumerate(out) if inv.contract_id == req.contract_id]
        own = [i for i in mine if out[i].invoice_no not in closed]
        if not mine:
            new = _new_invoice(contract, run_date, since) if contract else None
            if new is None or new.invoice_no in closed:
                unplaced.append((req, "its contract has no open invoice in this period"))
                continue
            out.append(new)
            by_key[new.invoice_no] = len(out) - 1
            own = [len(out) - 1]
        if not own:
            unplaced.append((req, "this period's invoice is issued: the next period bills it"))
            continue
        target = max(own, key=lambda i: (out[i].period_start or date.min, out[i].invoice_no))
        if out[target].currency != req.currency:
            unplaced.append(
                (req, f"priced in {req.currency}, the contract bills in {out[target].currency}")
            )
            continue
        placed[req.request_id] = out[target].invoice_no
        _append(out, target, req)
    return Placed(tuple(out), placed, unplaced)


def _append(out: list[Invoice], index: int, req: ApprovedRequest) -> None:
    inv = out[index]
    start = inv.period_start or inv.issue_date
    end = inv.period_end or inv.issue_date
    out[index] = replace(inv, lines=(*inv.lines, req.line(start, end)))
