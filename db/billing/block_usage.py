"""Block-rated minutes per contract and local work day, judged over whole frames of entries.

The block-hours balance carried into a period is the rollover of every period before it.
Replaying `invoice_run` over a contract's whole history to learn it priced every old entry
one object at a time (14 of 22 s on a million tickets). Only the minutes that consumed the
block matter, so they are summed here with column operations: an entry counts when
validation would let it through (`billing.validation`) and `billing.pricing.rate_entry`
rates it "block" (covered work on a block-hours contract). Entries crossing an opening or
closing time, a few percent, go through the pure `split_entry` and `rate_entry` themselves,
so each part counts on its own day as the invoice run counts it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from billing.coverage_split import (
    SPLIT_OUTCOMES,
    CalendarVersions,
    Coverage,
    crossing_rows,
    split_entry,
)
from billing.frames import entries_from_frame
from billing.model import ContractBilling, Id, Outcome
from billing.pricing import rate_entry
from billing.validation import CORRECTED, check_contract
from db.models import Ticket, TimeEntry
from db.sla.frames import instant_column, read_frame, since_param, to_instants
from sla.calendar import to_us

_EPOCH = date(1970, 1, 1).toordinal()
COLUMNS = [
    "entry_id", "contract_id", "client_id", "ticket_id", "technician_id", "role",
    "started_at", "minutes", "currency", "approved", "service_type",
]  # fmt: skip


def block_frame(session: Session, ids: Sequence[int], lo: datetime, hi: datetime) -> pd.DataFrame:
    """The entries booked to `ids` started in [lo, hi), with what entitlement and the block
    rule read (inputs._entry_frame's columns; rate_charged None: a wrong rate is corrected,
    never blocking). Read column-wise, instants parsed in bulk (db.sla.frames)."""
    q = (
        select(
            TimeEntry.id,
            TimeEntry.contract_id,
            TimeEntry.client_id,
            TimeEntry.ticket_id,
            TimeEntry.technician_id,
            TimeEntry.role,
            instant_column(session, TimeEntry.started_at),
            TimeEntry.minutes,
            TimeEntry.currency,
            TimeEntry.approved,
            func.coalesce(TimeEntry.service_type, Ticket.service_type),
        )
        .outerjoin(Ticket, Ticket.id == TimeEntry.ticket_id)
        .where(
            TimeEntry.contract_id.in_([int(i) for i in ids]),
            TimeEntry.started_at >= since_param(session, lo, "lo"),
            TimeEntry.started_at < since_param(session, hi, "hi"),
        )
        .order_by(TimeEntry.id)
    )
    frame = read_frame(session, q, COLUMNS)
    frame["started_at"] = to_instants(frame["started_at"])
    frame["approved"] = frame["approved"].map(bool)
    frame["rate_charged"] = None
    return frame


def _missing(values: pd.Series) -> np.ndarray:
    """validation._missing per value: None, NaN or a blank string."""
    return (values.fillna("").astype(str).str.strip() == "").to_numpy()


def _local_days(start_us: np.ndarray, zones: np.ndarray) -> np.ndarray:
    """Ordinal of each instant's local date in its zone (TimeEntry.local_date)."""
    days = np.zeros(len(start_us), np.int64)
    utc = pd.DatetimeIndex(start_us.view("datetime64[us]")).tz_localize("UTC")
    for zone in np.unique(zones):
        mask = zones == zone
        local = utc[mask].tz_convert(ZoneInfo(zone)).tz_localize(None)
        days[mask] = local.to_numpy().astype("datetime64[D]").astype(np.int64) + _EPOCH
    return days


def block_minutes_by_day(
    frame: pd.DataFrame,
    contracts: Sequence[ContractBilling],
    coverage: Mapping[Id, Coverage] | None = None,
) -> dict[Id, dict[date, int]]:
    """Contract id -> local day -> minutes of block-rated work, as `invoice_run` would rate
    the entitled entries of `frame` (`inputs._entitle`; every entry booked to one of
    `contracts`, none with an `after_hours` flag)."""
    coverage = coverage or {}
    by_id = {c.contract_id: c for c in contracts}
    out: dict[Id, dict[date, int]] = {}
    if frame.empty:
        return out
    frame = frame.reset_index(drop=True)
    con = pd.DataFrame(
        [(c.contract_id, c.timezone, c.currency, c.start_date, c.end_date) for c in contracts],
        columns=["contract_id", "tz", "currency", "start", "end"],
    ).drop_duplicates("contract_id", keep="last")
    pos = pd.Index(con["contract_id"]).get_indexer(frame["contract_id"])
    if (pos < 0).any():
        raise ValueError("every entry must be booked to one of the contracts")
    con["start"] = [d.toordinal() for d in con["start"]]
    con["end"] = [d.toordinal() if d else np.iinfo(np.int64).max for d in con["end"]]
    con = con.iloc[pos].reset_index(drop=True)
    start, end = con["start"].to_numpy(np.int64), con["end"].to_numpy(np.int64)
    start_us, _ = to_us(pd.to_datetime(frame["started_at"], utc=True))
    day = _local_days(start_us, con["tz"].to_numpy())
    minutes = pd.to_numeric(frame["minutes"]).to_numpy(dtype=float)
    texts = frame["entitlement_outcome"]
    outcome = texts.map({t: Outcome.parse(t) for t in pd.unique(texts)})
    cur = frame["currency"]
    # validate_entries' blocking findings on covered work: minutes, ticket, technician,
    # duplicate, outcome, contract in force on the local day, currency.
    ok = (
        (minutes > 0)
        & frame["ticket_id"].notna().to_numpy()
        & frame["technician_id"].notna().to_numpy()
        & ~frame.duplicated(["technician_id", "ticket_id", "started_at", "minutes"]).to_numpy()
        & outcome.notna().to_numpy()
        & (outcome != Outcome.NO_CONTRACT).to_numpy()
        & (start <= day)
        & (day <= end)
        & (_missing(cur) | (cur.astype(str).str.upper().to_numpy() == con["currency"].to_numpy()))
    )
    splittable = ok & outcome.isin(SPLIT_OUTCOMES).to_numpy()
    crossing = np.zeros(len(frame), bool)
    rows = np.flatnonzero(splittable)
    cids = frame["contract_id"].to_numpy()[rows]
    crossing[rows] = crossing_rows(cids, start_us[rows], minutes[rows], coverage)
    whole = ok & ~crossing & (outcome == Outcome.COVERED).to_numpy()
    sums = (
        pd.DataFrame({"cid": frame["contract_id"][whole], "day": day[whole], "m": minutes[whole]})
        .groupby(["cid", "day"], sort=False)["m"]
        .sum()
    )
    for (cid, ordinal), total in sums.items():
        out.setdefault(cid, {})[date.fromordinal(int(ordinal))] = int(total)
    for entry in entries_from_frame(frame[crossing]):
        contract = by_id[entry.contract_id]
        if any(r not in CORRECTED for r, _, _ in check_contract(entry, contract)):
            continue  # blocked by validation (e.g. no after-hours rate): never split
        cal = coverage[entry.contract_id]
        cal = cal.at(entry.started_at) if isinstance(cal, CalendarVersions) else cal
        for part in split_entry(entry, cal):
            if rate_entry(contract, part).kind == "block":
                days = out.setdefault(entry.contract_id, {})
                local = part.local_date(contract.timezone)
                days[local] = days.get(local, 0) + int(part.minutes or 0)
    return out
