"""Invoice runs: preview a period's drafts and findings, or persist them idempotently.

The numbers come from billing/ (pure); this module loads its inputs, calls it, and writes
the results back, audited. Idempotency is the `invoices.key` (contract id + period start,
billing.periods.invoice_key): a re-run updates drafts in place and never touches issued,
paid or void invoices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing.frames import lines_frame
from billing.model import Invoice as InvoiceModel
from db import audit
from db.billing.common import (
    LATE_ENTRY,
    PERMISSION,
    _chunks,
    _db_lines,
    _names,
    _refs,
    parse_period,
)
from db.billing.compute import _compute, _Computed, _existing
from db.billing.credit_lines import _credit_lines
from db.billing.extra_work import _request_lines, link_requests
from db.billing.tax import _tax_lines, store_snapshot
from db.models import BillingFinding, BillingRun, BillingRunClient, Invoice, TimeEntry

Progress = Callable[[float, str], None]


def _quiet(share: float, text: str) -> None:
    """No progress display (the CLI, the jobs, the tests)."""


def _computed(session: Session, first, last, tell: Progress = _quiet) -> _Computed:
    """The run's drafts: priced, service credits, approved extra work, then tax on it all."""
    tell(0.05, "Checking every time entry against its contract…")
    computed = _compute(session, first, last)
    tell(0.45, f"Service credits for {len(computed.result.invoices)} invoices…")
    computed = _credit_lines(session, computed)
    tell(0.6, "Approved out-of-scope requests, then tax…")
    return _tax_lines(session, _request_lines(session, computed))


@dataclass(frozen=True)
class RunPreview:
    """What a run for a period would draft and find (nothing written)."""

    period: str
    invoices: pd.DataFrame
    lines: pd.DataFrame
    findings: pd.DataFrame
    accuracy_by_client: pd.DataFrame
    accuracy: float
    entries_checked: int
    entries_passed: int
    alerts: pd.DataFrame


def _findings_frame(session: Session, computed: _Computed) -> pd.DataFrame:
    report = computed.result.report
    rows = [
        {
            "entry_id": f.entry_id,
            "client_id": f.client_id if f.client_id != -1 else None,
            "contract_id": f.contract_id,
            "code": str(f.reason),
            "blocking": f.blocking,
            "message": f.message,
            "amount": f.amount,
        }
        for f in report.findings
    ]
    owners = computed.owners
    for cid, code, message in computed.problems:
        rows.append(
            {
                "entry_id": None,
                "client_id": owners.get(cid),
                "contract_id": cid,
                "code": code,
                "blocking": True,
                "message": message,
                "amount": None,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["entry_id", "client_id", "contract_id", "code", "blocking", "message", "amount"],
    )
    names, refs = _names(session, frame["client_id"]), _refs(session, frame["contract_id"])
    frame.insert(1, "client", frame["client_id"].map(names))
    frame.insert(2, "contract", frame["contract_id"].map(refs))
    return frame


def preview_run(*, session: Session, actor: Actor, period: str) -> RunPreview:
    """Validate and draft the period's invoices in memory: preview lines and findings."""
    require(actor, PERMISSION)
    first, last = parse_period(period)
    computed = _computed(session, first, last)
    result = computed.result
    existing = _existing(session, [i.invoice_no for i in result.invoices])
    late = [
        {"client_id": inv.client_id, "blocking": False, **f}
        for inv in result.invoices
        if (row := existing.get(inv.invoice_no)) is not None and row.status != "draft"
        for f in _late_entries(session, inv, row)
    ]
    names = _names(session, [i.client_id for i in result.invoices])
    refs = _refs(session, [i.contract_id for i in result.invoices])
    invoices = pd.DataFrame(
        [
            {
                "key": inv.invoice_no,
                "contract": refs.get(inv.contract_id),
                "client": names.get(inv.client_id),
                "bill_date": inv.issue_date,
                "period_start": inv.period_start,
                "period_end": inv.period_end,
                "currency": inv.currency,
                "total": inv.total,
                "lines": len(inv.lines),
                "action": _action(existing.get(inv.invoice_no)),
            }
            for inv in result.invoices
        ],
        columns=[
            "key",
            "contract",
            "client",
            "bill_date",
            "period_start",
            "period_end",
            "currency",
            "total",
            "lines",
            "action",
        ],
    )
    lines = lines_frame(result.invoices).rename(columns={"invoice_no": "key"})
    lines.insert(1, "contract", lines["contract_id"].map(refs))
    lines.insert(2, "client", lines["client_id"].map(names))
    by_client = result.report.accuracy_by_client()
    by_client = by_client[by_client["client_id"] != -1]
    by_client.insert(
        1, "client", by_client["client_id"].map(_names(session, by_client["client_id"]))
    )
    alerts = pd.DataFrame(
        [
            {
                "contract": refs.get(cid) or _refs(session, [cid]).get(cid),
                "window_start": start,
                "used_hours": float(p.used_hours),
                "available_hours": float(p.included_hours + p.rollover_in_hours),
                "share_used": None if p.share_used is None else float(p.share_used),
            }
            for cid, start, p in result.alerts()
        ],
        columns=["contract", "window_start", "used_hours", "available_hours", "share_used"],
    )
    report = result.report
    return RunPreview(
        period=f"{first:%Y-%m}",
        invoices=invoices,
        lines=lines,
        findings=_with_late(session, _findings_frame(session, computed), late),
        accuracy_by_client=by_client.reset_index(drop=True),
        accuracy=report.accuracy(),
        entries_checked=len(report.entries),
        entries_passed=len(report.passed),
        alerts=alerts,
    )


def _with_late(session: Session, frame: pd.DataFrame, late: list[dict]) -> pd.DataFrame:
    if not late:
        return frame
    extra = pd.DataFrame(late)
    extra.insert(1, "client", extra["client_id"].map(_names(session, extra["client_id"])))
    extra.insert(2, "contract", extra["contract_id"].map(_refs(session, extra["contract_id"])))
    return pd.concat([frame, extra[frame.columns]], ignore_index=True)


def _late_entries(session: Session, inv: InvoiceModel, row: Invoice) -> list[dict]:
    """Findings for work `inv` would bill that is on no invoice, though the period's invoice
    `row` was already issued: logged after it went out. Only for invoices a run drafted (their
    entries are linked); included work (charged 0) needs no billing."""
    if row.run_id is None:
        return []
    charged: dict[int, Decimal] = {}
    for line in inv.lines:
        for c in line.charges:
            charged[int(c.entry_id)] = charged.get(int(c.entry_id), Decimal(0)) + c.amount
    ids = sorted(e for e, amount in charged.items() if amount > 0)
    invoiced: set[int] = set()
    for chunk in _chunks(ids):
        invoiced.update(
            session.scalars(
                select(TimeEntry.id).where(
                    TimeEntry.id.in_(chunk), TimeEntry.invoice_id.is_not(None)
                )
            )
        )
    return [
        {
            "entry_id": entry,
            "contract_id": int(inv.contract_id),
            "code": LATE_ENTRY,
            "message": (
                f"logged after invoice {row.number} for {row.period_start:%b %Y} was issued: "
                f"{charged[entry]:.2f} {inv.currency} on no invoice; bill it on a "
                "supplementary invoice (or credit and re-issue)"
            ),
            "amount": charged[entry],
        }
        for entry in ids
        if entry not in invoiced
    ]


def _action(found: Invoice | None) -> str:
    if found is None:
        return "create draft"
    if found.status == "draft":
        return "update draft"
    return f"untouched ({found.status})"


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
