"""Compliance gaps: which contract requirements are unmet now or will be within the horizon.

A gap is raised ``horizon_days`` (60) before it happens, so renewals can be chased in time.
Each gap carries the day it starts and a ``key`` built from contract, requirement, subject and
that day: a daily job sees the same key for the same gap and alerts once, while a renewal
followed by a new lapse is a new key. Holdings are merged as intervals, so a renewal that
starts before the old credential expires closes the gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from compliance.assignment import MissingCredential, check_assignment, credential_spans
from compliance.coverage import Span, covers, probe
from compliance.requirements import (
    Assignment,
    ContractRequirements,
    HeldCredential,
    Holdings,
    Id,
    NameKind,
    NameRegistry,
    default_registry,
    normalise_name,
)

Severity = Literal["critical", "high", "medium", "low"]
# no_expiry is an advisory (severity low): valid, but nobody recorded when it runs out.
GapKind = Literal[
    "missing",
    "expired",
    "expiring",
    "insufficient_cover",
    "currency_mismatch",
    "unknown_requirement",
    "no_expiry",
]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
HIGH_WITHIN_DAYS = 30
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Gap:
    """One requirement unmet (or about to be) for one contract and subject."""

    contract_id: Id
    technician_id: Id | None
    requirement: str
    kind: GapKind
    severity: Severity
    starts: date
    reason: str
    key: str
    days_until: int  # negative while the gap is already open


@dataclass(frozen=True)
class _Check:
    """One requirement for one subject over the days it must hold."""

    contract_id: Id
    technician_id: Id | None
    requirement: str
    what: str
    spans: tuple[Span, ...]
    near_misses: tuple[Span, ...]
    period_start: date
    period_end: date  # exclusive
    onsite: bool = False


def _days(day: date) -> str:
    return day.isoformat()


def _severity(kind: GapKind, days_until: int, onsite_technician: bool) -> Severity:
    """Unmet now, or an on-site technician without the credential at all, is critical."""
    if kind == "no_expiry":
        return "low"
    if kind == "unknown_requirement" or days_until <= 0:
        return "critical"
    if onsite_technician and kind == "missing":
        return "critical"
    return "high" if days_until <= HIGH_WITHIN_DAYS else "medium"


def _gap(check: _Check, kind: GapKind, starts: date, reason: str, on: date) -> Gap:
    subject = "company" if check.technician_id is None else f"technician:{check.technician_id}"
    days_until = (starts - on).days
    severity = _severity(kind, days_until, check.onsite and check.technician_id is not None)
    # The kind stays out of the key: one lapse is one alert, whatever explains it.
    key = f"{check.contract_id}|{check.requirement}|{subject}|{_days(starts)}"
    if kind == "no_expiry":
        key += "|no-expiry"
    return Gap(
        check.contract_id,
        check.technician_id,
        check.requirement,
        kind,
        severity,
        starts,
        reason,
        key,
        days_until,
    )


def _evaluate(check: _Check, on: date, window_end: date) -> list[Gap]:
    lo, hi = max(on, check.period_start), min(window_end, check.period_end)
    if lo >= hi:
        return []
    result = probe(check.spans, check.period_start, lo, hi)
    if result.gap_start is None:
        if result.open_ended is None:
            return []
        since = result.open_ended.starts or check.period_start
        reason = f"{check.what} is counted as valid but has no expiry recorded"
        return [_gap(check, "no_expiry", since, reason, on)]
    start, day = result.gap_start, result.first_day
    assert day is not None
    kind: GapKind
    near = [s for s in check.near_misses if covers(s, day)]
    if near:
        kind = "currency_mismatch" if "currency" in near[0].detail else "insufficient_cover"
        reason = f"{check.what}: {near[0].detail}"
    elif result.lapsed is not None and result.lapsed.expiry is not None:
        expiry = result.lapsed.expiry
        kind = "expired" if expiry <= on else "expiring"
        reason = f"{check.what} {'expired' if expiry <= on else 'expires'} on {_days(expiry)}"
        if expiry > on:
            reason += f" (in {(expiry - on).days} days)"
    else:
        kind, reason = "missing", f"{check.what}: none recorded"
    if result.resumes is not None:
        reason += f"; the next one starts on {_days(result.resumes)}"
    elif kind in ("expired", "expiring"):
        reason += "; no renewal recorded"
    return [_gap(check, kind, start, reason, on)]


__all__ = ["Gap", "GapKind", "MissingCredential", "Severity", "check_assignment", "gaps"]


def _unknown(req: ContractRequirements, label: str, message: str, on: date) -> Gap:
    check = _Check(req.contract_id, None, label, label, (), (), req.starts, date.max)
    return _gap(check, "unknown_requirement", req.starts, message, on)


def _period(req: ContractRequirements) -> tuple[date, date]:
    end = date.max if req.ends is None or req.ends == date.max else req.ends + _ONE_DAY
    return req.starts, end


def _company_checks(
    req: ContractRequirements, holdings: Holdings, reg: NameRegistry, on: date
) -> tuple[list[_Check], list[Gap]]:
    checks: list[_Check] = []
    unknown: list[Gap] = []
    start, end = _period(req)

    def known(kind: NameKind, name: str, label: str) -> str | None:
        canonical = reg.canonical(kind, name)
        if canonical is None:
            unknown.append(_unknown(req, f"{label}: {name}", reg.unknown_message(kind, name), on))
        return canonical

    def certification_spans(name: str) -> tuple[Span, ...]:
        return tuple(
            Span(c.issued, c.expiry)
            for c in holdings.certifications
            if reg.satisfies("certification", c.name, name)
        )

    for ins in req.insurance:
        kind = known("insurance", ins.kind, "insurance")
        if kind is None:
            continue
        spans, near = [], []
        for p in holdings.policies:
            if not reg.satisfies("insurance", p.kind, kind):
                continue
            if p.currency != ins.currency:
                detail = f"policy is in {p.currency}, the currency required is {ins.currency}"
                near.append(Span(p.starts, p.expiry, detail))
            elif p.cover < ins.minimum_cover:
                detail = (
                    f"cover {p.currency} {p.cover:,.2f} is below the required "
                    f"{ins.currency} {ins.minimum_cover:,.2f}"
                )
                near.append(Span(p.starts, p.expiry, detail))
            else:
                spans.append(Span(p.starts, p.expiry))
        what = f"{kind} insurance (at least {ins.currency} {ins.minimum_cover:,.2f})"
        label = f"insurance: {kind}"
        checks.append(
            _Check(req.contract_id, None, label, what, tuple(spans), tuple(near), start, end)
        )
    for cert in req.certifications:
        name = known("certification", cert.name, "certification")
        if name is not None:
            label = f"certification: {name}"
            checks.append(
                _Check(
                    req.contract_id,
                    None,
                    label,
                    f"{name} certification",
                    certification_spans(name),
                    (),
                    start,
                    end,
                )
            )
    for clause in req.clauses:
        label = f"security clause: {clause.name}"
        if clause.evidence is not None:
            name = known("certification", clause.evidence, label)
            if name is None:
                continue
            spans, what = certification_spans(name), f"{name} certification (evidence for {label})"
        else:
            spans = tuple(
                Span(a.attested_on, a.review_due)
                for a in holdings.attestations
                if a.contract_id == req.contract_id
                and normalise_name(a.clause) == normalise_name(clause.name)
            )
            what = f"attestation of {label}"
        checks.append(_Check(req.contract_id, None, label, what, spans, (), start, end))
    return checks, unknown


def _technician_checks(
    req: ContractRequirements,
    by_technician: dict[Id, list[HeldCredential]],
    assignments: Sequence[Assignment],
    reg: NameRegistry,
    on: date,
    window_end: date,
) -> tuple[list[_Check], list[Gap]]:
    checks: list[_Check] = []
    unknown: list[Gap] = []
    start, end = _period(req)
    mine = [
        a
        for a in assignments
        if a.starts < min(window_end, end) and (a.ends is None or a.ends >= max(on, start))
    ]
    for cred in req.credentials:
        name = reg.canonical("credential", cred.name)
        if name is None:
            message = reg.unknown_message("credential", cred.name)
            unknown.append(_unknown(req, f"credential: {cred.name}", message, on))
            continue
        relevant = [a for a in mine if cred.applies_to == "all" or a.onsite]
        for tech in sorted({a.technician_id for a in relevant}, key=str):
            visits = [a for a in relevant if a.technician_id == tech]
            first = max(start, min(a.starts for a in visits))
            last = max((a.ends or date.max) for a in visits)
            last_excl = date.max if last == date.max else last + _ONE_DAY
            held = by_technician.get(tech, [])
            checks.append(
                _Check(
                    req.contract_id,
                    tech,
                    f"credential: {name}",
                    f"{name} for technician {tech}",
                    credential_spans(held, name, reg),
                    (),
                    first,
                    min(end, last_excl),
                    onsite=any(a.onsite for a in visits),
                )
            )
    return checks, unknown


def gaps(
    requirements: Iterable[ContractRequirements],
    holdings: Holdings,
    assignments: Iterable[Assignment],
    on: date,
    horizon_days: int = 60,
    *,
    registry: NameRegistry | None = None,
) -> list[Gap]:
    """Requirements unmet on ``on`` or within ``horizon_days`` after it, most urgent first."""
    reg = registry or default_registry()
    window_end = on + timedelta(days=horizon_days + 1)
    by_contract: dict[Id, list[Assignment]] = {}
    for a in assignments:
        by_contract.setdefault(a.contract_id, []).append(a)
    by_technician: dict[Id, list[HeldCredential]] = {}
    for c in holdings.credentials:
        by_technician.setdefault(c.technician_id, []).append(c)
    found: list[Gap] = []
    for req in requirements:
        start, end = _period(req)
        if start >= window_end or end <= on:
            continue  # not in force in the window: nothing can be unmet
        company, unknown_c = _company_checks(req, holdings, reg, on)
        techs, unknown_t = _technician_checks(
            req, by_technician, by_contract.get(req.contract_id, []), reg, on, window_end
        )
        found += unknown_c + unknown_t
        for check in company + techs:
            found += _evaluate(check, on, window_end)
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(
        found, key=lambda g: (rank[g.severity], g.starts, str(g.contract_id), g.requirement)
    )
