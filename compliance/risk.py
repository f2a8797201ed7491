"""Compliance risk as tables: every gap, and counts per contract and per technician.

These frames feed the compliance screen, the CSV/PDF export and the alert job; they carry
plain columns (no objects) so pages can sort, filter and download them directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from compliance.gaps import SEVERITIES, Gap

GAP_COLUMNS = [
    "contract_id",
    "technician_id",
    "requirement",
    "kind",
    "severity",
    "starts",
    "days_until",
    "reason",
    "key",
]
COUNT_COLUMNS = ["critical", "high", "medium", "low", "gaps", "worst", "first_gap"]


def gaps_frame(gaps: Sequence[Gap]) -> pd.DataFrame:
    """One row per gap, in the order given (``gaps()`` returns most urgent first)."""
    rows = [{column: getattr(gap, column) for column in GAP_COLUMNS} for gap in gaps]
    frame = pd.DataFrame(rows, columns=GAP_COLUMNS)
    return frame.astype({"days_until": "int64", "severity": "string", "reason": "string"})


def _counts(frame: pd.DataFrame, by: str, ids: Iterable[object]) -> pd.DataFrame:
    """Severity counts per ``by``; ``gaps`` excludes advisories (low), ``worst`` is 'ok' if none."""
    counts = (
        pd.crosstab(frame[by], frame["severity"])
        if len(frame)
        else pd.DataFrame(columns=list(SEVERITIES))
    )
    counts = counts.reindex(columns=list(SEVERITIES), fill_value=0)
    wanted = list(dict.fromkeys([*ids, *counts.index]))
    counts = counts.reindex(wanted, fill_value=0).astype("int64")
    counts.index.name = by
    counts.columns.name = None
    counts["gaps"] = counts[["critical", "high", "medium"]].sum(axis=1)
    counts["worst"] = [
        next((s for s in SEVERITIES if row[s] > 0), "ok") for _, row in counts.iterrows()
    ]
    real = frame[frame["severity"] != "low"]
    counts["first_gap"] = real.groupby(by)["starts"].min().reindex(counts.index)
    rank = {s: i for i, s in enumerate([*SEVERITIES, "ok"])}
    counts = counts.reset_index()
    order = counts["worst"].map(rank)
    counts = counts.assign(_order=order).sort_values(
        ["_order", "critical", "high", "medium", by],
        ascending=[True, False, False, False, True],
        key=lambda col: col.astype(str) if col.name == by else col,
    )
    return counts.drop(columns="_order").reset_index(drop=True)


def risk_by_contract(gaps: Sequence[Gap], contract_ids: Iterable[object] = ()) -> pd.DataFrame:
    """Counts per contract, worst first; ``contract_ids`` adds clean contracts as 'ok' rows."""
    return _counts(gaps_frame(gaps), "contract_id", contract_ids)


def risk_by_technician(gaps: Sequence[Gap], technician_ids: Iterable[object] = ()) -> pd.DataFrame:
    """Counts per technician (their credential gaps only) with how many contracts they touch."""
    frame = gaps_frame([g for g in gaps if g.technician_id is not None])
    counts = _counts(frame, "technician_id", technician_ids)
    contracts = frame.groupby("technician_id")["contract_id"].nunique()
    counts["contracts"] = counts["technician_id"].map(contracts).fillna(0).astype("int64")
    return counts
