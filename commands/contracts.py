"""`contracts import FILE --preset NAME [--currency C] [--dayfirst] [--dry-run]`: a contract
list from a PSA export or a spreadsheet."""

from __future__ import annotations

import sys
from pathlib import Path


def import_file(args) -> int:
    from access.roles import SYSTEM
    from contracts.spreadsheet import SheetRejected
    from db.contracts_import import import_contracts, preview_contracts
    from db.engine import open_store, session_scope

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no file {path}", file=sys.stderr)
        return 2
    run = preview_contracts if args.dry_run else import_contracts
    try:
        with session_scope(open_store()) as s:
            report = run(
                session=s,
                actor=SYSTEM,
                data=path.read_bytes(),
                filename=path.name,
                preset=args.preset,
                currency=args.currency,
                dayfirst=args.dayfirst,
            )
    except SheetRejected as exc:
        print(f"rejected, nothing imported: {exc}", file=sys.stderr)
        return 2
    print(f"{path.name}: {report.summary}")
    for rec in report.rows.itertuples(index=False):
        if rec.action == "error" or rec.problems:
            print(f"  row {rec.row} [{rec.action}]: {rec.problems}")
    return 1 if report.count("error") else 0


def register(sub, commands) -> None:
    from contracts.spreadsheet import PRESETS

    group = sub.add_parser("contracts", help="contracts").add_subparsers(dest="cmd", required=True)
    p = group.add_parser("import", help="import a contract list (CSV/XLSX; idempotent)")
    p.add_argument("file")
    p.add_argument("--preset", default="generic", choices=sorted(PRESETS))
    p.add_argument("--currency", default="USD", help="currency of rows that name none")
    p.add_argument("--dayfirst", action="store_true", help="read 05.11.2026 as 5 November")
    p.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    commands["contracts import"] = import_file
