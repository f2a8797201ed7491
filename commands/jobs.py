"""`jobs run`: every scheduled job, then delivery of the outbox."""

from __future__ import annotations

import sys
from datetime import UTC, datetime


def run_jobs(args) -> int:
    from db.config import ConfigError
    from db.engine import open_store
    from db.outbox import deliver
    from notify.config import smtp_settings
    from notify.jobs import discover
    from notify.smtp import send

    engine = open_store()
    now = datetime.now(UTC)
    for name, job in discover():
        if args.only and name not in args.only:
            continue
        print(f"{name}: {job(engine, now)}")
    if args.no_send:
        return 0
    try:
        settings = smtp_settings()
    except ConfigError as exc:
        print(f"outbox: not sent ({exc})", file=sys.stderr)
        return 2
    print(f"outbox: {deliver(engine=engine, settings=settings, now=now, send=send)}")
    return 0


def register(sub, commands) -> None:
    jobs = sub.add_parser("jobs", help="scheduled jobs (run from cron)").add_subparsers(
        dest="cmd", required=True
    )
    r = jobs.add_parser("run", help="run every due job, then send the outbox")
    r.add_argument("--only", nargs="*", help="run only these jobs")
    r.add_argument("--no-send", action="store_true", help="queue messages but do not send")
    commands["jobs run"] = run_jobs
