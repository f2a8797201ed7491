"""`compliance gaps`: the risk report for any date, on screen or as CSV/PDF files."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path


def gaps_cmd(args) -> int:
    from access.roles import SYSTEM
    from db.compliance.gaps import gap_report, report_csv, report_pdf
    from db.engine import open_store, session_scope

    try:
        on = date.fromisoformat(args.on) if args.on else date.today()
    except ValueError:
        print(f"error: --on must be a date like 2026-11-23, got {args.on!r}", file=sys.stderr)
        return 2
    try:
        with session_scope(open_store()) as s:
            report = gap_report(session=s, actor=SYSTEM, on=on, horizon_days=args.horizon)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts = report.table["severity"].value_counts()
    summary = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("critical", "high", "medium", "low"))
    print(f"{len(report.gaps)} gaps on {on} within {args.horizon} days: {summary}")
    for row in report.table.head(args.limit).itertuples():
        who = f" [{row.technician}]" if row.technician else ""
        print(
            f"  {row.severity:<8} {row.starts} {row.contract}{who} {row.requirement}: {row.reason}"
        )
    if args.csv:
        Path(args.csv).write_bytes(report_csv(report))
        print(f"CSV written to {args.csv}")
    if args.pdf:
        Path(args.pdf).write_bytes(report_pdf(report))
        print(f"PDF written to {args.pdf}")
    return 0


def register(sub, commands) -> None:
    group = sub.add_parser("compliance", help="compliance gaps and risk report")
    cmds = group.add_subparsers(dest="cmd", required=True)
    g = cmds.add_parser("gaps", help="requirements unmet on a date or within the horizon")
    g.add_argument("--on", help="date (YYYY-MM-DD), default today")
    g.add_argument("--horizon", type=int, default=60, help="days ahead (default 60)")
    g.add_argument("--limit", type=int, default=20, help="rows to print (default 20)")
    g.add_argument("--csv", help="write every gap to this CSV file")
    g.add_argument("--pdf", help="write the risk report to this PDF file")
    commands["compliance gaps"] = gaps_cmd
