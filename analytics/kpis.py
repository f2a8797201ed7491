"""Executive KPIs: every definition in one place (the README table is generated from DEFINITIONS).

Pure pandas. Amounts are summed within one currency at a time (no silent FX); callers pick
the currency. A KPI that has nothing to divide by is None, never 0 and never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd

DEFINITIONS: dict[str, str] = {
    "Total contract value": "Sum of `value` of active contracts (status active, not ended).",
    "MRR": "Monthly recurring revenue of active contracts: fixed or block-hours fee, or unit "
    "price x units, per month (quarterly fees / 3, annual / 12); time-and-materials "
    "contracts count their average monthly invoiced amount over the last 3 months.",
    "ARR": "12 x MRR.",
    "Renewal rate": "Renewed + renegotiated / decided opportunities (renewed, renegotiated, "
    "lost) whose term ended in the period.",
    "Value retained": "Value of renewed + renegotiated contracts / value of all decided ones.",
    "Forecast renewals": "Sum over contracts ending in the next 90 days of value x renewal "
    "probability from the health score (renewals.forecast).",
    "At-risk contracts": "Contracts with health score below 60 or a red flag (renewals).",
    "SLA compliance": "Met / (met + breached) targets, per metric, tickets created in the "
    "period; running tickets count once decided.",
    "Billing accuracy": "Billable lines passing validation / all lines, over the latest billing "
    "run of each period in the range (a rerun supersedes earlier runs).",
    "Revenue per contract": "Invoiced amount (invoices and credit notes, not void) with "
    "period start in the period.",
    "Margin": "(Revenue - cost of technician time) / revenue; cost = minutes / 60 x the "
    "technician's cost rate.",
    "Utilisation": "Hours logged / contracted hours (included hours per month x months).",
    "Satisfaction": "Mean CSAT (1-5) of tickets created in the period.",
    "Contracts per admin": "Active contracts / active admin users (target 250-300).",
    "Tickets": "Tickets created in the period.",
    "Revenue recovered": "What billing validation turned into revenue in the period: "
    "out-of-scope work captured, overage billed, after-hours work billed (invoice lines), and "
    "undercharged rates corrected to the contract rate (latest run of each period).",
    "Credits given": "Service credits the invoices gave clients for missed SLAs (credit lines "
    "of invoices, not void, with period start in the period); next to revenue recovered.",
    "At-risk value": "Sum of `value` of the at-risk contracts.",
    "Underperforming contracts": "Contracts in the lowest 10% of the selection for margin "
    "(among contracts with revenue) and under the margin target, or in the lowest 10% for "
    "resolution SLA compliance and under the SLA target; worst first.",
}


@dataclass(frozen=True)
class Targets:
    """Goal lines on the charts; defaults from what strong field-service teams report."""

    renewal_rate: float = 0.94
    billing_accuracy: float = 0.998
    sla_compliance: float = 0.985
    contracts_per_admin: tuple[int, int] = (250, 300)
    margin: float = 0.35


@dataclass(frozen=True)
class Kpi:
    name: str
    value: float | Decimal | None
    previous: float | Decimal | None
    unit: str  # "money" | "share" | "count" | "score"
    target: float | tuple[float, float] | None = None  # a floor, or a (low, high) band
    higher_is_better: bool = True  # colours the change: more at-risk contracts is worse

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return float(self.value) - float(self.previous)

    @property
    def status(self) -> str | None:
        """'on target', 'below target' or 'above target' (a band); None without a target."""
        if self.value is None or self.target is None:
            return None
        v = float(self.value)
        low, high = self.target if isinstance(self.target, tuple) else (self.target, None)
        if v < low:
            return "below target"
        if high is not None and v > high:
            return "above target"
        return "on target"


def tile_targets(targets: Targets) -> dict[str, float | tuple[float, float]]:
    """The goal each executive tile is judged against (tiles without one have no status)."""
    return {
        "Renewal rate": targets.renewal_rate,
        "SLA compliance (response)": targets.sla_compliance,
        "SLA compliance (resolution)": targets.sla_compliance,
        "Billing accuracy": targets.billing_accuracy,
        "Margin": targets.margin,
        "Contracts per admin": (
            float(targets.contracts_per_admin[0]),
            float(targets.contracts_per_admin[1]),
        ),
    }


CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


def ratio(num: float, den: float) -> float | None:
    return None if not den else num / den


def active(contracts: pd.DataFrame, today: date) -> pd.DataFrame:
    # the last day in force (contracts/term.py), never the initial term's end
    ends = pd.to_datetime(
        contracts["in_force_until" if "in_force_until" in contracts else "end_date"]
    )
    return contracts[
        (contracts["status"] == "active") & (ends.isna() | (ends >= pd.Timestamp(today)))
    ]


def monthly_recurring(contracts: pd.DataFrame, tm_monthly: pd.Series | None = None) -> pd.Series:
    """MRR per contract id (Decimal), see DEFINITIONS["MRR"]."""
    out = {}
    for r in contracts.itertuples():
        months = CYCLE_MONTHS.get(getattr(r, "billing_cycle", "monthly") or "monthly", 1)
        if r.pricing_model in ("fixed", "block_hours") and r.recurring_fee is not None:
            out[r.id] = Decimal(r.recurring_fee) / months
        elif r.pricing_model == "per_unit" and r.unit_price is not None:
            out[r.id] = Decimal(r.unit_price) * Decimal(r.unit_count or 0) / months
        elif tm_monthly is not None and r.id in tm_monthly.index:
            out[r.id] = Decimal(str(tm_monthly[r.id]))
        else:
            out[r.id] = Decimal(0)
    return pd.Series(out, dtype=object)


def revenue_by_contract(invoices: pd.DataFrame, start: date, end: date) -> pd.Series:
    inv = invoices[
        (invoices["status"] != "void")
        & (pd.to_datetime(invoices["period_start"]) >= pd.Timestamp(start))
        & (pd.to_datetime(invoices["period_start"]) <= pd.Timestamp(end))
    ]
    return inv.groupby("contract_id")["total"].sum()


def margin_table(contracts: pd.DataFrame, revenue: pd.Series, cost: pd.Series) -> pd.DataFrame:
    """Revenue, cost and margin per contract (margin None where there is no revenue)."""
    df = contracts[["id", "reference", "client", "tier"]].copy()
    df["revenue"] = df["id"].map(revenue).apply(lambda v: Decimal(0) if pd.isna(v) else v)
    df["cost"] = df["id"].map(cost).fillna(0.0).astype(float)
    rev = df["revenue"].astype(float)
    df["margin"] = [None if not r else (r - c) / r for r, c in zip(rev, df["cost"], strict=True)]
    return df


def margin_by_tier(table: pd.DataFrame) -> pd.DataFrame:
    g = (
        table.assign(rev=table["revenue"].astype(float))
        .groupby("tier", as_index=False)
        .agg(revenue=("rev", "sum"), cost=("cost", "sum"), contracts=("id", "count"))
    )
    g["margin"] = [ratio(r - c, r) for r, c in zip(g["revenue"], g["cost"], strict=True)]
    return g


def utilisation_table(
    contracts: pd.DataFrame,
    hours_used: pd.Series,
    months: float,
    *,
    over: float = 1.1,
    under: float = 0.5,
) -> pd.DataFrame:
    """Hours used vs contracted per contract, labelled upgrade / churn risk / on plan."""
    df = contracts[contracts["included_hours"].notna()][
        ["id", "reference", "client", "tier", "included_hours"]
    ].copy()
    df["contracted"] = df["included_hours"].astype(float) * months
    df["used"] = df["id"].map(hours_used).fillna(0.0).astype(float)
    df["utilisation"] = [ratio(u, c) for u, c in zip(df["used"], df["contracted"], strict=True)]
    df["quadrant"] = [
        "no data"
        if u is None
        else ("upgrade opportunity" if u > over else "churn risk" if u < under else "on plan")
        for u in df["utilisation"]
    ]
    return df


def sla_rate(outcomes: pd.DataFrame, metric: str) -> float | None:
    m = outcomes[outcomes["metric"] == metric]
    met = int((m["state"] == "met").sum())
    breached = int((m["state"] == "breached").sum())
    return ratio(met, met + breached)


def renewal_rates(opps: pd.DataFrame, start: date, end: date) -> tuple[float | None, float | None]:
    """(renewal rate, value retained) over opportunities whose term ended in [start, end]."""
    ends = pd.to_datetime(opps["term_end"])
    d = opps[
        (opps["outcome"] != "open") & (ends >= pd.Timestamp(start)) & (ends <= pd.Timestamp(end))
    ]
    won = d["outcome"].isin(["renewed", "renegotiated"])
    values = d["value"].apply(lambda v: float(v) if v is not None and not pd.isna(v) else 0.0)
    return ratio(int(won.sum()), len(d)), ratio(values[won].sum(), values.sum())


def underperforming(
    table: pd.DataFrame, sla_by_contract: pd.Series, targets: Targets, *, share: float = 0.1
) -> pd.DataFrame:
    """The few contracts that need attention, judged against the rest of the portfolio
    (DEFINITIONS["Underperforming contracts"]), worst first."""
    margins = pd.Series(list(table["margin"]), index=table["id"].tolist(), dtype=float).dropna()
    sla = pd.to_numeric(sla_by_contract, errors="coerce").dropna()

    def flagged(values: pd.Series, target: float) -> pd.Series:
        """Gap to target of the values in the lowest `share` that are also under target."""
        if values.empty:
            return values
        low = values[(values <= values.quantile(share)) & (values < target)]
        return target - low

    m_gap, s_gap = flagged(margins, targets.margin), flagged(sla, targets.sla_compliance)
    rows = []
    for r in table.itertuples():
        why = []
        if r.id in m_gap.index:
            why.append(
                f"margin {margins[r.id]:.0%}, among the lowest {share:.0%} "
                f"(target {targets.margin:.0%})"
            )
        if r.id in s_gap.index:
            why.append(
                f"SLA compliance {sla[r.id]:.1%}, among the lowest {share:.0%} "
                f"(target {targets.sla_compliance:.1%})"
            )
        if why:
            rows.append(
                {
                    "reference": r.reference,
                    "client": r.client,
                    "tier": r.tier,
                    "margin": margins.get(r.id),
                    "sla compliance": sla.get(r.id),
                    "why": "; ".join(why),
                    "gap": m_gap.get(r.id, 0.0) + s_gap.get(r.id, 0.0),
                }
            )
    columns = ["reference", "client", "tier", "margin", "sla compliance", "why"]
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows).sort_values("gap", ascending=False)[columns].reset_index(drop=True)
