"""Streamed ticket import speed: N rows in the Zendesk export layout into SQLite and
PostgreSQL, rows/s and peak RSS, against pandas `read_csv` of the same file (measured in
the same run); then a `tickets import` killed with SIGKILL at 50% of the file, resumed.

Usage:
  python bench/ticket_import_speed.py [--rows 1000000] [--pg postgresql:///cd_bench]
                                      [--sqlite /tmp/ticket_bench.db] [--no-kill]

Every measured step runs in its own process and reports its own peak RSS (VmHWM of its
address space: wait4's ru_maxrss would also count the parent's memory at the fork). The
store gets 200 clients, half of them with a contract on a business-hours calendar, so
client matching and the contract-in-force check run as in a real import. Targets
(issue 19): >= 20,000 rows/s on PostgreSQL, peak RSS < 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLIENTS = 200
HEADER = ["Id", "Requester", "Organization", "Subject", "Status", "Priority", "Ticket type",
          "Created at", "Updated at", "Solved at", "First reply time in minutes",
          "Assignee", "Group"]  # fmt: skip


def write_file(path: Path, n: int) -> None:
    """A Zendesk-layout export of n tickets (2025-2026, naive local times, 60% solved)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(19)
    created = pd.Timestamp("2025-01-01") + pd.to_timedelta(
        rng.integers(0, 700 * 24 * 60, n), unit="min"
    )
    solved_after = pd.to_timedelta(rng.integers(30, 5 * 24 * 60, n), unit="min")
    solved = pd.Series(created + solved_after).dt.strftime("%Y-%m-%d %H:%M")
    solved[rng.random(n) > 0.6] = ""
    reply = pd.Series(rng.integers(1, 30, n)).astype(str)  # before the earliest solve
    reply[rng.random(n) > 0.9] = ""
    frame = pd.DataFrame({
        "Id": np.arange(1, n + 1),
        "Requester": "user" + pd.Series(rng.integers(1, 5000, n)).astype(str) + "@example.com",
        "Organization": "Client " + pd.Series(rng.integers(1, CLIENTS + 1, n)).map("{:03d}".format),
        "Subject": np.where(rng.random(n) < 0.05, "Printer, again\nsecond line", "VPN drops"),
        "Status": np.where(solved == "", "Open", "Solved"),
        "Priority": rng.choice(["Urgent", "High", "Normal", "Low"], n),
        "Ticket type": rng.choice(["incident", "problem", "question", "task"], n),
        "Created at": pd.Series(created).dt.strftime("%Y-%m-%d %H:%M"),
        "Updated at": pd.Series(created + solved_after).dt.strftime("%Y-%m-%d %H:%M"),
        "Solved at": solved,
        "First reply time in minutes": reply,
        "Assignee": rng.choice(["Ann Smith", "Bo Chen", "Cy Diaz", ""], n),
        "Group": "Support",
    })  # fmt: skip
    frame.to_csv(path, index=False)


def seed(url: str) -> None:
    """A fresh store with the clients (and contracts) the file names."""
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import text

    from access.roles import SYSTEM
    from contracts.schema import ContractInput
    from db.base import Base
    from db.clients_repo import create_client
    from db.contracts_repo import create_contract
    from db.engine import open_store, session_scope
    from db.models import Calendar

    engine = open_store(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "alembic_version"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
    with session_scope(engine) as s:
        cal = Calendar(name="NY 8-6", spec="Mon-Fri 08:00-18:00", timezone="America/New_York")
        s.add(cal)
        s.flush()
        for i in range(1, CLIENTS + 1):
            client = create_client(session=s, actor=SYSTEM, name=f"Client {i:03d}")
            if i % 2:
                create_contract(session=s, actor=SYSTEM, data=ContractInput(
                    client_id=client.id, reference=f"C-{i}", title="Managed support",
                    tier="gold", start_date=date(2025, 1, 1), end_date=date(2026, 12, 31),
                    value=Decimal("60000"), currency="USD", pricing_model="fixed",
                    recurring_fee=Decimal("2500"), timezone="America/New_York",
                    calendar_id=cal.id,
                ))  # fmt: skip
    engine.dispose()


def peak_rss_mb() -> float:
    """This process's peak resident memory since its exec (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args) -> None:
    """One measured step in this process; prints a JSON line."""
    if args.child == "pandas":
        import pandas as pd

        t = time.perf_counter()
        frame = pd.read_csv(args.file, dtype=str, keep_default_na=False)
        print(json.dumps({"rows": len(frame), "seconds": time.perf_counter() - t,
                          "rss_mb": peak_rss_mb()}))  # fmt: skip
        return
    from access.roles import SYSTEM
    from db.engine import make_engine
    from db.sla.ticket_file_import import import_ticket_file

    engine = make_engine(args.url)

    def progress(row, pos, size):
        print(f"progress {pos} {size} {peak_rss_mb():.0f}", file=sys.stderr, flush=True)

    t = time.perf_counter()
    report = import_ticket_file(engine=engine, actor=SYSTEM, path=args.file, preset="zendesk",
                                source_tz="America/New_York", progress=progress)  # fmt: skip
    print(json.dumps({
        "seconds": time.perf_counter() - t, "inserted": report.inserted,
        "updated": report.updated, "unchanged": report.unchanged,
        "errors": len(report.errors), "resumed_at_row": report.resumed_at_row,
        "rss_mb": peak_rss_mb(),
    }))  # fmt: skip


def run_child(*extra: str, kill_at: float | None = None) -> tuple[dict | None, float, list[int]]:
    """(its JSON, its peak RSS in MB, positions it reported); SIGKILL once past `kill_at`."""
    cmd = [sys.executable, __file__, *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    positions: list[int] = []
    err_lines = []
    rss_mb = 0.0
    for line in proc.stderr:
        if line.startswith("progress "):
            pos, size, rss = map(int, line.split()[1:])
            positions.append(pos)
            rss_mb = max(rss_mb, float(rss))
            if kill_at is not None and pos >= kill_at * size:
                os.kill(proc.pid, signal.SIGKILL)
                break
        else:
            err_lines.append(line)
    out = proc.stdout.read()
    proc.wait()
    if kill_at is None and proc.returncode != 0:
        raise SystemExit(f"step failed ({proc.returncode}): {''.join(err_lines)[-2000:]}")
    data = json.loads(out.strip().splitlines()[-1]) if out.strip() and kill_at is None else None
    if data is not None:
        rss_mb = max(rss_mb, data["rss_mb"])
    return data, rss_mb, positions


def count_tickets(url: str) -> int:
    from sqlalchemy import func, select

    from db.engine import make_engine
    from db.models import Ticket
    from db.sla.tickets_import import Session

    engine = make_engine(url)
    with Session(engine) as s:
        n = s.scalar(select(func.count()).select_from(Ticket))
    engine.dispose()
    return int(n)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--pg", default="postgresql:///cd_wt_19_bench")
    p.add_argument("--sqlite", default="/tmp/ticket_import_bench.db")
    p.add_argument("--file", default=None)
    p.add_argument("--no-kill", action="store_true")
    p.add_argument("--only", choices=["sqlite", "postgresql"])
    p.add_argument("--child", choices=["pandas", "import"])
    p.add_argument("--url")
    args = p.parse_args()
    if args.child:
        child(args)
        return
    path = Path(args.file or f"/tmp/ticket_import_bench_{args.rows}.csv")
    if not path.exists():
        t = time.perf_counter()
        write_file(path, args.rows)
        took = time.perf_counter() - t
        print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {took:.0f} s")
    base, base_rss, _ = run_child("--child", "pandas", "--file", str(path))
    base_rate = base["rows"] / base["seconds"]
    print(f"{args.rows:,} Zendesk rows, {path.stat().st_size / 1e6:.0f} MB")
    print(f"baseline pandas.read_csv: {base['seconds']:.1f} s, {base_rate:,.0f} rows/s, "
          f"peak RSS {base_rss:.0f} MB")  # fmt: skip
    backends = {"sqlite": f"sqlite:///{args.sqlite}", "postgresql": args.pg}
    for name, url in backends.items():
        if args.only and name != args.only:
            continue
        seed(url)
        got, rss, _ = run_child("--child", "import", "--url", url, "--file", str(path))
        rate = args.rows / got["seconds"]
        print(f"{name}: import {got['seconds']:.1f} s, {rate:,.0f} rows/s "
              f"({rate / base_rate:.2f}x pandas.read_csv alone), peak RSS {rss:.0f} MB; "
              f"{got['inserted']:,} inserted, {got['errors']} row errors")  # fmt: skip
        if args.no_kill:
            continue
        seed(url)
        _, rss1, before = run_child("--child", "import", "--url", url, "--file", str(path),
                                    kill_at=0.5)  # fmt: skip
        committed = count_tickets(url)
        got, rss2, after = run_child("--child", "import", "--url", url, "--file", str(path))
        total = count_tickets(url)
        reread = bool(after) and min(after) <= max(before)
        print(f"{name}: killed (SIGKILL) at {max(before) / path.stat().st_size:.0%} of the file "
              f"with {committed:,} tickets committed; resumed at row {got['resumed_at_row']:,}, "
              f"finished in {got['seconds']:.1f} s; {total:,} tickets (expected {args.rows:,}); "
              f"committed chunks read again: {'yes' if reread else 'no'}; "
              f"peak RSS {max(rss1, rss2):.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
