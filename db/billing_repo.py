"""Billing in the store: invoice runs, approvals, issue, credit notes, void, payments,
receivables, backup documents, exports and upgrade candidates.

The numbers come from billing/ (pure); this module loads its inputs, calls it, and writes
the results back, audited. Design choices (why, not what):

- Idempotency is the `invoices.key` (contract id + period start, billing.periods.invoice_key).
  A re-run updates drafts in place and never touches issued, paid or void invoices.
- Entitlement of every entry is recomputed at run time (sla.check_entitlement with the
  stored calendars), so validation judges the contract as it stands now.
- Block-hours rollover is replayed from the contract's history rather than kept as a stored
  counter that could drift from the entries: no extra table, no migration.
- Backup documents are rebuilt from the entries linked to the invoice
  (`time_entries.invoice_id`) with the same pure functions that drafted it and compared
  with the stored lines; if the entries changed since, the document is refused with the
  difference instead of showing numbers that do not add up to the invoice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

import pandas as pd
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing import ageing, backup, export
from billing.frames import contract_from_row, entries_from_frame, lines_frame
from billing.model import ContractBilling
from billing.model import Invoice as InvoiceModel
from billing.model import InvoiceLine as LineModel
from billing.overage import block_hours_history
from billing.overage import upgrade_candidates as _upgrade_candidates
from billing.periods import bill_date, closing_period, iter_periods, periods_for, usage_period
from billing.pricing import BlockHours
from billing.run import RunResult, invoice_run
from billing.validation import CORRECTED, Reason
from db import audit
from db.calendars import load_calendars
from db.models import (
    BillingFinding,
    BillingRun,
    Client,
    Contact,
    Contract,
    ContractService,
    Invoice,
    InvoiceLine,
    Payment,
    Ticket,
    TimeEntry,
)
from sla import check_entitlement

PERMISSION = "work_billing"
PAYMENT_TERMS_DAYS = 30
EXPORT_FORMATS = ("quickbooks", "xero", "generic")
CONTRACT_COLUMNS = (
    "reference",
    "client_id",
    "status",
    "start_date",
    "end_date",
    "currency",
    "pricing_model",
    "billing_cycle",
    "billing_timing",
    "recurring_fee",
    "unit_name",
    "unit_price",
    "unit_count",
    "included_hours",
    "rollover",
    "rollover_cap_hours",
    "hourly_rate",
    "overage_rate",
    "after_hours_multiplier",
    "role_rates",
    "calendar_id",
    "timezone",
)
NEEDS = {
    "fixed": "a recurring fee",
    "per_unit": "a unit price",
    "block_hours": "included hours",
    "time_materials": "an hourly rate or role rates",
}
UNITS = {"recurring": "period", "units": "unit"}
BUCKETS = ageing.BUCKETS
RECEIVABLE = ("issued", "paid", "partially_paid", "overdue")


class BackupMismatch(ValueError):
    """The entries behind an invoice changed since it was drafted."""


# ---------------------------------------------------------------- small helpers


def parse_period(period: str) -> tuple[date, date]:
    """'2026-11' -> (1 Nov 2026, 30 Nov 2026); a clear ValueError otherwise."""
    try:
        year, month = (int(p) for p in str(period).strip().split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(f"Period must look like 2026-11 (year-month), got {period!r}.") from None
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def period_choices(today: date, back: int = 12) -> list[str]:
    """'YYYY-MM' for next month, this month and `back` months before (newest first)."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index + 1, index - back - 1, -1)]


def parse_amount(value: object) -> Decimal:
    """A user-typed amount as Decimal (floats refused: money is never float)."""
    if isinstance(value, float):
        raise ValueError("Amounts are entered as text or Decimal, not float.")
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount.") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount.")
    return amount


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _names(session: Session, client_ids: Iterable) -> dict[int, str]:
    ids = sorted({int(c) for c in client_ids if c is not None and not pd.isna(c)})
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        out.update(
            session.execute(select(Client.id, Client.name).where(Client.id.in_(chunk))).all()
        )
    return out


def _refs(session: Session, contract_ids: Iterable) -> dict[int, str]:
    ids = sorted({int(c) for c in contract_ids if c is not None and not pd.isna(c)})
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        rows = session.execute(
            select(Contract.id, Contract.reference).where(Contract.id.in_(chunk))
        ).all()
        out.update(rows)
    return out


# ---------------------------------------------------------------- loading inputs


def _contract_rows(session: Session, *where) -> list[dict]:
    cols = [getattr(Contract, c) for c in CONTRACT_COLUMNS]
    q = select(Contract.id.label("contract_id"), *cols).where(Contract.deleted_at.is_(None), *where)
    return [dict(r._mapping) for r in session.execute(q)]


def _billing(row: dict) -> tuple[ContractBilling | None, tuple[str, str] | None]:
    """The pure contract, and a contract-level problem (never a silent zero)."""
    ref = row["reference"]
    try:
        contract = contract_from_row(row)
    except (ValueError, TypeError, KeyError) as exc:
        return None, ("INVALID_CONTRACT", f"contract {ref} cannot be billed: {exc}")
    if contract.pricing is not None:
        return contract, None
    model = row.get("pricing_model")
    if not model:
        why = f"contract {ref} has no pricing model: nothing can be invoiced"
    elif model in NEEDS:
        why = f"contract {ref} is priced {model} but has no {NEEDS[model]}: nothing invoiced"
    else:
        why = f"contract {ref} has unknown pricing model {model!r}: nothing invoiced"
    return contract, (str(Reason.NO_PRICING_MODEL), why)


def _entry_frame(session: Session, *where) -> pd.DataFrame:
    q = (
        select(
            TimeEntry.id.label("entry_id"),
            TimeEntry.contract_id,
            TimeEntry.client_id,
            TimeEntry.ticket_id,
            TimeEntry.technician_id,
            TimeEntry.role,
            TimeEntry.started_at,
            TimeEntry.minutes,
            TimeEntry.rate_charged,
            TimeEntry.currency,
            TimeEntry.approved,
            func.coalesce(TimeEntry.service_type, Ticket.service_type).label("service_type"),
        )
        .outerjoin(Ticket, Ticket.id == TimeEntry.ticket_id)
        .where(*where)
    )
    rows = session.execute(q).all()
    cols = [
        "entry_id",
        "contract_id",
        "client_id",
        "ticket_id",
        "technician_id",
        "role",
        "started_at",
        "minutes",
        "rate_charged",
        "currency",
        "approved",
        "service_type",
    ]
    return pd.DataFrame(rows, columns=cols).astype({"contract_id": object, "client_id": object})


def _entitle(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """Add entitlement_outcome and fill missing contract/client ids (sla.check_entitlement)."""
    frame = frame.copy()
    if frame.empty:
        frame["entitlement_outcome"] = pd.Series(dtype=object)
        return frame
    owners = dict(
        session.execute(
            select(Contract.id, Contract.client_id).where(
                Contract.id.in_(sorted({int(c) for c in frame["contract_id"].dropna()}))
            )
        ).all()
    )
    frame["client_id"] = [
        cl if cl is not None and not pd.isna(cl) else owners.get(co)
        for cl, co in zip(frame["client_id"], frame["contract_id"], strict=True)
    ]
    clients = sorted({int(c) for c in frame["client_id"].dropna()})
    rows = _contract_rows(session, Contract.client_id.in_(clients)) if clients else []
    con = pd.DataFrame(
        [
            {
                "contract_id": r["contract_id"],
                "client_id": r["client_id"],
                "start_date": r["start_date"],
                "end_date": r["end_date"],
                "calendar_key": str(r["calendar_id"]) if r["calendar_id"] else "24x7",
            }
            for r in rows
        ],
        columns=["contract_id", "client_id", "start_date", "end_date", "calendar_key"],
    )
    services: dict[int, dict[str, list[str]]] = {}
    ids = [r["contract_id"] for r in rows]
    for chunk in _chunks(ids):
        q = select(ContractService.contract_id, ContractService.kind, ContractService.name)
        for cid, kind, name in session.execute(q.where(ContractService.contract_id.in_(chunk))):
            services.setdefault(cid, {}).setdefault(kind, []).append(name)
    con["included"] = [services.get(c, {}).get("included", []) for c in con["contract_id"]]
    con["excluded"] = [services.get(c, {}).get("excluded", []) for c in con["contract_id"]]
    calendars = {str(k): v for k, v in load_calendars(session=session).items()}
    items = pd.DataFrame(
        {
            "client_id": frame["client_id"].map(lambda c: -1 if c is None or pd.isna(c) else c),
            "instant": pd.to_datetime(frame["started_at"], utc=True),
            "service_type": frame["service_type"].fillna(""),
        }
    )
    result = check_entitlement(items.reset_index(drop=True), con, calendars=calendars)
    found = result["contract_id"].to_numpy()
    frame["contract_id"] = [
        stored if stored is not None and not pd.isna(stored) else (None if pd.isna(f) else int(f))
        for stored, f in zip(frame["contract_id"], found, strict=True)
    ]
    frame["entitlement_outcome"] = result["outcome"].astype(str).to_numpy()
    return frame


def _time_entries(frame: pd.DataFrame) -> list:
    if frame.empty:
        return []
    frame = frame.assign(client_id=frame["client_id"].map(lambda c: -1 if pd.isna(c) else c))
    return entries_from_frame(frame)


def _replay_states(session: Session, contracts: Sequence[ContractBilling], *, until: date) -> dict:
    """Block-hours state after every period billed up to `until` (rollover contracts only)."""
    rolling = [
        c
        for c in contracts
        if isinstance(c.pricing, BlockHours) and c.pricing.rollover and c.start_date <= until
    ]
    if not rolling:
        return {}
    start = min(c.start_date for c in rolling)
    frame = _entry_frame(
        session,
        TimeEntry.contract_id.in_([c.contract_id for c in rolling]),
        TimeEntry.started_at >= _start(start - timedelta(days=1)),
        TimeEntry.started_at < _start(until + timedelta(days=2)),
    )
    entries = _time_entries(_entitle(session, frame))
    return dict(invoice_run(rolling, entries, run_date=until).block_states)


@dataclass(frozen=True)
class _Computed:
    result: RunResult
    problems: list[tuple[int, str, str]]  # contract id, code, message
    owners: dict[int, int]  # contract id -> client id


def _in_windows(entry, contract: ContractBilling, windows) -> bool:
    day = entry.local_date(contract.timezone)
    return any(w.start <= day < w.end for w in windows)


def _compute(session: Session, first: date, last: date) -> _Computed:
    """The pure invoice run for bill dates in [first, last], inputs loaded from the store."""
    since = first - timedelta(days=1)
    rows = _contract_rows(
        session,
        Contract.status != "draft",
        Contract.start_date <= last,
        or_(Contract.end_date.is_(None), Contract.end_date >= first - timedelta(days=400)),
    )
    run_contracts: list[ContractBilling] = []
    windows: dict[int, list] = {}
    problems: list[tuple[int, str, str]] = []
    for row in rows:
        contract, problem = _billing(row)
        in_force = row["end_date"] is None or row["end_date"] >= first
        if problem is not None and in_force:
            problems.append((row["contract_id"], *problem))
        if contract is None:
            continue
        if contract.pricing is None:
            if in_force:  # its entries get a finding each (NO_PRICING_MODEL)
                run_contracts.append(contract)
                # last month's work too (what advance contracts bill now), while unpriced
                prior = (first - timedelta(days=1)).replace(day=1)
                windows[contract.contract_id] = [_Window(prior, last + timedelta(days=1))]
            continue
        periods = periods_for(contract, last, since=since)
        if not periods:
            continue
        run_contracts.append(contract)
        spans = [usage_period(contract, p) for p in periods]
        windows[contract.contract_id] = [w for w in spans if w is not None and w.covered_days]
    by_id = {c.contract_id: c for c in run_contracts}
    spans = [w for ws in windows.values() for w in ws]
    entries = []
    if spans:
        lo = min(w.start for w in spans) - timedelta(days=1)
        hi = max(w.end for w in spans) + timedelta(days=1)
        clients = sorted({c.client_id for c in run_contracts})
        frame = _entry_frame(
            session,
            TimeEntry.started_at >= _start(lo),
            TimeEntry.started_at < _start(hi),
            or_(
                TimeEntry.contract_id.in_(list(by_id)),
                and_(TimeEntry.contract_id.is_(None), TimeEntry.client_id.in_(clients)),
                and_(TimeEntry.contract_id.is_(None), TimeEntry.client_id.is_(None)),
            ),
        )
        work = (lo + timedelta(days=1), hi - timedelta(days=1))
        for e in _time_entries(_entitle(session, frame)):
            contract = by_id.get(e.contract_id) if e.contract_id is not None else None
            if contract is not None:
                if _in_windows(e, contract, windows[contract.contract_id]):
                    entries.append(e)
            elif e.contract_id is None and work[0] <= e.started_at.date() < work[1]:
                entries.append(e)  # no contract at all: reported once, in this run
    states = _replay_states(session, run_contracts, until=since)
    result = invoice_run(run_contracts, entries, run_date=last, since=since, block_states=states)
    owners = {r["contract_id"]: r["client_id"] for r in rows}
    return _Computed(result, problems, owners)


@dataclass(frozen=True)
class _Window:
    start: date
    end: date


# ---------------------------------------------------------------- invoice runs


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


def _existing(session: Session, keys: Sequence[str]) -> dict[str, Invoice]:
    out: dict[str, Invoice] = {}
    for chunk in _chunks(list(keys)):
        out.update(
            (i.key, i) for i in session.scalars(select(Invoice).where(Invoice.key.in_(chunk)))
        )
    return out


def preview_run(*, session: Session, actor: Actor, period: str) -> RunPreview:
    """Validate and draft the period's invoices in memory: preview lines and findings."""
    require(actor, PERMISSION)
    first, last = parse_period(period)
    computed = _compute(session, first, last)
    result = computed.result
    existing = _existing(session, [i.invoice_no for i in result.invoices])
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
        findings=_findings_frame(session, computed),
        accuracy_by_client=by_client.reset_index(drop=True),
        accuracy=report.accuracy(),
        entries_checked=len(report.entries),
        entries_passed=len(report.passed),
        alerts=alerts,
    )


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

    @property
    def accuracy(self) -> float:
        return self.entries_passed / self.entries_checked if self.entries_checked else float("nan")

    def text(self) -> str:
        acc = "n/a" if not self.entries_checked else f"{self.accuracy:.1%}"
        return (
            f"Run {self.run_id} for {self.period}: {self.created} drafts created, "
            f"{self.updated} updated, {self.untouched} issued left untouched; "
            f"{self.findings} findings; accuracy {acc} of {self.entries_checked} entries."
        )


def _db_lines(inv: InvoiceModel) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            kind=ln.kind,
            description=ln.description[:300],
            quantity=ln.quantity,
            unit_price=ln.unit_price,
            amount=ln.amount,
            rule=(ln.role or ln.kind)[:120],
        )
        for ln in inv.lines
    ]


def _link_entries(session: Session, invoice_id: int, inv: InvoiceModel) -> None:
    session.execute(
        update(TimeEntry).where(TimeEntry.invoice_id == invoice_id).values(invoice_id=None)
    )
    ids = sorted({int(c.entry_id) for ln in inv.lines for c in ln.charges})
    for chunk in _chunks(ids):
        session.execute(
            update(TimeEntry).where(TimeEntry.id.in_(chunk)).values(invoice_id=invoice_id)
        )


def run_billing(*, session: Session, actor: Actor, period: str) -> RunSummary:
    """Run billing for a period: persist findings and draft invoices, idempotently."""
    require(actor, PERMISSION)
    first, last = parse_period(period)
    computed = _compute(session, first, last)
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
        }
        for cid, code, message in computed.problems
    ]
    if findings:
        session.execute(BillingFinding.__table__.insert(), findings)
    existing = _existing(session, [i.invoice_no for i in result.invoices])
    created = updated = untouched = 0
    for inv in result.invoices:
        row = existing.get(inv.invoice_no)
        if row is not None and row.status != "draft":
            untouched += 1
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
        row.lines.extend(_db_lines(inv))
        session.flush()
        _link_entries(session, row.id, inv)
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
        len(findings),
        len(report.entries),
        len(report.passed),
    )


def billing_runs(*, session: Session, actor: Actor, period: str | None = None) -> pd.DataFrame:
    """Runs (newest first) with their accuracy and open findings."""
    require(actor, PERMISSION)
    open_findings = (
        select(BillingFinding.run_id, func.count().label("n"))
        .where(BillingFinding.resolved.is_(False))
        .group_by(BillingFinding.run_id)
        .subquery()
    )
    q = select(
        BillingRun.id,
        BillingRun.period_start,
        BillingRun.period_end,
        BillingRun.created_at,
        BillingRun.lines_total,
        BillingRun.lines_passed,
        func.coalesce(open_findings.c.n, 0),
    ).outerjoin(open_findings, open_findings.c.run_id == BillingRun.id)
    if period:
        first, last = parse_period(period)
        q = q.where(BillingRun.period_start == first, BillingRun.period_end == last)
    rows = session.execute(q.order_by(BillingRun.id.desc())).all()
    cols = ["run_id", "period_start", "period_end", "at", "entries", "passed", "open_findings"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["accuracy"] = frame["passed"] / frame["entries"].where(frame["entries"] > 0)
    return frame


def run_findings(
    *, session: Session, actor: Actor, run_id: int, open_only: bool = True
) -> pd.DataFrame:
    """Findings of a run with their code, reason text, client and contract."""
    require(actor, PERMISSION)
    q = (
        select(
            BillingFinding.id,
            BillingFinding.time_entry_id,
            BillingFinding.contract_id,
            BillingFinding.code,
            BillingFinding.message,
            BillingFinding.resolved,
            TimeEntry.client_id,
            TimeEntry.approved,
        )
        .outerjoin(TimeEntry, TimeEntry.id == BillingFinding.time_entry_id)
        .where(BillingFinding.run_id == run_id)
        .order_by(BillingFinding.id)
    )
    if open_only:
        q = q.where(BillingFinding.resolved.is_(False))
    cols = ["id", "entry_id", "contract_id", "code", "message", "resolved", "client_id", "approved"]
    frame = pd.DataFrame(session.execute(q).all(), columns=cols)
    frame.insert(3, "contract", frame["contract_id"].map(_refs(session, frame["contract_id"])))
    frame.insert(4, "client", frame["client_id"].map(_names(session, frame["client_id"])))
    frame["blocking"] = ~frame["code"].isin([str(r) for r in CORRECTED])
    return frame


def approve_entries(*, session: Session, actor: Actor, entry_ids: Sequence[int]) -> int:
    """Approve out-of-scope time entries (audited); their NOT_APPROVED findings close."""
    require(actor, PERMISSION)
    ids = sorted({int(i) for i in entry_ids})
    if not ids:
        raise ValueError("Choose at least one time entry to approve.")
    rows = session.scalars(select(TimeEntry).where(TimeEntry.id.in_(ids))).all()
    missing = sorted(set(ids) - {r.id for r in rows})
    if missing:
        raise ValueError(f"Unknown time entries: {', '.join(map(str, missing))}.")
    changed = 0
    for row in rows:
        if row.approved:
            continue
        row.approved = True
        row.approved_by_id = actor.user_id
        changed += 1
        audit.record(
            session=session,
            actor=actor,
            entity="time_entry",
            entity_id=row.id,
            action="approve",
            field="approved",
            old=False,
            new=True,
        )
    session.execute(
        update(BillingFinding)
        .where(BillingFinding.time_entry_id.in_(ids), BillingFinding.code == Reason.NOT_APPROVED)
        .values(resolved=True)
    )
    session.flush()
    return changed


# ---------------------------------------------------------------- issue, credit, void


def period_invoices(
    *, session: Session, actor: Actor, period: str, status: str | None = None
) -> pd.DataFrame:
    """Invoices of the runs for a period (drafts to issue, issued ones for reference)."""
    require(actor, PERMISSION)
    first, last = parse_period(period)
    runs = select(BillingRun.id).where(
        BillingRun.period_start == first, BillingRun.period_end == last
    )
    q = (
        select(
            Invoice.id,
            Invoice.number,
            Client.name,
            Contract.reference,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.currency,
            Invoice.total,
            Invoice.status,
        )
        .join(Client, Client.id == Invoice.client_id)
        .outerjoin(Contract, Contract.id == Invoice.contract_id)
        .where(Invoice.run_id.in_(runs))
        .order_by(Invoice.id)
    )
    if status:
        q = q.where(Invoice.status == status)
    cols = ["id", "number", "client", "contract", "issue_date", "due_date", "currency", "total"]
    return pd.DataFrame(session.execute(q).all(), columns=[*cols, "status"])


def _next_number(session: Session, prefix: str, year: int) -> str:
    stem = f"{prefix}-{year}-"
    found = session.scalars(select(Invoice.number).where(Invoice.number.like(f"{stem}%"))).all()
    seq = max((int(n[len(stem) :]) for n in found if n[len(stem) :].isdigit()), default=0)
    return f"{stem}{seq + 1:06d}"


def _open_blocking(session: Session, inv: Invoice) -> list[BillingFinding]:
    if inv.run_id is None:
        return []
    return list(
        session.scalars(
            select(BillingFinding).where(
                BillingFinding.run_id == inv.run_id,
                BillingFinding.contract_id == inv.contract_id,
                BillingFinding.resolved.is_(False),
                BillingFinding.code.not_in([str(r) for r in CORRECTED]),
            )
        )
    )


def issue_invoices(
    *,
    session: Session,
    actor: Actor,
    invoice_ids: Sequence[int],
    on: date,
    accept_findings: bool = False,
) -> list[str]:
    """Draft -> issued with a number and a due date; all or nothing."""
    require(actor, PERMISSION)
    ids = sorted({int(i) for i in invoice_ids})
    if not ids:
        raise ValueError("Choose at least one draft invoice to issue.")
    rows = session.scalars(select(Invoice).where(Invoice.id.in_(ids)).order_by(Invoice.id)).all()
    problems = [f"invoice id {i} does not exist" for i in sorted(set(ids) - {r.id for r in rows})]
    for row in rows:
        if row.status != "draft":
            problems.append(f"{row.number} is {row.status}: only drafts are issued")
        elif row.total <= 0:
            problems.append(f"{row.number} totals {row.total}: nothing to invoice")
        elif not accept_findings:
            held = _open_blocking(session, row)
            if held:
                problems.append(
                    f"{row.number} has {len(held)} open finding(s), e.g. {held[0].code}: "
                    f"{held[0].message} (approve or fix and re-run, or issue anyway)"
                )
    if problems:
        raise ValueError("Nothing issued. " + "; ".join(problems) + ".")
    numbers = []
    for row in rows:
        number = _next_number(session, "INV", on.year)
        old = row.number
        row.number, row.status = number, "issued"
        row.issue_date, row.due_date = on, on + timedelta(days=PAYMENT_TERMS_DAYS)
        session.flush()
        audit.record_changes(
            session=session,
            actor=actor,
            entity="invoice",
            entity_id=row.id,
            changes={"status": ("draft", "issued"), "number": (old, number)},
        )
        numbers.append(number)
    return numbers


def _model(row: Invoice, credits: str | None = None, lines: Sequence[InvoiceLine] | None = None):
    """The billing.model.Invoice of a stored invoice (lines without entry charges)."""
    period_start, period_end = row.period_start, row.period_end
    src = row.lines if lines is None else lines
    model_lines = tuple(
        LineModel(
            kind=ln.kind,
            description=ln.description,
            quantity=ln.quantity,
            unit=UNITS.get(ln.kind, "hour"),
            unit_price=ln.unit_price,
            amount=ln.amount,
            currency=row.currency,
            period_start=period_start,
            period_end=period_end,
            role=ln.rule if ln.rule and ln.rule != ln.kind else None,
        )
        for ln in src
    )
    return InvoiceModel(
        invoice_no=row.number,
        contract_id=row.contract_id,
        client_id=row.client_id,
        currency=row.currency,
        issue_date=row.issue_date or period_start,
        due_date=row.due_date or row.issue_date or period_start,
        lines=model_lines,
        status=row.status,  # type: ignore[arg-type]
        period_start=period_start,
        period_end=period_end,
        credits_invoice_no=credits,
    )


def _settled(session: Session, inv: Invoice) -> tuple[Decimal, Decimal]:
    """(paid, credited) so far on an invoice."""
    paid = session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.invoice_id == inv.id)
    )
    credited = session.scalar(
        select(func.coalesce(func.sum(Invoice.total), 0)).where(
            Invoice.credit_note_for_id == inv.id, Invoice.status != "void"
        )
    )
    return Decimal(str(paid)), -Decimal(str(credited))


def create_credit_note(
    *,
    session: Session,
    actor: Actor,
    invoice_id: int,
    on: date,
    line_numbers: Sequence[int] | None = None,
) -> str:
    """An issued credit note cancelling all or some lines of an issued invoice."""
    require(actor, PERMISSION)
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise ValueError(f"Invoice id {invoice_id} does not exist.")
    if row.credit_note_for_id is not None:
        raise ValueError(f"{row.number} is a credit note; credit the original invoice.")
    if row.status not in RECEIVABLE:
        raise ValueError(f"{row.number} is {row.status}: only issued invoices take credit notes.")
    if line_numbers is not None and not all(1 <= n <= len(row.lines) for n in line_numbers):
        raise ValueError(f"{row.number} has lines 1 to {len(row.lines)}.")
    number = _next_number(session, "CN", on.year)
    note = ageing.credit_note(
        _model(row, lines=sorted(row.lines, key=lambda ln: ln.id)),
        credit_note_no=number,
        issue_date=on,
        line_numbers=line_numbers,
    )
    _, credited = _settled(session, row)
    if credited - note.total > row.total:
        raise ValueError(
            f"{row.number} totals {row.total} {row.currency} and {credited} is credited already; "
            f"a further {-note.total} would credit more than the invoice."
        )
    count = session.scalar(
        select(func.count()).select_from(Invoice).where(Invoice.credit_note_for_id == row.id)
    )
    cn = Invoice(
        number=number,
        key=f"credit:{row.id}:{count + 1}",
        client_id=row.client_id,
        contract_id=row.contract_id,
        period_start=row.period_start,
        period_end=row.period_end,
        issue_date=on,
        due_date=on,
        status="issued",
        currency=row.currency,
        total=note.total,
        credit_note_for_id=row.id,
    )
    cn.lines.extend(_db_lines(note))
    session.add(cn)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="invoice",
        entity_id=row.id,
        action="credit_note",
        field="credited",
        old=credited,
        new=credited - note.total,
    )
    audit.record(
        session=session,
        actor=actor,
        entity="invoice",
        entity_id=cn.id,
        action="create",
        field="total",
        new=note.total,
    )
    return number


def void_invoice(*, session: Session, actor: Actor, invoice_id: int, reason: str) -> None:
    """Void a draft, or an issued invoice nobody paid or credited (else: a credit note)."""
    require(actor, PERMISSION)
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise ValueError(f"Invoice id {invoice_id} does not exist.")
    if not reason or not reason.strip():
        raise ValueError("Say why the invoice is voided.")
    if row.status == "void":
        raise ValueError(f"{row.number} is void already.")
    if row.status != "draft":
        paid, credited = _settled(session, row)
        if paid or credited:
            raise ValueError(
                f"{row.number} has payments or credit notes: issue a credit note instead."
            )
    old = row.status
    row.status = "void"
    session.execute(update(TimeEntry).where(TimeEntry.invoice_id == row.id).values(invoice_id=None))
    audit.record(
        session=session,
        actor=actor,
        entity="invoice",
        entity_id=row.id,
        action="void",
        field="status",
        old=old,
        new=f"void: {reason.strip()}",
    )
    session.flush()


# ---------------------------------------------------------------- payments and receivables


def record_payment(
    *,
    session: Session,
    actor: Actor,
    invoice_id: int,
    amount: object,
    paid_on: date,
    method: str | None = None,
    reference: str | None = None,
) -> Payment:
    """Record a full or partial payment; more than the open balance is refused."""
    require(actor, PERMISSION)
    value = parse_amount(amount)
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise ValueError(f"Invoice id {invoice_id} does not exist.")
    if row.credit_note_for_id is not None or row.status not in RECEIVABLE:
        raise ValueError(f"{row.number} is {row.status}: payments go on issued invoices.")
    if value <= 0:
        raise ValueError(f"A payment must be more than zero, got {value}.")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{value} has more than two decimals.")
    if row.issue_date and paid_on < row.issue_date:
        raise ValueError(f"{row.number} was issued on {row.issue_date}; payment dated {paid_on}.")
    paid, credited = _settled(session, row)
    open_balance = row.total - paid - credited
    if value > open_balance:
        raise ValueError(
            f"Payment of {value:.2f} {row.currency} is more than the open balance "
            f"{open_balance:.2f} {row.currency} of {row.number}; record at most {open_balance:.2f}."
        )
    payment = Payment(
        invoice_id=row.id, paid_on=paid_on, amount=value, method=method, reference=reference
    )
    session.add(payment)
    old = row.status
    row.status = "paid" if value == open_balance else "partially_paid"
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        entity="invoice",
        entity_id=row.id,
        action="payment",
        field="paid",
        old=paid,
        new=paid + value,
    )
    if old != row.status:
        audit.record(
            session=session,
            actor=actor,
            entity="invoice",
            entity_id=row.id,
            action="update",
            field="status",
            old=old,
            new=row.status,
        )
    return payment


def _receivable_models(session: Session, *where) -> tuple[list[InvoiceModel], dict, list]:
    """Stored invoices as billing models (one line of their total) and their payments."""
    q = select(
        Invoice.id,
        Invoice.number,
        Invoice.client_id,
        Invoice.contract_id,
        Invoice.currency,
        Invoice.issue_date,
        Invoice.due_date,
        Invoice.period_start,
        Invoice.period_end,
        Invoice.status,
        Invoice.total,
        Invoice.credit_note_for_id,
    ).where(*where)
    rows = session.execute(q).all()
    numbers = {r.id: r.number for r in rows}
    missing = {r.credit_note_for_id for r in rows} - set(numbers) - {None}
    if missing:
        numbers.update(
            session.execute(select(Invoice.id, Invoice.number).where(Invoice.id.in_(missing))).all()
        )
    models, ids = [], {}
    for r in rows:
        issued = r.issue_date or r.period_start
        line = LineModel(
            "total",
            "Invoice total",
            Decimal(1),
            "invoice",
            r.total,
            r.total,
            r.currency,
            r.period_start,
            r.period_end,
        )
        models.append(
            InvoiceModel(
                invoice_no=r.number,
                contract_id=r.contract_id,
                client_id=r.client_id,
                currency=r.currency,
                issue_date=issued,
                due_date=r.due_date or issued,
                lines=(line,),
                status=r.status,
                period_start=r.period_start,
                period_end=r.period_end,
                credits_invoice_no=numbers.get(r.credit_note_for_id),
            )
        )
        ids[r.number] = r.id
    invoice_ids = [r.id for r in rows]
    payments = []
    for chunk in _chunks(invoice_ids, 900):
        for p in session.execute(
            select(Payment.id, Payment.invoice_id, Payment.paid_on, Payment.amount).where(
                Payment.invoice_id.in_(chunk)
            )
        ):
            payments.append(ageing.Payment(p.id, numbers[p.invoice_id], p.paid_on, p.amount))
    return models, ids, payments


@dataclass(frozen=True)
class Receivables:
    as_of: date
    balances: pd.DataFrame  # one row per invoice: paid, credited, balance, derived status
    ageing: pd.DataFrame  # per client and currency: buckets and total
    overdue: pd.DataFrame
    totals: pd.DataFrame  # per currency: outstanding by bucket


def receivables(
    *, session: Session, actor: Actor, as_of: date, client_id: int | None = None
) -> Receivables:
    """Balances, statuses, ageing buckets and per-client balance at a date."""
    require(actor, PERMISSION)
    where = [Invoice.status != "draft", Invoice.issue_date <= as_of]
    if client_id is not None:
        where.append(Invoice.client_id == client_id)
    models, ids, payments = _receivable_models(session, *where)
    balances = ageing.invoice_balances(models, payments, as_of=as_of)
    names = _names(session, balances["client_id"])
    balances.insert(0, "invoice_id", balances["invoice_no"].map(ids))
    balances.insert(3, "client", balances["client_id"].map(names))
    report = ageing.ageing_report(models, payments, as_of=as_of)
    report.insert(1, "client", report["client_id"].map(names))
    report = report.sort_values("total", ascending=False, kind="stable").reset_index(drop=True)
    overdue = balances[balances["status"] == "overdue"].sort_values(
        "days_past_due", ascending=False, kind="stable"
    )
    totals = (
        report.groupby("currency")[[*ageing.BUCKETS, "total"]]
        .agg(lambda s: sum(s, Decimal(0)))
        .reset_index()
        if not report.empty
        else pd.DataFrame(columns=["currency", *ageing.BUCKETS, "total"])
    )
    return Receivables(as_of, balances, report, overdue.reset_index(drop=True), totals)


@dataclass(frozen=True)
class ClientBilling:
    client: str
    invoices: pd.DataFrame
    payments: pd.DataFrame
    balance: pd.DataFrame
    punctuality: pd.DataFrame


def client_options(*, session: Session, actor: Actor) -> dict[int, str]:
    require(actor, PERMISSION)
    q = select(Client.id, Client.name).where(Client.deleted_at.is_(None)).order_by(Client.name)
    return dict(session.execute(q).all())


def client_billing(*, session: Session, actor: Actor, client_id: int, as_of: date) -> ClientBilling:
    """One client's invoices (drafts included), payments, balance and punctuality."""
    require(actor, PERMISSION)
    client = session.get(Client, client_id)
    if client is None:
        raise ValueError(f"Client id {client_id} does not exist.")
    models, ids, payments = _receivable_models(session, Invoice.client_id == client_id)
    balances = ageing.invoice_balances(models, payments, as_of=as_of)
    balances.insert(0, "invoice_id", balances["invoice_no"].map(ids))
    balances = balances.sort_values(["issue_date", "invoice_no"], ascending=False, kind="stable")
    pays = pd.DataFrame(
        [(p.invoice_no, p.paid_on, p.amount) for p in payments],
        columns=["invoice_no", "paid_on", "amount"],
    ).sort_values("paid_on", ascending=False, kind="stable")
    return ClientBilling(
        client.name,
        balances.reset_index(drop=True),
        pays.reset_index(drop=True),
        ageing.client_balance(models, payments, as_of=as_of),
        ageing.on_time_payment_share(models, payments, as_of=as_of),
    )


# ---------------------------------------------------------------- one invoice


@dataclass(frozen=True)
class InvoiceView:
    id: int
    number: str
    status: str  # derived at the date (paid, partially_paid, overdue, ...)
    client_id: int
    client: str
    contract: str | None
    currency: str
    total: Decimal
    paid: Decimal
    credited: Decimal
    balance: Decimal
    issue_date: date | None
    due_date: date | None
    period_start: date
    period_end: date
    credit_note_for: str | None
    lines: pd.DataFrame
    payments: pd.DataFrame
    credit_notes: pd.DataFrame
    findings: pd.DataFrame


def invoice_options(*, session: Session, actor: Actor, client_id: int | None = None) -> dict:
    """Invoice id -> label for a picker (newest first)."""
    require(actor, PERMISSION)
    q = (
        select(Invoice.id, Invoice.number, Client.name, Invoice.total, Invoice.currency)
        .join(Client, Client.id == Invoice.client_id)
        .order_by(Invoice.id.desc())
    )
    if client_id is not None:
        q = q.where(Invoice.client_id == client_id)
    return {
        r.id: f"{r.number} · {r.name} · {r.total:,.2f} {r.currency}" for r in session.execute(q)
    }


def invoice_detail(*, session: Session, actor: Actor, invoice_id: int, as_of: date) -> InvoiceView:
    require(actor, PERMISSION)
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise ValueError(f"Invoice id {invoice_id} does not exist.")
    client = session.get(Client, row.client_id)
    contract = session.get(Contract, row.contract_id) if row.contract_id else None
    lines = pd.DataFrame(
        [
            (n, ln.kind, ln.description, ln.quantity, ln.unit_price, ln.amount, ln.rule)
            for n, ln in enumerate(sorted(row.lines, key=lambda x: x.id), start=1)
        ],
        columns=["line", "kind", "description", "quantity", "unit_price", "amount", "rule"],
    )
    payments = pd.DataFrame(
        session.execute(
            select(Payment.paid_on, Payment.amount, Payment.method, Payment.reference)
            .where(Payment.invoice_id == row.id)
            .order_by(Payment.paid_on, Payment.id)
        ).all(),
        columns=["paid_on", "amount", "method", "reference"],
    )
    notes = pd.DataFrame(
        session.execute(
            select(Invoice.id, Invoice.number, Invoice.issue_date, Invoice.total, Invoice.status)
            .where(Invoice.credit_note_for_id == row.id)
            .order_by(Invoice.id)
        ).all(),
        columns=["id", "number", "issue_date", "total", "status"],
    )
    original = session.get(Invoice, row.credit_note_for_id) if row.credit_note_for_id else None
    models, _, pays = _receivable_models(
        session, or_(Invoice.id == row.id, Invoice.credit_note_for_id == row.id)
    )
    balance = ageing.invoice_balances(models, pays, as_of=as_of)
    mine = balance[balance["invoice_no"] == row.number]
    if row.credit_note_for_id is not None or mine.empty:
        status, paid, credited, bal = row.status, Decimal(0), Decimal(0), Decimal(0)
    else:
        b = mine.iloc[0]
        status, paid, credited, bal = b["status"], b["paid"], b["credited"], b["balance"]
    findings = (
        pd.DataFrame(
            [(f.code, f.message, f.time_entry_id) for f in _open_blocking(session, row)],
            columns=["code", "message", "entry_id"],
        )
        if row.status == "draft"
        else pd.DataFrame(columns=["code", "message", "entry_id"])
    )
    return InvoiceView(
        id=row.id,
        number=row.number,
        status=status,
        client_id=row.client_id,
        client=client.name if client else str(row.client_id),
        contract=contract.reference if contract else None,
        currency=row.currency,
        total=row.total,
        paid=paid,
        credited=credited,
        balance=bal,
        issue_date=row.issue_date,
        due_date=row.due_date,
        period_start=row.period_start,
        period_end=row.period_end,
        credit_note_for=original.number if original else None,
        lines=lines,
        payments=payments,
        credit_notes=notes,
        findings=findings,
    )


@dataclass(frozen=True)
class BackupDocuments:
    name: str
    frame: pd.DataFrame
    csv: bytes
    xlsx: bytes
    pdf: bytes
    entries_listed: bool  # False: lines only (the invoice was not drafted by a billing run)


def _rebuilt(session: Session, row: Invoice) -> InvoiceModel | None:
    """The drafted invoice with its entry charges, rebuilt from the linked entries."""
    if row.run_id is None or row.contract_id is None or row.credit_note_for_id is not None:
        return None
    try:
        start = date.fromisoformat(row.key.split(":", 1)[1])
    except (IndexError, ValueError):
        return None
    rows = _contract_rows(session, Contract.id == row.contract_id)
    contract = _billing(rows[0])[0] if rows else None
    if contract is None or contract.pricing is None:
        return None
    candidates = list(iter_periods(contract, until=start + timedelta(days=1)))
    closing = closing_period(contract)
    if closing is not None:
        candidates.append(closing)
    period = next((p for p in candidates if p.start == start), None)
    if period is None:
        return None
    billed = bill_date(contract, period)
    frame = _entry_frame(session, TimeEntry.invoice_id == row.id)
    entries = _time_entries(_entitle(session, frame))
    units = [ln for ln in row.lines if ln.kind == "units"]
    counts = {}
    if units and getattr(contract.pricing, "unit_name", None):
        counts = {contract.contract_id: {contract.pricing.unit_name: int(units[0].quantity)}}
    states = _replay_states(session, [contract], until=billed - timedelta(days=1))
    result = invoice_run(
        [contract],
        entries,
        run_date=billed,
        since=billed - timedelta(days=1),
        unit_counts=counts,
        block_states=states,
    )
    found = next((i for i in result.invoices if i.invoice_no == row.key), None)
    stored = [(ln.kind, ln.amount) for ln in sorted(row.lines, key=lambda x: x.id)]
    again = [] if found is None else [(ln.kind, ln.amount) for ln in found.lines]
    if stored != again:
        diff = next(
            (
                f"line {n}: stored {s[0]} {s[1]}, entries now give "
                + (f"{a[0]} {a[1]}" if a else "nothing")
                for n, (s, a) in enumerate(
                    zip(stored, again + [None] * (len(stored) - len(again)), strict=False),
                    start=1,
                )
                if s != a
            ),
            f"{len(again)} lines now, {len(stored)} stored",
        )
        hint = (
            "re-run billing for the period"
            if row.status == "draft"
            else "issue a credit note and bill the difference"
        )
        raise BackupMismatch(
            f"The entries behind {row.number} changed since it was drafted ({diff}); {hint}."
        )
    return replace(
        found,
        invoice_no=row.number,
        issue_date=row.issue_date or found.issue_date,
        due_date=row.due_date or found.due_date,
        status=row.status if row.status in ("draft", "issued", "void") else "issued",
    )


def backup_documents(*, session: Session, actor: Actor, invoice_id: int) -> BackupDocuments:
    """PDF, CSV and XLSX listing every entry behind an invoice; they sum to its total."""
    require(actor, PERMISSION)
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise ValueError(f"Invoice id {invoice_id} does not exist.")
    model = _rebuilt(session, row)
    listed = model is not None
    if model is None:
        original = session.get(Invoice, row.credit_note_for_id) if row.credit_note_for_id else None
        model = _model(
            row, original.number if original else None, sorted(row.lines, key=lambda x: x.id)
        )
    if model.total != row.total:
        raise BackupMismatch(f"{row.number}: lines sum to {model.total}, invoice says {row.total}.")
    client = session.get(Client, row.client_id)
    return BackupDocuments(
        name=f"backup-{row.number}",
        frame=backup.backup_frame(model),
        csv=backup.backup_csv(model),
        xlsx=backup.backup_xlsx(model),
        pdf=backup.backup_pdf(model, client_name=client.name if client else None),
        entries_listed=listed,
    )


# ---------------------------------------------------------------- exports


def _full_models(session: Session, rows: Sequence[Invoice]) -> list[InvoiceModel]:
    numbers = {r.id: r.number for r in rows}
    need = {r.credit_note_for_id for r in rows} - set(numbers) - {None}
    if need:
        numbers.update(
            session.execute(select(Invoice.id, Invoice.number).where(Invoice.id.in_(need))).all()
        )
    return [
        _model(r, numbers.get(r.credit_note_for_id), sorted(r.lines, key=lambda x: x.id))
        for r in rows
    ]


def export_invoices(
    *, session: Session, actor: Actor, period: str, fmt: str, xlsx: bool = False
) -> tuple[bytes, str, int]:
    """Issued invoices and credit notes dated in the period, in an accounting import layout.

    Returns (file content, file name, invoices exported). Drafts are never exported.
    """
    require(actor, PERMISSION)
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Export format must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}.")
    if xlsx and fmt != "generic":
        raise ValueError("QuickBooks and Xero import CSV files; XLSX is for the generic export.")
    first, last = parse_period(period)
    rows = session.scalars(
        select(Invoice)
        .where(
            Invoice.status != "draft",
            Invoice.issue_date >= first,
            Invoice.issue_date <= last,
        )
        .order_by(Invoice.issue_date, Invoice.number)
    ).all()
    models = _full_models(session, rows)
    names = _names(session, [r.client_id for r in rows])
    if fmt == "quickbooks":
        frame = export.quickbooks_frame(models, customers=names)
    elif fmt == "xero":
        emails = dict(
            session.execute(
                select(Contact.client_id, func.min(Contact.email))
                .where(Contact.client_id.in_(list(names)), Contact.email.is_not(None))
                .group_by(Contact.client_id)
            ).all()
        )
        frame = export.xero_frame(models, contacts=names, emails=emails)
    else:
        frame = export.generic_frame(models)
        frame.insert(3, "client", frame["client_id"].map(names))
    name = f"invoices-{fmt}-{first:%Y-%m}.{'xlsx' if xlsx else 'csv'}"
    data = export.to_xlsx_bytes(frame) if xlsx else export.to_csv_bytes(frame)
    return data, name, len(models)


# ---------------------------------------------------------------- upgrade candidates


def upgrade_candidates(
    *, session: Session, today: date, window: int = 4, min_over: int = 3
) -> pd.DataFrame:
    """Block-hours contracts over their hours in >= min_over of their last `window` periods.

    For renewals and the executive view (read-only, no actor): one row per contract with
    client, reference, periods over, overage hours and mean share used.
    """
    rows = _contract_rows(
        session,
        Contract.pricing_model == "block_hours",
        Contract.start_date <= today,
        or_(Contract.end_date.is_(None), Contract.end_date >= today - timedelta(days=366)),
    )
    contracts = [
        c for c in (_billing(r)[0] for r in rows) if c and isinstance(c.pricing, BlockHours)
    ]
    columns = [
        "client_id",
        "client",
        "contract_id",
        "contract",
        "periods",
        "periods_over",
        "overage_hours",
        "mean_share_used",
        "last_period_start",
    ]
    if not contracts:
        return pd.DataFrame(columns=columns)
    since = today - timedelta(days=31 * (window + 3))
    frame = _entry_frame(
        session,
        TimeEntry.contract_id.in_([c.contract_id for c in contracts]),
        TimeEntry.started_at >= _start(since),
        TimeEntry.started_at < _start(today + timedelta(days=1)),
    )
    by_contract: dict[int, list] = {}
    for e in _time_entries(_entitle(session, frame)):
        by_contract.setdefault(e.contract_id, []).append(e)
    histories = []
    for c in contracts:
        # Periods before the loaded entries would look unused (and roll hours over): start
        # the ledger at the first period inside the loaded span.
        first = next((p.start for p in iter_periods(c, until=today) if p.start >= since), None)
        if first is None:
            continue
        recent = replace(c, start_date=first)
        histories.append(
            block_hours_history(recent, by_contract.get(c.contract_id, []), until=today)
        )
    history = pd.concat(histories, ignore_index=True) if histories else None
    if history is None or history.empty:
        return pd.DataFrame(columns=columns)
    out = _upgrade_candidates(history, window=window, min_over=min_over, before=today)
    out.insert(1, "client", out["client_id"].map(_names(session, out["client_id"])))
    out.insert(3, "contract", out["contract_id"].map(_refs(session, out["contract_id"])))
    return out[columns].sort_values("overage_hours", ascending=False).reset_index(drop=True)
