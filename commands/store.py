"""`store backup FILE` and `store restore FILE`: a backup of either store as one SQLite file."""

from __future__ import annotations

import sys


def _summary(counts: dict[str, int]) -> str:
    main = ("clients", "contracts", "tickets", "invoices", "users")
    return ", ".join(f"{counts[t]:,} {t}" for t in main if t in counts)


def store_backup(args) -> int:
    from db.backup import BackupError, backup
    from db.engine import open_store

    engine = open_store()
    try:
        counts = backup(engine, args.file)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Backup written to {args.file}: {_summary(counts)} "
          f"({sum(counts.values()):,} rows in {len(counts)} tables).")
    return 0


def store_restore(args) -> int:
    from db.backup import BackupError, restore
    from db.engine import open_store

    engine = open_store()
    try:
        counts = restore(engine, args.file)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Restored {args.file}: {_summary(counts)} "
          f"({sum(counts.values()):,} rows in {len(counts)} tables).")
    return 0


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
