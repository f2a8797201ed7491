"""An invoice run: validate entries, then draft the invoices due at a run date.

Pure: contracts and entries in, draft invoices and the validation report out. The
integrator persists them; a second run over the same periods produces the same keys
(`invoice_key`), which the database refuses to insert twice. Block-hours state
(rollover, prepaid balance) is passed in and the state after the run comes back.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

from billing.blockhours import BlockHoursPeriod, BlockHoursState
from billing.coverage_split import Coverage, split_at_coverage
from billing.model import ContractBilling, Id, Invoice, TimeEntry, Usage
from billing.periods import BillingPeriod, bill_date, invoice_key, periods_for, usage_period
from billing.pricing import BlockHours, block_usage, block_window_step, invoice_lines
from billing.validation import ValidationReport, validate_entries


@dataclass(frozen=True)
class RunResult:
    invoices: tuple[Invoice, ...]
    report: ValidationReport
    block_states: dict[Id, BlockHoursState] = field(default_factory=dict)
    block_periods: dict[tuple[Id, date], BlockHoursPeriod] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        return self.report.accuracy()

    def alerts(self) -> list[tuple[Id, date, BlockHoursPeriod]]:
        """Block-hours windows at or above their alert threshold."""
        return [(cid, start, p) for (cid, start), p in self.block_periods.items() if p.alert]


def _in_window(
    dated: list[tuple[date, TimeEntry]], window: BillingPeriod | None
) -> list[TimeEntry]:
    if window is None:
        return []
    return [e for day, e in dated if window.contains(day)]


def invoice_run(
    contracts: Sequence[ContractBilling],
    entries: Iterable[TimeEntry],
    *,
    run_date: date,
    since: date | None = None,
    unit_counts: Mapping[Id, Mapping[str, int]] | None = None,
    block_states: Mapping[Id, BlockHoursState] | None = None,
    number: Callable[[Id, BillingPeriod], str] = invoice_key,
    coverage: Mapping[Id, Coverage] | None = None,
) -> RunResult:
    """Draft every invoice whose bill date is in (since, run_date], from billable entries.

    `coverage` (contract id -> calendar): billable entries crossing an opening or closing
    time are split there and each part rated on its own (billing.coverage_split).
    """
    report = validate_entries(entries, contracts)
    by_contract: dict[Id, list[TimeEntry]] = {}
    for e in split_at_coverage(report.billable, coverage or {}):
        by_contract.setdefault(e.contract_id, []).append(e)  # type: ignore[arg-type]
    states = dict(block_states or {})
    windows: dict[tuple[Id, date], BlockHoursPeriod] = {}
    invoices = []
    for contract in contracts:
        if contract.pricing is None:
            continue
        cid = contract.contract_id
        # local dates once per entry, not once per period
        own = [(e.local_date(contract.timezone), e) for e in by_contract.get(cid, [])]
        for period in periods_for(contract, run_date, since=since):
            window = usage_period(contract, period)
            usage = Usage(
                entries=_in_window(own, window),
                unit_counts=(unit_counts or {}).get(cid, {}),
                block_state=states.get(cid),
                period=window,
            )
            lines = invoice_lines(contract, period, usage)
            if isinstance(contract.pricing, BlockHours) and window is not None:
                step = block_usage(contract, window, usage)
                windows[(cid, window.start)] = step
                states[cid] = step.next_state()
            if not any(line.amount for line in lines):
                continue
            issued = bill_date(contract, period)
            invoices.append(
                Invoice(
                    invoice_no=number(cid, period),
                    contract_id=cid,
                    client_id=contract.client_id,
                    currency=contract.currency,
                    issue_date=issued,
                    due_date=issued + timedelta(days=contract.payment_terms_days),
                    lines=tuple(lines),
                    period_start=min(ln.period_start for ln in lines),
                    period_end=max(ln.period_end for ln in lines),
                )
            )
    return RunResult(tuple(invoices), report, states, windows)


def replay_block_states(
    contracts: Sequence[ContractBilling],
    block_minutes: Mapping[Id, Mapping[date, int]],
    *,
    run_date: date,
) -> dict[Id, BlockHoursState]:
    """The block-hours state `invoice_run(contracts, entries, run_date=run_date)` ends with,
    from the block-rated minutes of each contract per local work day (few rows instead of
    every entry): the same windows, in the same order, through the same step."""
    states: dict[Id, BlockHoursState] = {}
    for contract in contracts:
        pricing = contract.pricing
        if not isinstance(pricing, BlockHours):
            continue
        cid = contract.contract_id
        daily = sorted((block_minutes.get(cid) or {}).items())
        days = [d for d, _ in daily]
        upto = [0, *accumulate(m for _, m in daily)]  # minutes before days[i]: upto[i]
        for period in periods_for(contract, run_date):
            window = usage_period(contract, period)
            if window is None:
                continue
            used = upto[bisect_left(days, window.end)] - upto[bisect_left(days, window.start)]
            step = block_window_step(pricing, window, Decimal(used), states.get(cid))
            states[cid] = step.next_state()
    return states
