"""A period's billing preview kept while nothing it reads has changed: in this process, and
as a frame file (`db.frame_files`) that every other process maps instead of pricing again.

Why: a preview prices each of the period's time entries and replays block hours over every
contract's whole history (1M-ticket store: ~6 CPU-s), and the billing run page asks for it
in every fresh process (a replica, a restart, each new session after the page cache's ttl).

Never stale: the key is read from the store on every call and holds
- the SLA fingerprint (`db.sla.outcome_cache.fingerprint`: tickets and their in-place
  changes, ticket events, contracts, SLA policies, calendars, holidays and versions),
- the row count and highest id of every other table the preview reads (`TABLES`),
- the newest audit entry other than log-ins, sessions, tokens and share links: every edit
  made through the app is audited (an approval, an issued or voided invoice, a payment, a
  tax rate, a setting), so an edit in place changes the key too,
- a hash of the code that computes it, so a deploy never serves the last version's numbers.
Only where the SLA cache is on (the app, `outcome_cache.enable`); elsewhere it is computed.
The app previews in a session that writes nothing: a preview made inside a write that is
then rolled back would be kept under a key SQLite can meet again (its ids restart).

The frames go to Arrow as they are, except object columns (Decimal amounts, dates, None
beside values): each value is written as tagged text and read back as the same type and
value (Decimal("12.50") stays 12.50), so a preview from a file equals the computed one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.config import ROOT
from db.models import (
    AuditEntry,
    AvailabilityFigure,
    Client,
    ContractService,
    ContractVersion,
    Invoice,
    InvoiceLine,
    OutOfScopeRequest,
    Payment,
    ServiceCreditRule,
    TaxRate,
    Technician,
    TimeEntry,
    UnitCount,
    User,
)
from db.sla import outcome_cache

# Read by the preview besides the SLA fingerprint's tables (tests/billing_integration
# test_preview_cache.py checks the list against the queries a preview runs).
TABLES = (
    TimeEntry,
    Invoice,
    InvoiceLine,
    Payment,
    OutOfScopeRequest,
    TaxRate,
    ServiceCreditRule,
    AvailabilityFigure,
    ContractService,
    ContractVersion,
    UnitCount,
    Client,
    Technician,
    User,
)
# Audit entries that change nothing a preview reads (and every action "login": a user's).
NOT_BILLING = ("login", "login_address", "login_session", "api_token", "share_link")
CODE = ("billing", "db", "sla", "contracts")  # packages whose code computes a preview
LAYOUT = "billing-preview-v1"  # change when the frames' layout changes
T = TypeVar("T")


class NotShared(TypeError):
    """A value the tagged text cannot hold: that preview is served, not kept."""

    def __init__(self, why: str, preview: object = None) -> None:
        super().__init__(why)
        self.preview = preview


def cached(session: Session, period: str, compute: Callable[[], T], kind: type[T]) -> T:
    """`compute()` (a `kind`, the RunPreview), or the one computed for `period` while the
    store is unchanged, from this process or from the frame file any process wrote."""
    shared = outcome_cache.Shared(
        name=f"{LAYOUT}-{period}",
        to_frames=_to_frames,
        from_frames=lambda frames, _session: _from_frames(frames, kind),
        also_reads=stamp,
    )
    try:
        return outcome_cache.cached(session, compute, shared)
    except NotShared as exc:  # an unexpected column type: served as computed, not kept
        return exc.preview  # type: ignore[return-value]


def stamp(session: Session) -> tuple:
    """What the preview reads beyond the SLA fingerprint (see the module docstring)."""
    parts: list[object] = [_code_hash()]
    for model in TABLES:  # one aggregate per select: each answered from an index
        parts.append(session.scalar(select(func.count()).select_from(model)))
        parts.append(session.scalar(select(func.max(model.id))))
    parts.append(
        session.scalar(
            select(AuditEntry.id)
            .where(AuditEntry.entity.not_in(NOT_BILLING), AuditEntry.action != "login")
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
    )
    return tuple(parts)


@lru_cache(maxsize=1)
def _code_hash() -> str:
    digest = hashlib.sha256()
    for package in CODE:
        for path in sorted((ROOT / package).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


FRAMES = ("invoices", "lines", "findings", "accuracy_by_client", "alerts")
SCALARS = ("period", "accuracy", "entries_checked", "entries_passed")


def _to_frames(preview) -> dict[str, pd.DataFrame]:
    out, tagged = {}, {}
    for name in FRAMES:
        frame = getattr(preview, name).copy()
        columns = [c for c in frame.columns if frame[c].dtype == object]
        for column in columns:
            try:
                tags = [_tag(v) for v in frame[column]]
            except NotShared as exc:
                raise NotShared(str(exc), preview) from exc
            frame[column] = pd.Series(tags, index=frame.index, dtype=object)
        out[name], tagged[name] = frame, columns
    meta = {s: [getattr(preview, s)] for s in SCALARS}
    out["meta"] = pd.DataFrame({**meta, "tagged": [json.dumps(tagged)]})
    return out


def _from_frames(frames: Mapping[str, pd.DataFrame], kind: type[T]) -> T:
    meta = frames["meta"].iloc[0]
    tagged = json.loads(meta["tagged"])
    values: dict[str, object] = {}
    for name in FRAMES:
        frame = frames[name]
        for column in tagged[name]:
            frame[column] = pd.Series(
                [_untag(v) for v in frame[column]], index=frame.index, dtype=object
            )
        values[name] = frame
    scalars = {s: meta[s] for s in SCALARS}
    return kind(
        period=str(scalars["period"]),
        accuracy=float(scalars["accuracy"]),
        entries_checked=int(scalars["entries_checked"]),
        entries_passed=int(scalars["entries_passed"]),
        **values,
    )


def _tag(value: object) -> str | None:
    """`value` as text that `_untag` reads back as the same type and value."""
    kind = type(value)
    if value is None:
        return None
    if kind is str:
        return "s:" + value
    if kind is bool:
        return "b:" + str(int(value))
    if kind is int:
        return "i:" + str(value)
    if kind is float:
        return "f:" + repr(value)
    if kind is Decimal:
        return "d:" + str(value)
    if kind is date:
        return "D:" + value.isoformat()
    if kind is datetime:
        return "T:" + value.isoformat()
    if kind is np.int64:
        return "I:" + str(int(value))
    if kind is np.float64:
        return "F:" + repr(float(value))
    raise NotShared(f"{kind.__name__} in a billing preview frame")


def _untag(text: str | None) -> object:
    if text is None:
        return None
    tag, value = text[0], text[2:]
    if tag == "s":
        return value
    if tag == "b":
        return value == "1"
    if tag == "i":
        return int(value)
    if tag == "f":
        return float(value)
    if tag == "d":
        return Decimal(value)
    if tag == "D":
        return date.fromisoformat(value)
    if tag == "T":
        return datetime.fromisoformat(value)
    if tag == "I":
        return np.int64(value)
    if tag == "F":
        return np.float64(value)
    raise ValueError(f"unknown tag {tag!r} in a billing preview frame")  # a damaged file
