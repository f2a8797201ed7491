"""Which days a set of holdings covers, and the first day it stops.

Holdings (policies, certificates, credentials, attestations) are half-open day intervals
``[starts, expiry)``: the expiry date is the first day a holding no longer counts. Overlapping
holdings chain, which is how a renewal that starts before the old one expires closes a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Span:
    """The days one holding counts: ``starts`` (None: always) up to ``expiry`` (None: never)."""

    starts: date | None
    expiry: date | None
    detail: str = ""  # why a near miss does not count (cover, currency)


@dataclass(frozen=True)
class Probe:
    """Result of walking the holdings: the gap's start, or the open-ended holding relied on."""

    gap_start: date | None
    first_day: date | None = None
    lapsed: Span | None = None
    resumes: date | None = None
    open_ended: Span | None = None


def covers(span: Span, day: date) -> bool:
    """Whether the holding counts on ``day``."""
    return (span.starts or date.min) <= day < (span.expiry or date.max)


def probe(spans: Sequence[Span], period_start: date, lo: date, hi: date) -> Probe:
    """Walk covering holdings from ``lo``; the first uncovered day before ``hi`` is a gap.

    The gap starts at the latest expiry on or before that day, but never before
    ``period_start``: that start is stable from one day's run to the next.
    """
    day, open_ended = lo, None
    while day < hi:
        covering = [s for s in spans if covers(s, day)]
        if not covering:
            ended = [s for s in spans if s.expiry is not None and s.expiry <= day]
            lapsed = max(ended, key=lambda s: s.expiry or date.min, default=None)
            start = max(period_start, lapsed.expiry) if lapsed and lapsed.expiry else period_start
            later = [s.starts for s in spans if s.starts is not None and s.starts > day]
            return Probe(start, day, lapsed, min(later, default=None))
        best = max(covering, key=lambda s: s.expiry or date.max)
        if best.expiry is None:
            open_ended = best
            break
        day = best.expiry
    return Probe(None, open_ended=open_ended)
