"""The per-client SLA PDF report, from the rows of the dashboard frame."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

import sla.report
from db.sla.dashboard import DashboardFilters, filter_frame


def client_report_pdf(
    frame: pd.DataFrame, *, client: str, start: date | None, end: date | None, now: datetime
) -> bytes:
    """A client-review SLA report (see `sla.report`) of `client`'s rows of the dashboard frame."""
    f = filter_frame(frame, DashboardFilters(clients=(client,), start=start, end=end))
    return sla.report.client_report_pdf(f, client=client, start=start, end=end, now=now)
