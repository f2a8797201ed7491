"""`billing run --period 2026-11` and `billing export --format quickbooks|xero|generic`."""

from __future__ import annotations

import sys
from pathlib import Path


def billing_run(args) -> int:
    from sqlalchemy.exc import IntegrityError

    from access.roles import SYSTEM
    from db.billing.run import preview_run, run_billing
    from db.engine import open_store, session_scope
    from db.run_lock import RunInProgress, run_lock

    engine = open_store()
    try:
        with session_scope(engine) as s:
            if args.dry_run:
                p = preview_run(session=s, actor=SYSTEM, period=args.period)
                print(
                    f"{p.period}: {len(p.invoices)} invoices would be drafted or updated, "
                    f"{len(p.findings)} findings, accuracy {p.accuracy:.1%} of "
                    f"{p.entries_checked} entries (nothing written)."
                )
                return 0
            with run_lock(s, "billing"):
                print(run_billing(session=s, actor=SYSTEM, period=args.period).text())
    except RunInProgress as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except IntegrityError:  # a concurrent run (SQLite) committed the same drafts first
        print(RunInProgress("billing"), file=sys.stderr)
        return 3
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


def billing_export(args) -> int:
    from access.roles import SYSTEM
    from db.billing.exports import export_invoices
    from db.engine import open_store, session_scope

    engine = open_store()
    try:
        with session_scope(engine) as s:
            data, name, count = export_invoices(
                session=s, actor=SYSTEM, period=args.period, fmt=args.format, xlsx=args.xlsx
            )
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.output == "-":
        sys.stdout.buffer.write(data)
        return 0
    target = Path(args.output or name)
    target.write_bytes(data)
    print(f"{count} invoices written to {target}", file=sys.stderr)
    return 0


def register(sub, commands) -> None:
    billing = sub.add_parser("billing", help="invoice runs and accounting exports").add_subparsers(
        dest="cmd", required=True
    )
    r = billing.add_parser("run", help="draft the invoices of a month (idempotent)")
    r.add_argument("--period", required=True, help="year-month, e.g. 2026-11")
    r.add_argument("--dry-run", action="store_true", help="preview only; write nothing")
    commands["billing run"] = billing_run
    e = billing.add_parser("export", help="issued invoices of a month for accounting")
    e.add_argument("--format", required=True, choices=["quickbooks", "xero", "generic"])
    e.add_argument("--period", required=True, help="year-month, e.g. 2026-11")
    e.add_argument("--xlsx", action="store_true", help="XLSX instead of CSV (generic only)")
    e.add_argument("--output", help="file to write (- for stdout)")
    commands["billing export"] = billing_export
