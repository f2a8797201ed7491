"""One command line for every batch job: migrations, demo data, users, imports, jobs.

Every command opens the configured store (DATABASE_URL, secrets.toml or the SQLite default)
and upgrades its schema first, exactly as the app does.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from db.config import ConfigError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def wrap(fn):
        COMMANDS[name] = fn
        return fn

    return wrap


def _store():
    from db.engine import open_store

    return open_store()


@command("db upgrade")
def db_upgrade(args: argparse.Namespace) -> int:
    _store()
    print("Schema is at the latest revision.")
    return 0


@command("demo seed")
def demo_seed(args: argparse.Namespace) -> int:
    from db.engine import is_empty
    from demo.seed import SeedSize, seed

    engine = _store()
    if not is_empty(engine):
        if args.if_empty:
            print("Store already holds contracts; demo seed skipped.")
            return 0
        print(
            "The store already holds contracts: demo data goes only into an empty store. "
            "Point DATABASE_URL at a new database (or delete data/contract_desk.db).",
            file=sys.stderr,
        )
        return 2
    size = SeedSize(
        clients=args.clients,
        contracts=args.contracts,
        tickets=args.tickets,
        technicians=args.technicians,
    )
    from db.config import ROOT

    report = seed(engine, seed=args.seed, size=size, pdf_folder=ROOT / "data" / "demo-contracts")
    print(
        f"Demo company seeded in {report.seconds:.1f}s: "
        + ", ".join(f"{v:,} {k}" for k, v in report.counts.items())
    )
    if report.pdf_folder:
        print(f"Sample contract PDFs for the upload page: {report.pdf_folder}")
    _first_job_run(engine)
    print("Demo logins (demo data only):")
    for username, role, password in report.users:
        print(f"  {username:<10} {role:<11} {password}")
    return 0


def _first_job_run(engine) -> None:
    """Run the scheduled jobs once (queue only), so a new demo opens with its tasks, alerts
    and outbox filled instead of "nothing to do" until someone runs `jobs run`."""
    from datetime import UTC, datetime

    from notify.jobs import discover

    now = datetime.now(UTC)
    for name, job in discover():
        try:
            print(f"First run of {name}: {job(engine, now)}")
        except Exception as exc:  # a demo convenience: a failing job must not undo the seed
            print(f"First run of {name} failed: {exc}", file=sys.stderr)


@command("users add")
def users_add(args: argparse.Namespace) -> int:
    from db.engine import session_scope
    from db.users import UserError, count_users, create_user

    engine = _store()
    password = args.password or getpass.getpass(f"Password for {args.username}: ")
    try:
        with session_scope(engine) as s:
            first = count_users(session=s) == 0
            from access.roles import SYSTEM

            create_user(
                session=s,
                username=args.username,
                password=password,
                role=args.role,
                display_name=args.name,
                email=args.email,
                actor=None if first else SYSTEM,
            )
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"User {args.username} ({args.role}) created.")
    return 0


@command("users reset-2fa")
def users_reset_2fa(args: argparse.Namespace) -> int:
    """For the server's operator: the only admin lost their authenticator device."""
    from access.roles import SYSTEM
    from db.engine import session_scope
    from db.second_factor import SecondFactorError, reset, user_named

    try:
        with session_scope(_store()) as s:
            uid = user_named(session=s, username=args.username)
            if uid is None:
                raise SecondFactorError(f"No user {args.username!r}.")
            reset(session=s, actor=SYSTEM, user_id=uid)
    except SecondFactorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Second factor of {args.username} turned off; they may set it up again.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cli.py", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="group", required=True)

    dbp = sub.add_parser("db", help="database schema").add_subparsers(dest="cmd", required=True)
    dbp.add_parser("upgrade", help="apply pending migrations")

    demo = sub.add_parser("demo", help="demo data").add_subparsers(dest="cmd", required=True)
    s = demo.add_parser("seed", help="build the demo company in an empty store")
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--clients", type=int, default=120)
    s.add_argument("--contracts", type=int, default=300)
    s.add_argument("--tickets", type=int, default=200_000)
    s.add_argument("--technicians", type=int, default=24)
    s.add_argument("--if-empty", action="store_true", help="do nothing if data exists")

    users = sub.add_parser("users", help="users").add_subparsers(dest="cmd", required=True)
    a = users.add_parser("add", help="add a user (the first one must be an admin)")
    a.add_argument("username")
    a.add_argument("--role", required=True, choices=["admin", "manager", "executive", "technician"])
    a.add_argument("--name")
    a.add_argument("--email")
    a.add_argument("--password", help="omit to be prompted (keeps it out of shell history)")
    r = users.add_parser("reset-2fa", help="turn off a user's second factor (a lost device)")
    r.add_argument("username")
    from commands import modules

    for module in modules():
        module.register(sub, COMMANDS)
    return p


def main(argv: list[str] | None = None) -> int:
    from sqlalchemy.exc import InterfaceError, OperationalError

    from db.engine import store_failure

    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[f"{args.group} {args.cmd}"](args)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OperationalError, InterfaceError) as exc:  # disk full, server gone: no traceback
        message = store_failure(exc)
        print(f"error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
