"""`tickets import FILE --preset NAME | --mapping NAME [--tz ZONE]`: help-desk exports in.

The file is streamed and committed chunk by chunk; a killed import resumes where it
stopped when run again on the same file with the same options.
"""

from __future__ import annotations

import sys
from pathlib import Path


def import_file(args) -> int:
    from sqlalchemy.exc import IntegrityError

    from access.roles import SYSTEM
    from db.engine import open_store
    from db.run_lock import RunInProgress
    from db.sla.ticket_file_import import import_ticket_file
    from sla import ImportRejected

    if not args.preset and not args.mapping:
        print("error: give --preset NAME or --mapping NAME", file=sys.stderr)
        return 2
    path = Path(args.file)
    if not path.is_file():
        print(f"error: no file {path}", file=sys.stderr)
        return 2
    engine = open_store()
    xlsx = path.suffix.lower() in (".xlsx", ".xlsm")

    def progress(row: int, done: int, size: int) -> None:
        if args.progress:
            share = "" if xlsx else f" ({done / max(size, 1):.0%} of the file)"
            print(f"  ... committed up to row {row - 1}{share}", file=sys.stderr, flush=True)

    try:
        report = import_ticket_file(
            engine=engine,
            actor=SYSTEM,
            path=path,
            preset=args.preset,
            mapping=args.mapping,
            source_tz=args.tz,
            dayfirst=args.dayfirst,
            progress=progress,
            chunk_bytes=args.chunk_kb * 1024,
        )
    except RunInProgress as exc:
        print(str(exc).replace("tickets-import", "tickets import"), file=sys.stderr)
        return 3
    except IntegrityError:  # a concurrent import (SQLite) committed the same tickets first
        print("another tickets import run is in progress; nothing was done.", file=sys.stderr)
        return 3
    except (ImportRejected, ValueError) as exc:
        print(f"rejected, nothing imported: {exc}", file=sys.stderr)
        return 2
    print(f"{path.name}: {report.summary}")
    for rec in report.fuzzy_matches.itertuples(index=False):
        print(f"  row {rec.row}: client '{rec.in_file}' matched '{rec.matched}' ({rec.score})")
    for rec in report.errors.itertuples(index=False):
        print(f"  row {rec.row} [{rec.column}]: {rec.reason}")
    return 1 if len(report.errors) else 0


def sync(args) -> int:
    """Pull a source's incremental export from the stored cursor; resumable, idempotent."""
    from datetime import UTC, datetime

    import httpx
    import pandas as pd

    from api.sources import BadEvent
    from connectors.http import Connection, SyncError
    from connectors.sources import PULL_SOURCES
    from db.config import ConfigError, read_secrets
    from db.engine import open_store, session_factory
    from db.ticket_sync import SyncBusy, sync_lock, sync_source

    if args.source not in PULL_SOURCES:
        print(f"error: unknown source {args.source!r} (known: {', '.join(PULL_SOURCES)})",
              file=sys.stderr)  # fmt: skip
        return 2
    try:
        conn = Connection.from_secrets(
            args.source, read_secrets(Path(args.secrets)) if args.secrets else read_secrets()
        )
        since = None
        if args.since:
            ts = pd.Timestamp(args.since)
            since = (ts.tz_localize("UTC") if ts.tzinfo is None else ts).to_pydatetime()
    except (SyncError, ConfigError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    engine = open_store()
    try:
        with (
            httpx.Client() as client,
            session_factory(engine)() as s,
            sync_lock(engine, args.source),
        ):
            report = sync_source(
                    session=s, source=args.source, fetch=lambda req: conn.get(client, req),
                    now=datetime.now(UTC), since=since,
                    tz=str(conn.settings.get("timezone", "UTC")), max_pages=args.max_pages,
                )  # fmt: skip
    except SyncBusy:
        print(f"another tickets sync of {args.source} is in progress; nothing was done.",
              file=sys.stderr)  # fmt: skip
        return 3
    except (SyncError, BadEvent) as exc:
        print(f"sync stopped: {exc}. Pages read before this are kept; run again to resume.",
              file=sys.stderr)  # fmt: skip
        return 1
    print(report.summary)
    for line in report.skipped[:50]:
        print(f"  unreadable record {line}")
    return 1 if report.skipped else 0


def register(sub, commands) -> None:
    group = sub.add_parser("tickets", help="tickets").add_subparsers(dest="cmd", required=True)
    p = group.add_parser("import", help="import a CSV/XLSX ticket export (idempotent)")
    p.add_argument("file")
    p.add_argument("--preset", help="zendesk, freshdesk, jira, servicenow or connectwise")
    p.add_argument("--mapping", help="a custom mapping saved by name in the app")
    p.add_argument("--tz", default="UTC", help="time zone of naive timestamps in the file")
    order = p.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        action="store_true",
        default=None,
        help="read 05.11.2026 as 5 November (default: the preset's or mapping's, else "
        "detected from the file's unambiguous dates)",
    )
    order.add_argument(
        "--monthfirst", dest="dayfirst", action="store_false",
        help="read 05.11.2026 as 11 May",
    )  # fmt: skip
    p.add_argument("--progress", action="store_true", help="print progress after each chunk")
    p.add_argument(
        "--chunk-kb", type=int, default=8192,
        help="CSV bytes read and committed at a time (memory grows with it; default 8192)",
    )  # fmt: skip
    commands["tickets import"] = import_file
    p = group.add_parser("sync", help="pull a source's incremental export (resumable)")
    p.add_argument(
        "--source",
        required=True,
        help="zendesk, freshdesk, jsm, servicenow, "
        "connectwise, halopsa or generic ([connectors.NAME] in secrets.toml)",
    )
    p.add_argument(
        "--since",
        help="restart the window at this date-time (default: the stored cursor, else 30 days back)",
    )
    p.add_argument("--max-pages", type=int, default=None, help="stop after N pages")
    p.add_argument("--secrets", help="a secrets.toml other than .streamlit/secrets.toml")
    commands["tickets sync"] = sync
