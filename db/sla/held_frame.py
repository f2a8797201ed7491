"""The SLA dashboard's frame held per store state, and brought to any instant by evaluating
only the open tickets again.

Why: the dashboard evaluated every ticket's two targets at its 5-minute stamp (a million
tickets: ~2 CPU-s with the names and local due hours), in every process, every 5 minutes.
A resolved ticket's outcome does not depend on the clock (both clocks have stopped; its due
instant, elapsed time and state follow from its own instants and pauses), so the frame of
every ticket is built once per store state and shared as a frame file (`outcome_cache`,
keyed by the store's fingerprint and the names it shows); a call at `now` re-evaluates the
unresolved tickets, held beside it, and writes their clock columns into a copy of the frame.
The result equals evaluating every ticket at `now` (tests/scale/test_held_frame.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.calendars import ALWAYS, calendars_as_rows, calendars_from_rows
from db.models import Calendar as CalendarRow
from db.models import Client, Contract, Technician
from db.sla import outcome_cache, outcomes

# What a clock's instant changes in a row of sla.evaluate: due_at, stopped_at and the
# targets follow from the ticket alone (sla.clock._metric never reads `now` for them).
CLOCK_COLUMNS = ("state", "elapsed_min", "minutes_left")


def display_names(session: Session) -> tuple[dict, dict, dict, dict]:
    """Client names, technician names, contract references, calendar time zones by key."""
    clients = dict(session.execute(select(Client.id, Client.name)).all())
    techs = dict(session.execute(select(Technician.id, Technician.name)).all())
    refs = dict(session.execute(select(Contract.id, Contract.reference)).all())
    rows = session.execute(select(CalendarRow.id, CalendarRow.timezone)).all()
    zones = {ALWAYS: "UTC"} | {str(i): tz for i, tz in rows}
    return clients, techs, refs, zones


def with_names(frame: pd.DataFrame, names: tuple[dict, dict, dict, dict]) -> pd.DataFrame:
    """`frame` (sla_details) plus client, technician and contract names and the local weekday
    and hour of each due instant, in its calendar's zone."""
    clients, techs, refs, zones = names
    # Arrow-backed text: a frame file maps it as is (as objects: ~0.2 CPU-s a read at 1M).
    frame["external_id"] = frame["external_id"].astype("str")
    frame["client"] = frame["client_id"].map(clients).astype("category")
    frame["technician"] = (
        frame["technician_id"].map(techs).astype(object).fillna("unassigned").astype("category")
    )
    frame["contract"] = frame["contract_id"].map(refs).astype("category")
    local_due = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    for key, idx in frame.groupby("calendar_key", observed=True).groups.items():
        local_due.loc[idx] = (
            frame.loc[idx, "due_at"].dt.tz_convert(zones.get(key, "UTC")).dt.tz_localize(None)
        )
    frame["due_weekday"] = local_due.dt.day_of_week.astype("Int8")
    frame["due_hour"] = local_due.dt.hour.astype("Int8")
    return frame


def named_details(session: Session, now: datetime) -> pd.DataFrame:
    """Every ticket evaluated at `now`, with names: the dashboard frame computed in full."""
    return with_names(outcomes.sla_details(session=session, now=now), display_names(session))


@dataclass(frozen=True)
class Held:
    """The dashboard frame at some instant, and what brings it to another one."""

    frame: pd.DataFrame  # named_details: response rows of every ticket, then resolution rows
    open: outcomes._Loaded  # the unresolved tickets' inputs (sla_details' open_only narrowing)
    at: np.ndarray  # position of each open ticket among the frame's tickets

    def frames(self) -> dict[str, pd.DataFrame]:
        """What the frame file holds (the status as a category: two million Python strings
        are slow to map back)."""
        frame = self.frame.astype({"status": "category"})
        return {
            "frame": frame,
            "open_tickets": self.open.tickets,
            "open_pauses": self.open.pauses,
            "calendars": calendars_as_rows(self.open.calendars),
            "at": pd.DataFrame({"at": self.at}),
        }

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame], _session: Session) -> Held:
        frame = frames["frame"]
        frame["status"] = frame["status"].astype(object)
        calendars = calendars_from_rows(frames["calendars"])
        loaded = outcomes._Loaded(frames["open_tickets"], frames["open_pauses"], calendars)
        return cls(frame, loaded, frames["at"]["at"].to_numpy())

    def details_at(self, now: datetime) -> pd.DataFrame:
        """The open tickets' sla_details rows at `now`."""
        if self.open.tickets.empty:
            return pd.DataFrame(columns=outcomes.OUTCOME_COLUMNS + outcomes.DETAIL_COLUMNS)
        return outcomes._evaluate(self.open, now)

    def frame_at(self, now: datetime) -> pd.DataFrame:
        """The dashboard frame at `now`: the held frame with the open tickets' clocks moved."""
        if not len(self.at):
            return self.frame
        fresh = self.details_at(now)
        n = len(self.frame) // 2
        rows = np.concatenate([self.at, self.at + n])
        if not np.array_equal(self.frame["ticket_id"].to_numpy()[rows], fresh["ticket_id"]):
            raise ValueError("held SLA frame does not match its open tickets")
        out = self.frame.copy(deep=False)
        for name in CLOCK_COLUMNS:
            values = out[name].array.copy()
            values[rows] = fresh[name].array
            out[name] = values
        return out


def _build(session: Session) -> Held | None:
    whole = outcome_cache.cached(session, lambda: outcomes._load(session), outcomes.SHARED)
    if whole is None or whole.tickets.empty:
        return None
    frame = with_names(outcomes._evaluate(whole, datetime.now(UTC)), display_names(session))
    at = np.flatnonzero(whole.tickets["resolved_at"].isna().to_numpy())
    return Held(frame, whole.narrow(None, None, open_only=True), at)


def _names_key(session: Session) -> tuple:
    """The names the frame shows, as part of its key (renaming a client is not a store
    change the fingerprint sees)."""
    names = [sorted(part.items(), key=str) for part in display_names(session)]
    digest = hashlib.sha256(repr(names).encode()).hexdigest()
    return (digest,)


# Bump the name when the layout changes. Mapped read-only: `frame_at` copies what it moves.
SHARED = outcome_cache.Shared(
    "sla-dashboard-v2", Held.frames, Held.from_frames, _names_key, read_only=True
)


def held(session: Session) -> Held | None:
    """The held frame of the store's current state (built, or mapped from its frame file);
    None without tickets. Only while `outcome_cache` is enabled (the app)."""
    return outcome_cache.cached(session, lambda: _build(session), SHARED)
