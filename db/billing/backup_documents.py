"""Backup documents listing every entry behind an invoice (PDF, CSV, XLSX).

They are rebuilt from the entries linked to the invoice (`time_entries.invoice_id`) with the
same pure functions that drafted it and compared with the stored lines; if the entries
changed since, the document is refused with the difference instead of showing numbers that
do not add up to the invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy.orm import Session

from access.roles import Actor, require
from billing import backup
from billing.model import Invoice as InvoiceModel
from billing.periods import bill_date, closing_period, iter_periods
from billing.run import invoice_run
from db.billing.common import PERMISSION, _model
from db.billing.compute import _coverage
from db.billing.inputs import (
    _billing,
    _contract_rows,
    _entitle,
    _entry_frame,
    _replay_states,
    _time_entries,
)
from db.models import Client, Contract, Invoice, TimeEntry


class BackupMismatch(ValueError):
    """The entries behind an invoice changed since it was drafted."""


@dataclass(frozen=True)
class BackupDocuments:
    name: str
    frame: pd.DataFrame
    csv: bytes
    xlsx: bytes
    pdf: bytes
    entries_listed: bool  # False: lines only (the invoice was not drafted by a billing run)


NOT_FROM_ENTRIES = ("credit", "tax")


def _not_from_entries(line) -> bool:
    return line.kind in NOT_FROM_ENTRIES or (line.rule or "").startswith("request:")


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
    coverage = _coverage(session, rows)
    states = _replay_states(
        session, [contract], until=billed - timedelta(days=1), coverage=coverage
    )
    result = invoice_run(
        [contract],
        entries,
        run_date=billed,
        since=billed - timedelta(days=1),
        unit_counts=counts,
        block_states=states,
        coverage=coverage,
    )
    found = next((i for i in result.invoices if i.invoice_no == row.key), None)
    ordered = sorted(row.lines, key=lambda x: x.id)
    # Service credits, tax and approved out-of-scope requests (their line is the evidence)
    # are not backed by entries: listed as stored, after the rest.
    kept = [ln for ln in ordered if _not_from_entries(ln)]
    stored = [(ln.kind, ln.amount) for ln in ordered if not _not_from_entries(ln)]
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
    if found is None:  # nothing but lines not from entries: listed as stored
        return None
    extra = _model(row, lines=kept).lines if kept else ()
    return replace(
        found,
        lines=found.lines + extra,
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
