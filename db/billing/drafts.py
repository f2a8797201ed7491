"""A period's drafts computed in memory: priced entries, service credits, extra work, tax.

Shared by the preview (db/billing/preview.py) and the run that saves them (db/billing/run.py).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from db.billing.compute import _compute, _Computed
from db.billing.credit_lines import _credit_lines
from db.billing.extra_work import _request_lines
from db.billing.tax import _tax_lines

Progress = Callable[[float, str], None]


def _quiet(share: float, text: str) -> None:
    """No progress display (the CLI, the jobs, the tests)."""


def _computed(session: Session, first, last, tell: Progress = _quiet) -> _Computed:
    """The run's drafts: priced, service credits, approved extra work, then tax on it all."""
    tell(0.05, "Checking every time entry against its contract…")
    computed = _compute(session, first, last)
    tell(0.45, f"Service credits for {len(computed.result.invoices)} invoices…")
    computed = _credit_lines(session, computed)
    tell(0.6, "Approved out-of-scope requests, then tax…")
    return _tax_lines(session, _request_lines(session, computed))
