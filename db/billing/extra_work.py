"""Approved out-of-scope requests in a billing run (issue 17 item 6).

Loads the approved requests of the run's contracts, lets billing.extra_work place them
(pure), and after the run saved its drafts links each request to the invoice that carries
its line (the line's rule is ``request:<id>``). A request on an issued invoice stays there;
one on a voided invoice is billable again. Declined and pending requests are never loaded.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from billing.extra_work import KIND, ApprovedRequest, place_requests
from billing.model import Invoice as InvoiceModel
from db.billing.common import _chunks
from db.billing.compute import _Computed
from db.models import Invoice, OutOfScopeRequest, Technician, User

REQUEST_NOT_BILLED = "REQUEST_NOT_BILLED"


def _approved(session: Session, contract_ids: set[int]) -> list[ApprovedRequest]:
    decider, requester = aliased(User), aliased(User)
    rows = session.execute(
        select(
            OutOfScopeRequest,
            Technician.name,
            requester.display_name,
            decider.display_name,
            decider.username,
            Invoice.key,
            Invoice.status,
        )
        .outerjoin(Technician, Technician.id == OutOfScopeRequest.technician_id)
        .outerjoin(requester, requester.id == OutOfScopeRequest.requested_by_id)
        .outerjoin(decider, decider.id == OutOfScopeRequest.decided_by_id)
        .outerjoin(Invoice, Invoice.id == OutOfScopeRequest.invoice_id)
        .where(OutOfScopeRequest.status == "approved", OutOfScopeRequest.contract_id.is_not(None))
    ).all()  # approved requests are few; filtered by contract here
    return [
        ApprovedRequest(
            request_id=r.id,
            contract_id=int(r.contract_id),
            client_id=int(r.client_id),
            description=r.description,
            requested_at=r.requested_at,
            requested_by=tech or who or "technician",
            approved_by=decided or login or "a manager",
            approved_at=r.decided_at or r.requested_at,
            hours=r.hours,
            rate=r.rate,
            currency=r.currency,
            billed_on=None if key is None or status == "void" else key,
        )
        for r, tech, who, decided, login, key, status in rows
        if int(r.contract_id) in contract_ids and r.hours is not None and r.rate is not None
    ]


def _request_lines(session: Session, computed: _Computed) -> _Computed:
    """`computed` with one out-of-scope line per approved request on its invoice."""
    ids = {int(c.contract_id) for c in computed.contracts}
    requests = _approved(session, ids) if ids and computed.run_date else []
    if not requests:
        return computed
    invoices = computed.result.invoices
    closed = _closed(session, computed, requests)
    placed = place_requests(
        invoices,
        requests,
        computed.contracts,
        run_date=computed.run_date,
        since=computed.since or computed.run_date,
        closed=closed,
    )
    problems = list(computed.problems) + [
        (int(r.contract_id), REQUEST_NOT_BILLED, f"out-of-scope request #{r.request_id}: {why}")
        for r, why in placed.unplaced
    ]
    result = replace(computed.result, invoices=placed.invoices)
    return replace(computed, result=result, problems=problems)


def _closed(session: Session, computed: _Computed, requests: list[ApprovedRequest]) -> frozenset:
    """Keys of the contracts' invoices that are no longer drafts (never given a new line)."""
    ids = sorted({int(r.contract_id) for r in requests})
    out: set[str] = set()
    for chunk in _chunks(ids):
        out.update(
            session.scalars(
                select(Invoice.key).where(Invoice.contract_id.in_(chunk), Invoice.status != "draft")
            )
        )
    return frozenset(out)


def request_ids(inv: InvoiceModel) -> list[int]:
    """The requests billed by a drafted invoice (its out-of-scope lines' ``request:<id>``)."""
    return [
        int(ln.role.split(":", 1)[1])
        for ln in inv.lines
        if ln.kind == KIND and ln.role and ln.role.startswith("request:")
    ]


def link_requests(session: Session, invoice_id: int, inv: InvoiceModel) -> int:
    """Point the invoice's requests at it (and release any it no longer carries); how many."""
    ids = request_ids(inv)
    session.execute(
        update(OutOfScopeRequest)
        .where(OutOfScopeRequest.invoice_id == invoice_id, OutOfScopeRequest.id.not_in(ids or [-1]))
        .values(invoice_id=None)
    )
    if ids:
        session.execute(
            update(OutOfScopeRequest)
            .where(OutOfScopeRequest.id.in_(ids))
            .values(invoice_id=invoice_id)
        )
    return len(ids)
