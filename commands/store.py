"""`store backup FILE` and `store restore FILE`: a backup of either store as one SQLite file."""

from __future__ import annotations

import sys


def _summary(counts: dict[str, int]) -> str:
    main = ("clients", "contracts", "tickets", "invoices", "users")
    return ", ".join(f"{counts[t]:,} {t}" for t in main if t in counts)


def _run(action, args, done: str) -> int:
    """Run `action(engine, file)`; a BackupError is a one-line error, exit 2."""
    from db.backup import BackupError
    from db.engine import open_store

    try:
        counts = action(open_store(), args.file)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{done}: {_summary(counts)} ({sum(counts.values()):,} rows in {len(counts)} tables).")
    return 0


def store_backup(args) -> int:
    from db.backup import backup

    return _run(backup, args, f"Backup written to {args.file}")


def store_restore(args) -> int:
    from db.backup import restore

    return _run(restore, args, f"Restored {args.file}")


def register(sub, commands) -> None:
    store = sub.add_parser("store", help="backup and restore").add_subparsers(
        dest="cmd", required=True
    )
    b = store.add_parser("backup", help="write the whole store to a new SQLite file")
    b.add_argument("file")
    commands["store backup"] = store_backup
    r = store.add_parser("restore", help="restore a backup into an empty store")
    r.add_argument("file")
    commands["store restore"] = store_restore
