"""Service credits of one contract for one period, from the SLA engine's results.

Rules mirror db/models/credits.py (ServiceCreditRule). A rule is set off by
- `sla_compliance_below`: met / (met + breached) of its metric (and priority) < threshold %;
- `availability_below`: the period's measured availability % < threshold %;
- `per_breach`: every breached target of its metric (and priority).
The credit is a percent of the period's recurring fee or a fixed amount (per breach for
per_breach); `tiers` (best first, `below` / `credit`) pick the credit by how far the
measure fell: the lowest tier whose `below` the measure is under applies. The cap per
period (percent of the fee and/or an amount; the smaller wins) bounds each rule. Amounts
are rounded once (billing.money) and returned positive; the invoice line is negative.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from billing.money import round_money, to_decimal

TRIGGERS = ("sla_compliance_below", "availability_below", "per_breach")
METRICS = ("response", "resolution")
CREDIT_KINDS = ("percent_of_fee", "amount")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CreditRule:
    """One credit rule; invalid rules are refused with a message a user can act on."""

    name: str
    trigger: str
    credit_kind: str
    metric: str | None = None
    priority: str | None = None
    threshold: Decimal | None = None
    credit_value: Decimal | None = None
    tiers: Sequence[Mapping[str, Any]] | None = None
    cap_percent: Decimal | None = None
    cap_amount: Decimal | None = None
    rule_id: int | str | None = None

    def __post_init__(self) -> None:
        label = f"credit rule {self.name!r}"
        if self.trigger not in TRIGGERS:
            raise ValueError(f"{label}: trigger must be one of {', '.join(TRIGGERS)}")
        if self.trigger != "availability_below" and self.metric not in METRICS:
            raise ValueError(
                f"{label}: no measure - say which SLA metric it watches (response or resolution)"
            )
        if self.trigger != "per_breach" and self.threshold is None and not self.tiers:
            raise ValueError(f"{label}: no measure - a threshold % (or tiers) is needed")
        if self.credit_kind not in CREDIT_KINDS:
            raise ValueError(f"{label}: credit must be percent_of_fee or amount")
        if self.credit_value is None and not self.tiers:
            raise ValueError(f"{label}: no credit - give a credit value or tiers")
        for name in ("threshold", "credit_value", "cap_percent", "cap_amount"):
            value = to_decimal(getattr(self, name))
            if value is not None and value < 0:
                raise ValueError(f"{label}: {name} must not be negative")
            object.__setattr__(self, name, value)
        if self.cap_percent is not None and self.cap_percent > HUNDRED:
            raise ValueError(f"{label}: a cap above 100% of the fee is not a cap")
        if self.tiers:
            tiers = tuple(
                {"below": to_decimal(t["below"]), "credit": to_decimal(t["credit"])}
                for t in self.tiers
            )
            object.__setattr__(self, "tiers", tiers)


@dataclass(frozen=True)
class SlaResult:
    """One decided target of one ticket in the period (from the SLA engine)."""

    ticket_id: int | str
    priority: str
    metric: str
    met: bool
    target_minutes: int | None = None


@dataclass(frozen=True)
class Credit:
    """The credit one rule gives in the period, with the evidence behind it."""

    rule: CreditRule
    amount: Decimal
    measure: Decimal | None
    tickets: tuple[int | str, ...]
    evidence: str
    capped: bool


def _scope(rule: CreditRule, results: Iterable[SlaResult]) -> list[SlaResult]:
    return [
        r for r in results
        if r.metric == rule.metric and (rule.priority is None or r.priority == rule.priority)
    ]


def _tier_credit(rule: CreditRule, measure: Decimal) -> Decimal | None:
    if rule.tiers:
        hit = [t["credit"] for t in rule.tiers if measure < t["below"]]
        return hit[-1] if hit else None
    return rule.credit_value if measure < rule.threshold else None


def _value(rule: CreditRule, credit: Decimal, fee: Decimal) -> Decimal:
    return fee * credit / HUNDRED if rule.credit_kind == "percent_of_fee" else credit


def credit_for(
    rule: CreditRule,
    results: Sequence[SlaResult],
    *,
    fee: Decimal,
    currency: str,
    availability: Decimal | None = None,
) -> Credit | None:
    """The rule's credit for the period, or None when it is not set off."""
    scope = "" if rule.priority is None else f" {rule.priority}"
    if rule.trigger == "availability_below":
        if availability is None:
            return None
        measure = Decimal(availability)
        credit = _tier_credit(rule, measure)
        if credit is None:
            return None
        raw, tickets = _value(rule, credit, fee), ()
        evidence = f"availability {measure}% below {rule.threshold or rule.tiers[0]['below']}%"
    else:
        mine = _scope(rule, results)
        breached = [r for r in mine if not r.met]
        tickets = tuple(r.ticket_id for r in breached)
        if rule.trigger == "per_breach":
            if not breached:
                return None
            measure = Decimal(len(breached))
            raw = _value(rule, rule.credit_value, fee) * len(breached)
            evidence = f"{len(breached)}{scope} {rule.metric} breach(es)"
        else:
            if not mine:
                return None
            measure = (Decimal(len(mine) - len(breached)) * HUNDRED / len(mine)).quantize(
                Decimal("0.01")
            )
            credit = _tier_credit(rule, measure)
            if credit is None:
                return None
            raw = _value(rule, credit, fee)
            evidence = (
                f"{rule.metric}{scope} compliance {measure}% "
                f"({len(mine) - len(breached)} of {len(mine)} met)"
            )
    caps = [c for c in (
        None if rule.cap_percent is None else fee * rule.cap_percent / HUNDRED,
        rule.cap_amount,
    ) if c is not None]
    cap = min(caps) if caps else None
    capped = cap is not None and raw > cap
    amount = round_money(min(raw, cap) if capped else raw, currency)
    if capped:
        evidence += f"; capped at {round_money(cap, currency)}"
    if tickets:
        evidence += "; tickets " + ", ".join(str(t) for t in tickets)
    return Credit(rule, amount, measure, tickets, evidence, capped)


def period_credits(
    rules: Sequence[CreditRule],
    results: Sequence[SlaResult],
    *,
    fee: Decimal,
    currency: str,
    availability: Decimal | None = None,
) -> list[Credit]:
    """Every rule's credit for the period, in rule order."""
    out = []
    for rule in rules:
        found = credit_for(rule, results, fee=fee, currency=currency, availability=availability)
        if found is not None:
            out.append(found)
    return out
