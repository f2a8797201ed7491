"""DataFrame and database-row forms of the billing inputs and outputs.

Bulk data arrives as DataFrames (NaN for missing values, numpy ints, pandas
Timestamps); these helpers turn them into the typed dataclasses and back, and map the
flat contract columns of db/models/contracts.py to a pricing model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from billing.model import ContractBilling, Id, Invoice, InvoiceLine, TimeEntry
from billing.money import to_decimal
from billing.pricing import BlockHours, FixedFee, PerUnit, PricingModel, TimeAndMaterials

ENTRY_COLUMNS = [
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
    "entitlement_outcome",
    "approved",
    "after_hours",
]
LINE_COLUMNS = [
    "invoice_no",
    "contract_id",
    "client_id",
    "kind",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "currency",
    "period_start",
    "period_end",
    "role",
]


def clean(value: object) -> Any:
    """None for NaN/NA/NaT/''; plain Python ints for numpy ints and integral floats."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, str) and not value.strip():
        return None
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        return clean(value.item())  # numpy scalar
    return value


def _as_datetime(value: object) -> datetime:
    if isinstance(value, str):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, datetime):
        return value
    raise ValueError(f"started_at must be a timezone-aware datetime, got {value!r}")


def _as_date(value: object) -> date | None:
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, date):
        return value
    raise ValueError(f"not a date: {value!r}")


def _as_bool(value: object, default: bool | None) -> bool | None:
    value = clean(value)
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "t"}
    return bool(value)


def entries_from_frame(frame: pd.DataFrame) -> list[TimeEntry]:
    """TimeEntry per row; missing optional columns default (approved False, after_hours None)."""
    if "entitlement_outcome" not in frame.columns and "outcome" in frame.columns:
        frame = frame.rename(columns={"outcome": "entitlement_outcome"})  # sla.entitlement name
    missing = [c for c in ENTRY_COLUMNS[:11] if c not in frame.columns]
    if missing:
        raise ValueError(f"time entries frame lacks columns: {', '.join(missing)}")
    n = len(frame)

    def col(name: str, default: object = None) -> list:
        return _cleaned(frame[name]) if name in frame.columns else [default] * n

    minutes = [None if m is None else int(m) for m in col("minutes")]
    approved = frame["approved"] if "approved" in frame.columns else [None] * n
    after = frame["after_hours"] if "after_hours" in frame.columns else [None] * n
    # column by column: a million entries are a million rows, not a million dicts
    return [
        TimeEntry(
            entry_id=eid,
            contract_id=cid,
            client_id=cl,
            ticket_id=tid,
            technician_id=tech,
            role=role or "",
            started_at=_as_datetime(at),
            minutes=m,
            rate_charged=to_decimal(rate),
            currency=cur,
            entitlement_outcome=outcome or "",
            approved=bool(_as_bool(ok, False)),
            after_hours=_as_bool(ah, None),
        )
        for eid, cid, cl, tid, tech, role, at, m, rate, cur, outcome, ok, ah in zip(
            col("entry_id"),
            col("contract_id"),
            col("client_id"),
            col("ticket_id"),
            col("technician_id"),
            col("role"),
            list(frame["started_at"]),
            minutes,
            col("rate_charged"),
            col("currency"),
            col("entitlement_outcome"),
            list(approved),
            list(after),
            strict=True,
        )
    ]


def _cleaned(values: pd.Series) -> list:
    """`clean` of every value, with the per-value work skipped where the dtype allows."""
    kind = values.dtype.kind if isinstance(values.dtype, np.dtype) else "O"  # NA-able: per value
    if kind in "iub":
        return values.tolist()  # plain Python ints / bools, never missing
    if kind == "f":
        return [
            None if math.isnan(v) else (int(v) if v.is_integer() else v) for v in values.tolist()
        ]
    # ints and text, most values of an object column, are judged here; the rest by `clean`
    return [
        v if type(v) is int else ((v if v.strip() else None) if type(v) is str else clean(v))
        for v in values
    ]


def entries_to_frame(entries: Iterable[TimeEntry]) -> pd.DataFrame:
    rows = [{c: getattr(e, c) for c in ENTRY_COLUMNS} for e in entries]
    return pd.DataFrame(rows, columns=ENTRY_COLUMNS)


def lines_frame(invoices: Iterable[Invoice]) -> pd.DataFrame:
    """One row per invoice line; amounts stay Decimal (object columns)."""
    rows = []
    for inv in invoices:
        for line in inv.lines:
            row = {c: getattr(line, c) for c in LINE_COLUMNS[3:]}
            row.update(
                invoice_no=inv.invoice_no, contract_id=inv.contract_id, client_id=inv.client_id
            )
            rows.append(row)
    return pd.DataFrame(rows, columns=LINE_COLUMNS)


def line_rows(lines: Iterable[InvoiceLine]) -> pd.DataFrame:
    return pd.DataFrame(
        [{c: getattr(ln, c) for c in LINE_COLUMNS[3:]} for ln in lines], columns=LINE_COLUMNS[3:]
    )


def _dec(row: Mapping[str, Any], key: str) -> Decimal | None:
    return to_decimal(clean(row.get(key)))


def _first_set(*values: Decimal | None) -> Decimal:
    """The first value that is not None (a Decimal 0 counts: zero means zero)."""
    return next(v for v in values if v is not None)


def pricing_from_columns(
    row: Mapping[str, Any],
) -> tuple[PricingModel | None, TimeAndMaterials | None]:
    """(pricing, rate card) from the flat contract columns (db/models/contracts.py).

    Model names: fixed, per_unit, block_hours, time_materials. `recurring_fee` is per
    billing cycle. A rate card is built whenever role rates or an hourly rate exist.
    """
    cycle = clean(row.get("billing_cycle")) or "monthly"
    role_rates = clean(row.get("role_rates")) or {}
    hourly = _dec(row, "hourly_rate")
    # Zero means zero: only a missing value takes a default, never an explicit 0.
    mult = _dec(row, "after_hours_multiplier")
    mult = Decimal("1.5") if mult is None else mult
    card = None
    if role_rates or hourly is not None:
        card = TimeAndMaterials(dict(role_rates), after_hours_multiplier=mult, default_rate=hourly)
    model = clean(row.get("pricing_model"))
    fee = _dec(row, "recurring_fee")
    pricing: PricingModel | None = None
    if model == "fixed" and fee is not None:
        pricing = FixedFee(fee, cycle)
    elif model == "per_unit" and _dec(row, "unit_price") is not None:
        start = _as_date(row.get("start_date"))
        count = clean(row.get("unit_count"))
        counts: dict[date, int] = {start: int(count)} if count is not None and start else {}
        # Counts taken later ("unit_counts": effective date -> count) override from their date.
        counts.update({_as_date(d): int(n) for d, n in (row.get("unit_counts") or {}).items()})
        pricing = PerUnit(
            clean(row.get("unit_name")) or "unit", _dec(row, "unit_price"), counts, cycle=cycle
        )
    elif model == "block_hours" and _dec(row, "included_hours") is not None:
        pricing = BlockHours(
            included_hours_per_period=_dec(row, "included_hours"),
            fee=Decimal(0) if fee is None else fee,
            overage_rate=_first_set(_dec(row, "overage_rate"), hourly, Decimal(0)),
            rollover=bool(clean(row.get("rollover"))),
            rollover_cap_hours=_dec(row, "rollover_cap_hours"),
        )
    elif model == "time_materials" and card is not None:
        pricing = card
    return pricing, (None if isinstance(pricing, TimeAndMaterials) else card)


def contract_from_row(row: Mapping[str, Any]) -> ContractBilling:
    """ContractBilling from a contracts row (mapping of the db column names)."""
    pricing, card = pricing_from_columns(row)
    contract_id: Id = clean(row.get("contract_id", row.get("id")))
    return ContractBilling(
        contract_id=contract_id,
        client_id=clean(row["client_id"]),
        currency=clean(row.get("currency")) or "USD",
        pricing=pricing,
        cycle=clean(row.get("billing_cycle")) or "monthly",
        billing_timing=clean(row.get("billing_timing")) or "advance",
        start_date=_as_date(row["start_date"]),
        end_date=_as_date(row.get("end_date")),
        rates=card,
        timezone=clean(row.get("timezone")) or "UTC",
        alignment=clean(row.get("billing_alignment")) or "contract",
    )
