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


def tax_rate_add(args) -> int:
    from datetime import date

    from access.roles import SYSTEM
    from db.billing.tax import set_tax_rate
    from db.engine import open_store, session_scope

    try:
        on = date.fromisoformat(args.effective_from)
        with session_scope(open_store()) as s:
            row = set_tax_rate(
                session=s, actor=SYSTEM, name=args.name, kind=args.kind, rate=args.rate,
                effective_from=on, client_id=args.client_id, country=args.country,
                quickbooks_code=args.quickbooks_code, xero_tax_type=args.xero_tax_type,
            )  # fmt: skip
            rate = f"{row.rate.normalize():f}%"
            print(f"Tax rate {row.id}: {row.name} {rate} ({row.kind}) from {on}.")
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return 0


def tax_rate_list(args) -> int:
    from access.roles import SYSTEM
    from db.billing.tax import tax_rates
    from db.engine import open_store, session_scope

    with session_scope(open_store()) as s:
        frame = tax_rates(session=s, actor=SYSTEM, client_id=args.client_id)
    print(frame.to_string(index=False) if len(frame) else "No tax rates.")
    return 0


def client_country(args) -> int:
    from access.roles import SYSTEM
    from db.billing.tax import set_client_country
    from db.engine import open_store, session_scope

    try:
        with session_scope(open_store()) as s:
            set_client_country(
                session=s, actor=SYSTEM, client_id=args.client_id, country=args.country
            )
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"Client {args.client_id}: country {args.country.upper()}.")
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
    t = billing.add_parser("tax-add", help="a tax rate for a client or a country")
    t.add_argument("--name", required=True, help="printed on the invoice: VAT, GST, Sales tax")
    t.add_argument(
        "--kind", required=True, choices=["vat", "gst", "sales_tax", "reverse_charge", "exempt"]
    )
    t.add_argument("--rate", required=True, help="percent, 0-100 (0 for reverse charge/exempt)")
    who = t.add_mutually_exclusive_group(required=True)
    who.add_argument("--client-id", type=int)
    who.add_argument("--country", help="ISO 3166 alpha-2, e.g. GB")
    t.add_argument("--from", dest="effective_from", required=True, help="YYYY-MM-DD")
    t.add_argument("--quickbooks-code", help="the tax code's name in QuickBooks")
    t.add_argument("--xero-tax-type", help="the tax rate's name in Xero")
    commands["billing tax-add"] = tax_rate_add
    tl = billing.add_parser("tax-list", help="tax rates (one client's, with --client-id)")
    tl.add_argument("--client-id", type=int)
    commands["billing tax-list"] = tax_rate_list
    cc = billing.add_parser("client-country", help="set a client's country (its tax rate)")
    cc.add_argument("--client-id", type=int, required=True)
    cc.add_argument("--country", required=True)
    commands["billing client-country"] = client_country
