"""The 90-day health check: this term against the previous one, from raw records.

Input frames (columns as loaded by db/; instants timezone-aware, bucketed by the day in
the contract's zone ``tz``):

- tickets: ``created_at``, ``first_response_at``, ``resolved_at``, optional ``csat``
  (1..5), optional SLA outcomes (see :data:`renewals.periods.SLA_COLUMNS`) and optional
  ``response_minutes`` / ``resolution_minutes`` (business minutes from sla/; without
  them wall-clock minutes are used);
- time_entries: ``started_at``, ``minutes``;
- invoices: ``issue_date``, ``due_date``, ``total`` (Decimal), optional ``status``
  (void/draft ignored), ``paid_on`` (day fully paid, see :func:`paid_on_dates`);
- csat (optional): ``at``, ``score``; without it the tickets' ``csat`` is used.

Tickets, SLA outcomes and durations count by creation day; "resolved" by resolution
day; invoices by issue day. Payment state is as of ``today`` for both terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from renewals.dates import roll_end
from renewals.health import HealthInputs
from renewals.periods import decided_counts, in_range, local_days, usage_by_period


@dataclass(frozen=True)
class Term:
    start: date
    end: date  # inclusive


def terms_for(effective_end: date, term_months: int) -> tuple[Term, Term]:
    """(current, previous) terms of ``term_months`` ending at ``effective_end``."""
    previous_end = roll_end(effective_end, -term_months)
    before = roll_end(effective_end, -2 * term_months)
    one = timedelta(days=1)
    return Term(previous_end + one, effective_end), Term(before + one, previous_end)


@dataclass(frozen=True)
class TermReport:
    term: Term
    through: date  # last day counted: the term end, or today for the running term
    tickets_opened: int
    tickets_resolved: int
    sla_met: dict[str, int]
    sla_breached: dict[str, int]
    sla_compliance: dict[str, float | None]  # per metric
    sla_compliance_overall: float | None
    median_response_minutes: float | None
    avg_response_minutes: float | None
    median_resolution_minutes: float | None
    avg_resolution_minutes: float | None
    hours_used: float
    hours_contracted: float | None  # pro rata to ``through``
    utilisation: float | None
    overage_hours: float | None  # summed per month
    csat_avg: float | None
    csat_responses: int
    invoices_issued: int
    invoices_paid_on_time: int
    invoices_paid_late: int
    invoices_unpaid_overdue: int
    on_time_share: float | None
    avg_days_late: float | None  # over invoices paid late
    max_days_overdue: int  # oldest unpaid invoice past due as of today, 0 when none
    amount_outstanding: Decimal


DELTA_FIELDS = (
    "tickets_opened", "tickets_resolved", "sla_compliance_overall",
    "median_response_minutes", "avg_response_minutes", "median_resolution_minutes",
    "avg_resolution_minutes", "hours_used", "utilisation", "overage_hours", "csat_avg",
    "on_time_share", "avg_days_late", "max_days_overdue",
)  # fmt: skip


@dataclass(frozen=True)
class HealthCheck:
    current: TermReport
    previous: TermReport
    deltas: dict[str, float | None]  # current - previous; None when either is unknown
    usage: pd.DataFrame  # monthly hours over both terms (renewals.periods.usage_by_period)
    tickets_last_90: int
    tickets_previous_90: int


def _stat(values: pd.Series, how: str) -> float | None:
    values = values.dropna()
    return None if values.empty else round(float(getattr(values, how)()), 1)


def _minutes(tickets: pd.DataFrame, column: str, end_column: str) -> pd.Series:
    if column in tickets:
        return pd.to_numeric(tickets[column], errors="coerce")
    if tickets.empty:
        return pd.Series(dtype=float)
    created = pd.to_datetime(tickets["created_at"], utc=True)
    ended = pd.to_datetime(tickets[end_column], utc=True)
    return (ended - created).dt.total_seconds() / 60


def paid_on_dates(invoices: pd.DataFrame, payments: pd.DataFrame) -> pd.Series:
    """Day each invoice was fully paid (cumulative payments >= total), else None.

    invoices: ``id``, ``total``; payments: ``invoice_id``, ``paid_on``, ``amount``.
    """
    paid: dict[object, date] = {}
    running: dict[object, Decimal] = {}
    totals = dict(zip(invoices["id"], invoices["total"], strict=True))
    for row in payments.sort_values("paid_on", kind="stable").itertuples(index=False):
        invoice = row.invoice_id
        if invoice in paid or invoice not in totals:
            continue
        running[invoice] = running.get(invoice, Decimal("0")) + Decimal(str(row.amount))
        if running[invoice] >= Decimal(str(totals[invoice])):
            paid[invoice] = row.paid_on
    return pd.Series([paid.get(i) for i in invoices["id"]], index=invoices.index, dtype=object)


def _payments(invoices: pd.DataFrame, term: Term, today: date) -> dict[str, object]:
    if "status" in invoices:
        invoices = invoices[~invoices["status"].isin(["void", "draft"])]
    issued = pd.to_datetime(invoices["issue_date"])
    inv = invoices[in_range(issued, term.start, term.end)]
    due = pd.to_datetime(inv["due_date"])
    paid = pd.to_datetime(inv["paid_on"]) if "paid_on" in inv else pd.Series(pd.NaT, inv.index)
    paid = paid.where(paid <= pd.Timestamp(today))  # a payment after today has not happened
    on_time = paid.notna() & (paid <= due)
    late = paid.notna() & (paid > due)
    overdue = paid.isna() & (due < pd.Timestamp(today))
    days_late = (paid[late] - due[late]).dt.days
    days_overdue = (pd.Timestamp(today) - due[overdue]).dt.days
    counted = int(on_time.sum() + late.sum() + overdue.sum())
    return {
        "invoices_issued": len(inv),
        "invoices_paid_on_time": int(on_time.sum()),
        "invoices_paid_late": int(late.sum()),
        "invoices_unpaid_overdue": int(overdue.sum()),
        "on_time_share": round(int(on_time.sum()) / counted, 4) if counted else None,
        "avg_days_late": _stat(days_late, "mean"),
        "max_days_overdue": int(days_overdue.max()) if len(days_overdue) else 0,
        "amount_outstanding": sum(
            (Decimal(str(v)) for v in inv.loc[paid.isna(), "total"]), Decimal("0.00")
        ),
    }


def term_report(
    *,
    tickets: pd.DataFrame,
    time_entries: pd.DataFrame,
    invoices: pd.DataFrame,
    csat: pd.DataFrame | None = None,
    term: Term,
    hours_per_month: float | None,
    today: date,
    tz: str = "UTC",
) -> TermReport:
    """Everything the health check says about one term, up to ``today``."""
    through = min(term.end, today)
    created = local_days(tickets["created_at"], tz)
    in_term = tickets[in_range(created, term.start, through)]
    resolved = local_days(tickets["resolved_at"], tz)
    counts = decided_counts(in_term)
    met, breached = sum(m for m, _ in counts.values()), sum(b for _, b in counts.values())
    response = _minutes(in_term, "response_minutes", "first_response_at")
    resolution = _minutes(in_term, "resolution_minutes", "resolved_at")

    if csat is None:
        csat = pd.DataFrame({"at": tickets["resolved_at"].fillna(tickets["created_at"])})
        csat["score"] = tickets.get("csat")
    scores = pd.to_numeric(csat["score"], errors="coerce")
    scores = scores[in_range(local_days(csat["at"], tz), term.start, through)].dropna()

    usage = usage_by_period(
        time_entries, start=term.start, through=through, hours_per_month=hours_per_month, tz=tz
    )
    used = round(float(usage["hours_used"].sum()), 2)
    total = float(usage["hours_contracted"].sum())
    contracted = None if hours_per_month is None else round(total, 2)
    return TermReport(
        term=term,
        through=through,
        tickets_opened=len(in_term),
        tickets_resolved=int(in_range(resolved, term.start, through).sum()),
        sla_met={k: m for k, (m, _) in counts.items()},
        sla_breached={k: b for k, (_, b) in counts.items()},
        sla_compliance={
            k: round(m / (m + b), 4) if m + b else None for k, (m, b) in counts.items()
        },
        sla_compliance_overall=round(met / (met + breached), 4) if met + breached else None,
        median_response_minutes=_stat(response, "median"),
        avg_response_minutes=_stat(response, "mean"),
        median_resolution_minutes=_stat(resolution, "median"),
        avg_resolution_minutes=_stat(resolution, "mean"),
        hours_used=used,
        hours_contracted=contracted,
        utilisation=round(used / contracted, 4) if contracted else None,
        overage_hours=None if contracted is None else round(float(usage["overage_hours"].sum()), 2),
        csat_avg=round(float(scores.mean()), 2) if len(scores) else None,
        csat_responses=len(scores),
        **_payments(invoices, Term(term.start, through), today),  # type: ignore[arg-type]
    )


def health_check(
    *,
    tickets: pd.DataFrame,
    time_entries: pd.DataFrame,
    invoices: pd.DataFrame,
    csat: pd.DataFrame | None = None,
    current: Term,
    previous: Term,
    hours_per_month: float | None,
    today: date,
    tz: str = "UTC",
) -> HealthCheck:
    """Compile the current and previous term side by side, with the deltas."""
    frames = {"tickets": tickets, "time_entries": time_entries, "invoices": invoices}
    kwargs = {**frames, "csat": csat, "hours_per_month": hours_per_month, "today": today, "tz": tz}
    now = term_report(term=current, **kwargs)  # type: ignore[arg-type]
    before = term_report(term=previous, **kwargs)  # type: ignore[arg-type]
    deltas: dict[str, float | None] = {}
    for name in DELTA_FIELDS:
        a, b = getattr(now, name), getattr(before, name)
        deltas[name] = None if a is None or b is None else round(a - b, 4)
    usage = usage_by_period(
        time_entries,
        start=previous.start,
        through=min(current.end, today),
        hours_per_month=hours_per_month,
        tz=tz,
    )
    created = local_days(tickets["created_at"], tz)
    last = int(in_range(created, today - timedelta(days=89), today).sum())
    prior = int(in_range(created, today - timedelta(days=179), today - timedelta(days=90)).sum())
    return HealthCheck(now, before, deltas, usage, last, prior)


def to_health_inputs(check: HealthCheck, *, sla_target: float = 0.95) -> HealthInputs:
    """The health-score inputs this check provides (current term, trend over 90 days)."""
    c = check.current
    invoiced = c.invoices_issued or check.previous.invoices_issued
    # An invoice from the previous term still unpaid is the louder signal: take the worst.
    overdue = max(c.max_days_overdue, check.previous.max_days_overdue)
    return HealthInputs(
        sla_compliance=c.sla_compliance_overall,
        sla_target=sla_target,
        hours_used=c.hours_used if c.hours_contracted else None,
        hours_contracted=c.hours_contracted,
        tickets_last_90=check.tickets_last_90,
        tickets_previous_90=check.tickets_previous_90,
        csat=c.csat_avg,
        paid_on_time_share=c.on_time_share,
        days_overdue=overdue if invoiced else None,
    )
