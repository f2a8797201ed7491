"""`jobs run`: every scheduled job, then delivery of the outbox.

One job's exception is reported (one line, no traceback) and the other jobs and the
delivery still run. Exit codes: 0 everything done, 1 a job or a send failed, 2 the outbox
could not be sent (SMTP not configured), 3 another `jobs run` is in progress (nothing done).
On PostgreSQL a session-level advisory lock makes overlapping runs (cron) exclusive.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import UTC, datetime

EXIT_FAILED, EXIT_CONFIG, EXIT_BUSY = 1, 2, 3


@contextmanager
def _exclusive(engine):
    """Hold the `jobs` advisory lock on PostgreSQL for the whole run; yields False if taken."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    from sqlalchemy import text

    from db.run_lock import lock_key

    with engine.connect() as conn:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key("jobs")})
        got = bool(got.scalar_one())
        conn.commit()
        try:
            yield got
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key("jobs")})
                conn.commit()


def run_jobs(args) -> int:
    from db.config import ConfigError
    from db.engine import open_store
    from db.outbox import deliver
    from notify.config import smtp_settings
    from notify.jobs import discover
    from notify.smtp import send

    engine = open_store()
    now = datetime.now(UTC)
    with _exclusive(engine) as got:
        if not got:
            print("jobs: another jobs run is in progress; nothing was done.", file=sys.stderr)
            return EXIT_BUSY
        failed = 0
        for name, job in discover():
            if args.only and name not in args.only:
                continue
            try:
                print(f"{name}: {job(engine, now)}")
            except Exception as exc:  # noqa: BLE001 - one job never stops the others
                failed += 1
                print(f"{name}: failed ({type(exc).__name__}: {exc})", file=sys.stderr)
        if args.no_send:
            return EXIT_FAILED if failed else 0
        try:
            settings = smtp_settings()
        except ConfigError as exc:
            print(f"outbox: not sent ({exc})", file=sys.stderr)
            return EXIT_CONFIG
        try:
            report = deliver(engine=engine, settings=settings, now=now, send=send)
        except Exception as exc:  # noqa: BLE001
            print(f"outbox: delivery failed ({type(exc).__name__}: {exc})", file=sys.stderr)
            return EXIT_FAILED
        print(f"outbox: {report}")
        if report.retrying or report.dead:
            failed += 1
        return EXIT_FAILED if failed else 0


def worker(args) -> int:
    """Run `jobs run` every --interval seconds until SIGTERM/SIGINT (finishes the tick first).

    Several workers are safe: on PostgreSQL a tick runs only while holding an advisory lock
    (the others skip that tick), and every job is keyed so a rerun adds nothing.
    """
    import signal
    import threading
    import time

    from sqlalchemy import text

    from db.engine import make_engine

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    engine = make_engine()
    ticks = 0
    print(f"jobs worker: every {args.interval}s (SIGTERM stops after the current tick)", flush=True)
    while not stop.is_set():
        started = time.monotonic()
        with engine.connect() as conn:
            pg = engine.dialect.name == "postgresql"
            got = conn.execute(text("SELECT pg_try_advisory_lock(15015)")).scalar() if pg else True
            try:
                if got:
                    run_jobs(args)
                else:
                    print("jobs worker: another worker holds this tick", flush=True)
            except Exception as exc:  # noqa: BLE001 - one failing tick must not stop the loop
                print(f"jobs worker: tick failed: {exc}", file=sys.stderr, flush=True)
            finally:
                if pg and got:
                    conn.execute(text("SELECT pg_advisory_unlock(15015)"))
                conn.commit()
        ticks += 1
        if args.max_ticks and ticks >= args.max_ticks:
            break
        stop.wait(max(0.0, args.interval - (time.monotonic() - started)))
    print("jobs worker: stopped", flush=True)
    return 0


def register(sub, commands) -> None:
    jobs = sub.add_parser("jobs", help="scheduled jobs (run from cron)").add_subparsers(
        dest="cmd", required=True
    )
    r = jobs.add_parser(
        "run",
        help="run every due job, then send the outbox "
        "(exit 0 ok, 1 something failed, 2 SMTP not configured, 3 another run in progress)",
    )
    r.add_argument("--only", nargs="*", help="run only these jobs")
    r.add_argument("--no-send", action="store_true", help="queue messages but do not send")
    commands["jobs run"] = run_jobs
    w = jobs.add_parser("worker", help="run the jobs in a loop (graceful stop on SIGTERM)")
    w.add_argument("--interval", type=float, default=60.0, help="seconds between runs")
    w.add_argument("--only", nargs="*", help="run only these jobs")
    w.add_argument("--no-send", action="store_true", help="queue messages but do not send")
    w.add_argument("--max-ticks", type=int, default=0, help="stop after N runs (0: never)")
    commands["jobs worker"] = worker
