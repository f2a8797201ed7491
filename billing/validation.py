"""Pre-issue validation of time entries against the contract in force on their date.

Every entry is checked; each problem becomes a Finding with a reason code and a
sentence with the numbers in it. Findings block the entry from the invoice until
someone resolves them, except RATE_MISMATCH: the invoice always charges the contracted
rate, so a wrong rate is corrected, and the correction is reported as money recovered.

Rates are checked for work billed by the hour (time and materials, after-hours,
out-of-scope); included work (fixed fee, per unit, block hours) has no per-entry rate.

The entitlement outcome (covered, covered_after_hours, out_of_scope, no_contract) is an
input column computed by the SLA engine (sla/entitlement.py); it is not recomputed here.

Billing accuracy = entries with no finding / all entries checked, per run and per
client; NaN when nothing was checked (never a ZeroDivisionError).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

import pandas as pd

from billing.model import ContractBilling, Id, InvoiceLine, Outcome, TimeEntry
from billing.money import round_money
from billing.pricing import rate_entry

HOURLY = ("time_and_materials", "after_hours", "out_of_scope")


class Reason(StrEnum):
    NO_CONTRACT = "NO_CONTRACT"
    UNKNOWN_OUTCOME = "UNKNOWN_OUTCOME"
    NO_PRICING_MODEL = "NO_PRICING_MODEL"
    NOT_APPROVED = "NOT_APPROVED"
    RATE_MISMATCH = "RATE_MISMATCH"
    NO_RATE = "NO_RATE"
    COVERAGE_MISMATCH = "COVERAGE_MISMATCH"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    DUPLICATE = "DUPLICATE"
    NEGATIVE_MINUTES = "NEGATIVE_MINUTES"
    MISSING_TICKET = "MISSING_TICKET"
    MISSING_TECHNICIAN = "MISSING_TECHNICIAN"


CORRECTED = frozenset({Reason.RATE_MISMATCH})


@dataclass(frozen=True)
class Finding:
    """One problem with one entry. `amount` is the money effect (rate corrections)."""

    entry_id: Id
    client_id: Id | None
    contract_id: Id | None
    reason: Reason
    message: str
    amount: Decimal | None = None
    currency: str | None = None

    @property
    def blocking(self) -> bool:
        return self.reason not in CORRECTED


@dataclass(frozen=True)
class ValidationReport:
    """All entries checked (contract id resolved) and the findings about them."""

    entries: tuple[TimeEntry, ...]
    findings: tuple[Finding, ...]

    @property
    def billable(self) -> list[TimeEntry]:
        """Entries with no blocking finding: what the invoice may charge."""
        held = {f.entry_id for f in self.findings if f.blocking}
        return [e for e in self.entries if e.entry_id not in held]

    @property
    def passed(self) -> list[TimeEntry]:
        """Entries with no finding at all."""
        flagged = {f.entry_id for f in self.findings}
        return [e for e in self.entries if e.entry_id not in flagged]

    def findings_frame(self) -> pd.DataFrame:
        rows = [
            {
                "entry_id": f.entry_id,
                "client_id": f.client_id,
                "contract_id": f.contract_id,
                "reason": str(f.reason),
                "blocking": f.blocking,
                "message": f.message,
                "amount": f.amount,
                "currency": f.currency,
            }
            for f in self.findings
        ]
        return pd.DataFrame(rows, columns=list(Finding.__dataclass_fields__) + ["blocking"])

    def accuracy(self) -> float:
        """Share of entries with no finding; NaN for an empty run."""
        total = len(self.entries)
        return len(self.passed) / total if total else math.nan

    def accuracy_by_client(self) -> pd.DataFrame:
        """client_id, entries, passed, accuracy (one row per client with entries)."""
        passed = {e.entry_id for e in self.passed}
        frame = pd.DataFrame(
            {
                "client_id": [e.client_id for e in self.entries],
                "passed": [e.entry_id in passed for e in self.entries],
            }
        )
        out = frame.groupby("client_id", dropna=False, sort=True)["passed"].agg(["size", "sum"])
        out = out.rename(columns={"size": "entries", "sum": "passed"}).reset_index()
        out["accuracy"] = out["passed"] / out["entries"].where(out["entries"] > 0)
        return out


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _resolve(
    entry: TimeEntry, by_id: dict[Id, ContractBilling], by_client: dict[Id, list[ContractBilling]]
) -> tuple[ContractBilling | None, str]:
    """The contract in force on the entry's date, or None and why."""
    if not _missing(entry.contract_id):
        contract = by_id.get(entry.contract_id)  # type: ignore[arg-type]
        if contract is None:
            return None, f"contract {entry.contract_id} is unknown"
        day = entry.local_date(contract.timezone)
        if not contract.in_force(day):
            end = contract.end_date.isoformat() if contract.end_date else "open-ended"
            term = f"{contract.start_date.isoformat()} to {end}"
            return None, f"contract {contract.contract_id} is not in force on {day} ({term})"
        return contract, ""
    candidates = [
        c for c in by_client.get(entry.client_id, []) if c.in_force(entry.local_date(c.timezone))
    ]
    if not candidates:
        day = entry.started_at.date().isoformat()
        return None, f"client {entry.client_id} has no contract in force on {day}"
    return max(candidates, key=lambda c: c.start_date), ""


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def check_contract(
    entry: TimeEntry, contract: ContractBilling
) -> list[tuple[Reason, str, Decimal | None]]:
    """Problems of one entry against its contract (validation and the block replay share it)."""
    out: list[tuple[Reason, str, Decimal | None]] = []
    minutes = entry.minutes or 0
    outcome = entry.outcome
    if contract.pricing is None:
        out.append(
            (Reason.NO_PRICING_MODEL, f"contract {contract.contract_id} has no pricing model", None)
        )
        return out
    if not _missing(entry.currency) and str(entry.currency).upper() != contract.currency:
        text = (
            f"rate charged in {entry.currency}, "
            f"contract {contract.contract_id} bills in {contract.currency}"
        )
        out.append((Reason.CURRENCY_MISMATCH, text, None))
    if outcome is Outcome.OUT_OF_SCOPE and not entry.approved:
        text = f"out-of-scope work ({minutes} min, {entry.role}) has no approval"
        out.append((Reason.NOT_APPROVED, text, None))
        return out
    if entry.after_hours is not None:
        if outcome is Outcome.COVERED and entry.after_hours:
            text = "entry is flagged after hours but entitlement says inside coverage hours"
            out.append((Reason.COVERAGE_MISMATCH, text, None))
        if outcome is Outcome.COVERED_AFTER_HOURS and not entry.after_hours:
            text = "entry is flagged inside hours but entitlement says after coverage hours"
            out.append((Reason.COVERAGE_MISMATCH, text, None))
    if minutes <= 0:
        return out
    rated = rate_entry(contract, entry)
    if rated.kind == "not_billable" and rated.rule.startswith("no contracted rate"):
        out.append((Reason.NO_RATE, f"{rated.rule} on contract {contract.contract_id}", None))
    if rated.kind in HOURLY and rated.rate is not None and entry.rate_charged is not None:
        charged = entry.rate_charged
        same_currency = _missing(entry.currency) or str(entry.currency).upper() == contract.currency
        if same_currency and charged != rated.rate:
            exp_amount = round_money(rated.rate * minutes / 60, contract.currency)
            got_amount = round_money(charged * minutes / 60, contract.currency)
            delta = exp_amount - got_amount
            text = (
                f"charged {_money(charged)}/h, contract rate {_money(rated.rate)}/h "
                f"({rated.rule}); {minutes} min: {_money(exp_amount)} instead of "
                f"{_money(got_amount)} ({delta:+.2f})"
            )
            out.append((Reason.RATE_MISMATCH, text, delta))
    return out


def validate_entries(
    entries: Iterable[TimeEntry], contracts: Sequence[ContractBilling]
) -> ValidationReport:
    """Check every entry; return entries (contract resolved) and findings."""
    by_id = {c.contract_id: c for c in contracts}
    by_client: dict[Id, list[ContractBilling]] = {}
    for c in contracts:
        by_client.setdefault(c.client_id, []).append(c)
    seen: dict[tuple, Id] = {}
    checked: list[TimeEntry] = []
    findings: list[Finding] = []
    for entry in entries:
        problems: list[tuple[Reason, str, Decimal | None]] = []
        if entry.minutes is None or entry.minutes <= 0:
            got = "missing" if entry.minutes is None else str(entry.minutes)
            problems.append((Reason.NEGATIVE_MINUTES, f"minutes must be > 0, got {got}", None))
        if _missing(entry.ticket_id):
            problems.append((Reason.MISSING_TICKET, "no ticket on the entry", None))
        if _missing(entry.technician_id):
            problems.append((Reason.MISSING_TECHNICIAN, "no technician on the entry", None))
        key = (entry.technician_id, entry.ticket_id, entry.started_at, entry.minutes)
        if key in seen:
            text = (
                f"same technician {entry.technician_id}, ticket {entry.ticket_id}, start "
                f"{entry.started_at.isoformat()} and {entry.minutes} min as entry {seen[key]}"
            )
            problems.append((Reason.DUPLICATE, text, None))
        else:
            seen[key] = entry.entry_id
        contract = None
        if entry.outcome is None:
            text = f"entitlement outcome {entry.entitlement_outcome!r} is not one of " + ", ".join(
                o.value for o in Outcome
            )
            problems.append((Reason.UNKNOWN_OUTCOME, text, None))
        else:
            contract, why = _resolve(entry, by_id, by_client)
            if entry.outcome is Outcome.NO_CONTRACT and contract is not None:
                why = "entitlement check found no contract covering this work"
                contract = None
            if contract is None:
                problems.append((Reason.NO_CONTRACT, why, None))
            else:
                problems.extend(check_contract(entry, contract))
        if contract is not None and _missing(entry.contract_id):
            entry = replace(entry, contract_id=contract.contract_id)
        checked.append(entry)
        currency = contract.currency if contract is not None else None
        for reason, message, amount in problems:
            findings.append(
                Finding(
                    entry.entry_id,
                    entry.client_id,
                    entry.contract_id,
                    reason,
                    message,
                    amount,
                    currency,
                )
            )
    return ValidationReport(tuple(checked), tuple(findings))


def revenue_recovered(
    lines: Iterable[InvoiceLine], report: ValidationReport | None = None
) -> pd.DataFrame:
    """Per currency: out-of-scope work captured, overage billed, rate errors corrected.

    Rate corrections count only entries that reached the invoice (no blocking finding):
    `rate_undercharge_recovered` sums what wrong rates would have lost,
    `rate_overcharge_corrected` what they would have overcharged.
    """
    totals: dict[str, dict[str, Decimal]] = {}

    def bucket(currency: str) -> dict[str, Decimal]:
        zero = round_money(Decimal(0), currency)
        names = (
            "out_of_scope_captured",
            "overage_billed",
            "after_hours_billed",
            "rate_undercharge_recovered",
            "rate_overcharge_corrected",
        )
        return totals.setdefault(currency, dict.fromkeys(names, zero))

    for line in lines:
        name = {
            "out_of_scope": "out_of_scope_captured",
            "overage": "overage_billed",
            "after_hours": "after_hours_billed",
        }.get(line.kind)
        if name:
            bucket(line.currency)[name] += line.amount
    if report is not None:
        billable = {e.entry_id for e in report.billable}
        for f in report.findings:
            if f.reason is Reason.RATE_MISMATCH and f.entry_id in billable and f.amount:
                b = bucket(f.currency or "")
                if f.amount > 0:
                    b["rate_undercharge_recovered"] += f.amount
                else:
                    b["rate_overcharge_corrected"] += -f.amount
    rows = [{"currency": cur, **values} for cur, values in sorted(totals.items())]
    return pd.DataFrame(rows)
