"""The term model: one truth, for every engine, about whether a contract is in force.

A contract's terms as written: an initial term (``start_date`` and ``end_date``, or
``term_months``), ``auto_renew`` with a ``renewal_term_months`` and a ``notice_days``
notice period, ``evergreen`` (perpetual: runs until notice or termination),
``notice_given_on`` (the day notice of non-renewal was given) and ``terminated_on``.

``end_date`` stays what the document says: the end of the *initial* term. It is never the
contract's end by itself. :func:`term_at` gives the term in force on any day, including
renewals that happened automatically because notice was not given; :func:`last_day` the
last day the contract is in force as far as is known (None: it runs on, e.g. an
auto-renewing contract nobody gave notice on). The ORM keeps ``Contract.in_force_until``
equal to :func:`last_day` on every save, so SQL filters read
``in_force_until IS NULL OR in_force_until >= day`` instead of ``end_date``.

Conventions (chosen on purpose):

- Every end is the last covered day (inclusive), like ``end_date``.
- Renewal k ends at ``roll_end(initial_end, k x renewal months)`` (month-end contracts stay
  at month end; see renewals/dates.py), computed from the initial end, never chained.
- The renewal length is ``renewal_term_months``, else the initial term's length in months.
- Notice given on day d ends the contract at the end of the first term whose notice
  deadline (term end - ``notice_days``) is on or after d: notice given late takes effect
  one term later, as the contract says. An evergreen contract ends ``notice_days`` after d,
  but not before the end of its initial term when it states one (evergreen after it).
- ``terminated_on`` is the last day in force; it cuts whatever term is running.
- No initial end and no term length (and not auto-renewing) means open-ended.

Every function takes any object with those attributes (an ORM Contract, a dataclass, a
``SimpleNamespace``); missing optional attributes read as unset. Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from renewals.dates import roll_end

TERM_FIELDS = (
    "start_date",
    "end_date",
    "term_months",
    "auto_renew",
    "renewal_term_months",
    "notice_days",
    "evergreen",
    "notice_given_on",
    "terminated_on",
)


@dataclass(frozen=True)
class Term:
    """One term of a contract: ``number`` 0 is the initial term, k the k-th renewal."""

    start: date
    end: date | None  # last covered day; None = open-ended
    number: int
    kind: str  # initial | renewal | evergreen | open
    notice_deadline: date | None = None  # last day to give notice of non-renewal
    final: bool = False  # no renewal follows (notice given, terminated, not auto-renewing)

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def _get(c: Any, name: str) -> Any:
    value = c.get(name) if isinstance(c, dict) else getattr(c, name, None)
    try:  # pandas NaT / NaN read as unset
        if value != value:  # noqa: PLR0124
            return None
    except (TypeError, ValueError):
        pass
    if value is not None and hasattr(value, "to_pydatetime") and name.endswith(("_date", "_on")):
        value = value.date()
    return value


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def initial_end(c: Any) -> date | None:
    """Last day of the initial term: ``end_date``, else start + ``term_months`` - 1 day."""
    end = _get(c, "end_date")
    if end is not None:
        return end
    months = _int(_get(c, "term_months"))
    start = _get(c, "start_date")
    if months and start is not None:
        return start + relativedelta(months=months) - timedelta(days=1)
    return None


def renewal_months(c: Any) -> int | None:
    """Length of a renewal term in months (the renewal term, else the initial term's)."""
    months = _int(_get(c, "renewal_term_months")) or _int(_get(c, "term_months"))
    if months:
        return months
    start, end = _get(c, "start_date"), initial_end(c)
    if start is None or end is None:
        return None
    nxt = end + timedelta(days=1)
    return max(1, (nxt.year - start.year) * 12 + nxt.month - start.month)


def _deadline(end: date, notice_days: int | None) -> date:
    return end - timedelta(days=notice_days or 0)


def _term(c: Any, k: int, end0: date, months: int) -> Term:
    start = _get(c, "start_date") if k == 0 else roll_end(end0, (k - 1) * months) + timedelta(1)
    end = roll_end(end0, k * months) if k else end0
    nd = _int(_get(c, "notice_days"))
    return Term(start, end, k, "initial" if k == 0 else "renewal", _deadline(end, nd))


def _notice_term(c: Any, end0: date, months: int) -> int | None:
    """Number of the last term when notice was given (None: no notice)."""
    given = _get(c, "notice_given_on")
    if given is None:
        return None
    nd = _int(_get(c, "notice_days"))
    k = 0
    if given > end0:
        elapsed = (given.year - end0.year) * 12 + given.month - end0.month
        k = max(0, elapsed // months - 1)
    while _deadline(roll_end(end0, k * months) if k else end0, nd) < given:
        k += 1
    return k


def last_day(c: Any) -> date | None:
    """Last day the contract is in force, as far as its terms say (None: it runs on)."""
    ends: list[date] = []
    terminated = _get(c, "terminated_on")
    if terminated is not None:
        ends.append(terminated)
    end0 = initial_end(c)
    if _get(c, "evergreen"):
        given = _get(c, "notice_given_on")
        if given is not None:  # never before the end of a stated initial term
            end = given + timedelta(days=_int(_get(c, "notice_days")) or 0)
            ends.append(max(end, end0) if end0 is not None else end)
    elif end0 is not None:
        months = renewal_months(c)
        if not _get(c, "auto_renew") or not months:
            ends.append(end0)
        else:
            k = _notice_term(c, end0, months)
            if k is not None:
                ends.append(roll_end(end0, k * months) if k else end0)
    return min(ends) if ends else None


def term_at(c: Any, on: date) -> Term | None:
    """The term in force on ``on``; None before the start or after the contract ended."""
    start = _get(c, "start_date")
    if start is None or on < start:
        return None
    last = last_day(c)
    if last is not None and on > last:
        return None
    end0 = initial_end(c)
    if _get(c, "evergreen") or end0 is None:
        kind = "evergreen" if _get(c, "evergreen") else "open"
        return Term(start, last, 0, kind, None, final=last is not None)
    months = renewal_months(c) or 12
    if on <= end0:
        term = _term(c, 0, end0, months)
    else:
        elapsed = (on.year - end0.year) * 12 + on.month - end0.month
        k = max(1, elapsed // months - 1)
        while roll_end(end0, k * months) < on:
            k += 1
        term = _term(c, k, end0, months)
    if last is not None and (term.end is None or last <= term.end):
        return Term(term.start, last, term.number, term.kind, None, final=True)
    return term


def in_force(c: Any, on: date) -> bool:
    """True when some term of the contract covers ``on``."""
    return term_at(c, on) is not None


def terms(c: Any, until: date) -> list[Term]:
    """Every term from the start up to the one in force on ``until`` (or the last one)."""
    out: list[Term] = []
    day = _get(c, "start_date")
    while day is not None and day <= until:
        term = term_at(c, day)
        if term is None:
            break
        out.append(term)
        if term.end is None or term.final:
            break
        day = term.end + timedelta(days=1)
    return out
