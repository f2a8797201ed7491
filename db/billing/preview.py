"""A billing run's preview: the period's drafts and findings, computed, nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing.frames import lines_frame
from billing.model import Invoice as InvoiceModel
from db.billing import preview_cache
from db.billing.common import LATE_ENTRY, PERMISSION, _chunks, _names, _refs, parse_period
from db.billing.compute import _Computed, _existing
from db.billing.drafts import _computed
from db.models import Invoice, TimeEntry


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
    """Validate and draft the period's invoices in memory: preview lines and findings (kept
    while the store is unchanged where the app turned its caches on: preview_cache)."""
    require(actor, PERMISSION)
    first, last = parse_period(period)
    return preview_cache.cached(
        session, f"{first:%Y-%m}", lambda: _preview(session, first, last), RunPreview
    )


def _preview(session: Session, first: date, last: date) -> RunPreview:
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
