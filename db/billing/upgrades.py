"""Block-hours contracts that keep going over their hours: candidates for an upgrade."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import or_
from sqlalchemy.orm import Session

from billing.overage import block_hours_history
from billing.overage import upgrade_candidates as _upgrade_candidates
from billing.periods import iter_periods
from billing.pricing import BlockHours
from db.billing.common import _names, _refs, _start
from db.billing.inputs import _billing, _contract_rows, _entitle, _entry_frame, _time_entries
from db.models import Contract, TimeEntry


def upgrade_candidates(
    *, session: Session, today: date, window: int = 4, min_over: int = 3
) -> pd.DataFrame:
    """Block-hours contracts over their hours in >= min_over of their last `window` periods.

    For renewals and the executive view (read-only, no actor): one row per contract with
    client, reference, periods over, overage hours and mean share used.
    """
    rows = _contract_rows(
        session,
        Contract.pricing_model == "block_hours",
        Contract.start_date <= today,
        or_(
            Contract.in_force_until.is_(None),
            Contract.in_force_until >= today - timedelta(days=366),
        ),
    )
    contracts = [
        c for c in (_billing(r)[0] for r in rows) if c and isinstance(c.pricing, BlockHours)
    ]
    columns = [
        "client_id",
        "client",
        "contract_id",
        "contract",
        "periods",
        "periods_over",
        "overage_hours",
        "mean_share_used",
        "last_period_start",
    ]
    if not contracts:
        return pd.DataFrame(columns=columns)
    since = today - timedelta(days=31 * (window + 3))
    frame = _entry_frame(
        session,
        TimeEntry.contract_id.in_([c.contract_id for c in contracts]),
        TimeEntry.started_at >= _start(since),
        TimeEntry.started_at < _start(today + timedelta(days=1)),
    )
    by_contract: dict[int, list] = {}
    for e in _time_entries(_entitle(session, frame)):
        by_contract.setdefault(e.contract_id, []).append(e)
    histories = []
    for c in contracts:
        # Periods before the loaded entries would look unused (and roll hours over): start
        # the ledger at the first period inside the loaded span.
        first = next((p.start for p in iter_periods(c, until=today) if p.start >= since), None)
        if first is None:
            continue
        recent = replace(c, start_date=first)
        histories.append(
            block_hours_history(recent, by_contract.get(c.contract_id, []), until=today)
        )
    history = pd.concat(histories, ignore_index=True) if histories else None
    if history is None or history.empty:
        return pd.DataFrame(columns=columns)
    out = _upgrade_candidates(history, window=window, min_over=min_over, before=today)
    out.insert(1, "client", out["client_id"].map(_names(session, out["client_id"])))
    out.insert(3, "contract", out["contract_id"].map(_refs(session, out["contract_id"])))
    return out[columns].sort_values("overage_hours", ascending=False).reset_index(drop=True)
