"""Invoice runs: persist a period's drafts and findings idempotently (the preview of the same
drafts, nothing written, is db/billing/preview.py).

The numbers come from billing/ (pure); this module loads its inputs, calls it, and writes
the results back, audited. Idempotency is the `invoices.key` (contract id + period start,
billing.periods.invoice_key): a re-run updates drafts in place and never touches issued,
paid or void invoices.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing.model import Invoice as InvoiceModel
from db import audit
from db.billing.common import PERMISSION, _chunks, _db_lines, parse_period
from db.billing.compute import _existing
from db.billing.drafts import Progress, _computed, _quiet
from db.billing.extra_work import link_requests
from db.billing.preview import RunPreview, _late_entries, preview_run
from db.billing.tax import store_snapshot
from db.models import BillingFinding, BillingRun, BillingRunClient, Invoice, TimeEntry

__all__ = ["RunPreview", "RunSummary", "preview_run", "run_billing"]  # preview: its own module


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    period: str
    created: int
    updated: int
    untouched: int
    findings: int
    entries_checked: int
    entries_passed: int
    requests_billed: int = 0

    @property
    def accuracy(self) -> float:
        return self.entries_passed / self.entries_checked if self.entries_checked else float("nan")

    def text(self) -> str:
        acc = "n/a" if not self.entries_checked else f"{self.accuracy:.1%}"
        return (
            f"Run {self.run_id} for {self.period}: {self.created} drafts created, "
            f"{self.updated} updated, {self.untouched} issued left untouched; "
            f"{self.findings} findings; accuracy {acc} of {self.entries_checked} entries"
            + (
                f"; {self.requests_billed} out-of-scope request"
                f"{'s' if self.requests_billed != 1 else ''} on the drafts."
                if self.requests_billed
                else "."
            )
        )


def _link_entries(session: Session, invoice_id: int, inv: InvoiceModel) -> None:
    session.execute(
        update(TimeEntry).where(TimeEntry.invoice_id == invoice_id).values(invoice_id=None)
    )
    ids = sorted({int(c.entry_id) for ln in inv.lines for c in ln.charges})
    for chunk in _chunks(ids):
        session.execute(
            update(TimeEntry).where(TimeEntry.id.in_(chunk)).values(invoice_id=invoice_id)
        )


def run_billing(
    *, session: Session, actor: Actor, period: str, progress: Progress | None = None
) -> RunSummary:
    """Run billing for a period: persist findings and draft invoices, idempotently.

    `progress(share, text)` hears each step (the page's progress bar)."""
    require(actor, PERMISSION)
    first, last = parse_period(period)
    tell = progress or _quiet
    computed = _computed(session, first, last, tell)
    result, report = computed.result, computed.result.report
    run = BillingRun(
        period_start=first,
        period_end=last,
        created_by_id=actor.user_id,
        lines_total=len(report.entries),
        lines_passed=len(report.passed),
    )
    session.add(run)
    session.flush()
    per_client = [
        {
            "run_id": run.id,
            "client_id": int(r.client_id),
            "entries": int(r.entries),
            "passed": int(r.passed),
        }  # fmt: skip
        for r in report.accuracy_by_client().itertuples()
        if pd.notna(r.client_id) and int(r.client_id) != -1
    ]
    if per_client:
        session.execute(BillingRunClient.__table__.insert(), per_client)
    # Earlier runs of the same period are superseded: their findings are no longer open.
    earlier = select(BillingRun.id).where(
        BillingRun.period_start == first, BillingRun.period_end == last, BillingRun.id != run.id
    )
    session.execute(
        update(BillingFinding).where(BillingFinding.run_id.in_(earlier)).values(resolved=True)
    )
    findings = [
        {
            "run_id": run.id,
            "time_entry_id": int(f.entry_id),
            "contract_id": None if f.contract_id is None else int(f.contract_id),
            "code": str(f.reason),
            "message": f.message,
            "resolved": False,
            "amount": f.amount,
        }
        for f in report.findings
    ]
    findings += [
        {
            "run_id": run.id,
            "time_entry_id": None,
            "contract_id": cid,
            "code": code,
            "message": message,
            "resolved": False,
            "amount": None,
        }
        for cid, code, message in computed.problems
    ]
    if findings:
        session.execute(BillingFinding.__table__.insert(), findings)
    existing = _existing(session, [i.invoice_no for i in result.invoices])
    created = updated = untouched = billed = 0
    late: list[dict] = []
    step = max(1, len(result.invoices) // 20)
    for n, inv in enumerate(result.invoices):
        if n % step == 0:
            tell(0.7 + 0.3 * n / len(result.invoices), f"Saving drafts: {n:,} of "
                 f"{len(result.invoices):,}")  # fmt: skip
        row = existing.get(inv.invoice_no)
        if row is not None and row.status != "draft":
            untouched += 1
            late += _late_entries(session, inv, row)
            continue
        if row is None:
            row = Invoice(number=f"DRAFT-{inv.invoice_no}", key=inv.invoice_no, status="draft")
            session.add(row)
            created += 1
            action, old_total = "create", None
        else:
            updated += 1
            action, old_total = "update", row.total
            row.lines.clear()
        row.run_id = run.id
        row.client_id = int(inv.client_id)
        row.contract_id = int(inv.contract_id)
        row.period_start = inv.period_start
        row.period_end = inv.period_end
        row.issue_date = inv.issue_date
        row.due_date = inv.due_date
        row.currency = inv.currency
        row.total = inv.total
        store_snapshot(row, inv)
        row.lines.extend(_db_lines(inv))
        session.flush()
        _link_entries(session, row.id, inv)
        billed += link_requests(session, row.id, inv)
        if action == "create" or old_total != inv.total:
            audit.record(
                session=session,
                actor=actor,
                entity="invoice",
                entity_id=row.id,
                action=action,
                field="total",
                old=old_total,
                new=inv.total,
            )
    if late:
        rows = [
            {"run_id": run.id, "time_entry_id": f.pop("entry_id"), "resolved": False, **f}
            for f in late
        ]
        session.execute(BillingFinding.__table__.insert(), rows)
    audit.record(
        session=session,
        actor=actor,
        entity="billing_run",
        entity_id=run.id,
        action="run",
        field="period",
        new=f"{first:%Y-%m}",
    )
    session.flush()
    return RunSummary(
        run.id,
        f"{first:%Y-%m}",
        created,
        updated,
        untouched,
        len(findings) + len(late),
        len(report.entries),
        len(report.passed),
        billed,
    )
