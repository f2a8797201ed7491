"""`reports weekly`: render the executive report to PDF and queue it through the outbox."""

from __future__ import annotations

import sys
from datetime import UTC, datetime


def weekly(args) -> int:
    from access.roles import SYSTEM
    from analytics.weekly_report import report_pdf
    from db.analytics_repo import executive_view
    from db.engine import open_store, session_scope
    from db.reports import last_week, queue_weekly_report, set_weekly_recipients

    engine = open_store()
    now = datetime.now(UTC)
    with session_scope(engine) as s:
        if args.to:
            try:
                set_weekly_recipients(session=s, recipients=args.to)
            except ValueError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
        if args.pdf:
            start, end = last_week(now.date())
            view = executive_view(
                session=s, actor=SYSTEM, currency=None, start=start, end=end, today=now.date()
            )
            with open(args.pdf, "wb") as fh:
                fh.write(report_pdf(view, week_start=start, week_end=end))
            print(f"PDF written to {args.pdf}")
        added = queue_weekly_report(session=s, now=now)
    print(f"{added} messages queued (the outbox sends them on the next `jobs run`).")
    return 0


def register(sub, commands) -> None:
    rep = sub.add_parser("reports", help="reports").add_subparsers(dest="cmd", required=True)
    w = rep.add_parser("weekly", help="queue last week's executive report (once per week)")
    w.add_argument("--to", nargs="*", help="set the recipient list (saved)")
    w.add_argument("--pdf", help="also write the PDF to this file")
    commands["reports weekly"] = weekly
