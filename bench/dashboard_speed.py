"""Server-side render of every page (AppTest): cold in a fresh process, then warm.

    python bench/dashboard_speed.py --tickets 200000 --store sqlite|postgresql
        [--db URL] [--pages executive,sla_dashboard] [--json out.json] [--against old.json]

"Cold" is a new Python process per page (a subprocess running AppTest on that one page):
nothing is loaded, not the ticket cache, not a cache_resource frame, so no page benefits
from the one before and the order does not matter. "Warm" is the second run of the same
page in that process, once the app's start-up warm-up thread has finished. For each run the
child reports wall seconds, CPU seconds (all threads: the warm-up's included in the cold
run) and the process's peak RSS. A trivial page,
run the same way in the same run, is the baseline every figure is divided by.

Without --db a demo company of --tickets is seeded first: a temp SQLite file, or the
PostgreSQL database `cd_scale_bench` (must be empty). --json saves the figures; --against
prints an earlier run's (e.g. the 200k store's) beside them so growth is visible.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARM_BUDGET_S, COLD_BUDGET_S, RSS_BUDGET_MB = 1.0, 3.0, 1500
TRIVIAL = "import streamlit as st\nst.title('x')\nst.write(1)"


def _usage() -> tuple[float, float]:
    """(CPU seconds of this process, all threads; peak RSS in MB)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def child(page: str, url: str, user: str, password: str) -> dict:
    """Run one page twice in this (fresh) process; the figures of each run."""
    os.environ["DATABASE_URL"] = url
    from streamlit.testing.v1 import AppTest

    if page == "baseline":
        at, actor = AppTest.from_string(TRIVIAL, default_timeout=900), None
    else:
        from db.engine import open_store, session_scope
        from db.users import authenticate

        with session_scope(open_store(url)) as s:
            actor = authenticate(session=s, username=user, password=password)
        at = AppTest.from_file(str(ROOT / page), default_timeout=900)
        at.session_state["actor"] = actor
    out: dict = {"page": page}
    for run in ("cold", "warm"):
        if run == "warm":  # the app's start-up warm-up may still be loading: not the rerun's
            for thread in threading.enumerate():
                if thread.name == "sla-warm-up":
                    thread.join()
        cpu0, _ = _usage()
        t0 = time.perf_counter()
        at.run(timeout=900)
        wall = time.perf_counter() - t0
        cpu1, rss = _usage()
        out[run] = {"wall": wall, "cpu": cpu1 - cpu0, "rss_mb": rss}
    out["exception"] = bool(at.exception)
    return out


def _spawn(page: str, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--child", page, "--db", args.db]
    cmd += ["--user", args.user, "--password", args.password]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    total = time.perf_counter() - t0
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{page} failed:\n{done.stderr[-2000:]}")
    result = json.loads(lines[-1])
    result["process_wall"] = total
    return result


def _seed(args: argparse.Namespace) -> str:
    from db.engine import open_store
    from demo.seed import SeedSize, seed

    if args.store == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/demo.db"
    else:
        url = "postgresql:///cd_scale_bench"
    print(f"seeding {args.tickets:,} tickets into {url} ...", flush=True)
    report = seed(open_store(url), size=SeedSize(tickets=args.tickets))
    print(f"  {report.seconds:.1f} s")
    return url


def _pages(args: argparse.Namespace) -> list[str]:
    from db.engine import open_store, session_scope
    from db.users import authenticate
    from ui.navigation import PAGES

    with session_scope(open_store(args.db)) as s:
        actor = authenticate(session=s, username=args.user, password=args.password)
    if actor is None:
        raise SystemExit("cannot log in with the given user")
    wanted = set(args.pages.split(",")) if args.pages else None
    return [
        spec.path
        for spec in PAGES
        if (ROOT / spec.path).exists()
        and actor.can(spec.permission)
        and (wanted is None or Path(spec.path).stem in wanted)
    ]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=200_000)
    ap.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--db")
    ap.add_argument("--pages", help="comma-separated page names (default: every page)")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password", default="demo-admin-pass")
    ap.add_argument("--json", help="save the figures here")
    ap.add_argument("--against", help="an earlier --json run to print beside these")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db, args.user, args.password)))
        return 0
    args.db = args.db or _seed(args)
    old = {r["page"]: r for r in json.loads(Path(args.against).read_text())} if args.against else {}
    base = _spawn("baseline", args)
    bc, bw = base["cold"], base["warm"]
    print(
        f"baseline (trivial page, fresh process): cold {bc['wall']:.2f} s wall, "
        f"{bc['cpu']:.2f} s CPU; warm {bw['wall'] * 1000:.0f} ms; peak RSS {bc['rss_mb']:.0f} MB"
    )
    head = f"{'page':<30}{'cold s':>8}{'CPU s':>7}{'warm s':>8}{'CPU s':>7}{'RSS MB':>8}"
    head += f"{'cold/b':>8}{'warm/b':>8}" + ("  earlier: cold  warm   RSS" if old else "")
    print(head)
    results, worst = [base], {"cold": 0.0, "warm": 0.0, "rss": 0.0}
    for page in _pages(args):
        r = _spawn(page, args)
        results.append(r)
        c, w = r["cold"], r["warm"]
        rss = max(c["rss_mb"], w["rss_mb"])
        worst = {
            "cold": max(worst["cold"], c["wall"]),
            "warm": max(worst["warm"], w["wall"]),
            "rss": max(worst["rss"], rss),
        }
        line = f"{Path(page).stem:<30}{c['wall']:>8.2f}{c['cpu']:>7.2f}{w['wall']:>8.2f}"
        line += f"{w['cpu']:>7.2f}{rss:>8.0f}{c['wall'] / bc['wall']:>8.1f}"
        line += f"{w['wall'] / max(bw['wall'], 1e-3):>8.0f}"
        if page in old:
            o = old[page]
            line += f"  {o['cold']['wall']:>13.2f}{o['warm']['wall']:>6.2f}"
            line += f"{max(o['cold']['rss_mb'], o['warm']['rss_mb']):>6.0f}"
        print(line + (" (exception)" if r["exception"] else ""), flush=True)
    for name, value, budget, unit in (
        ("cold", worst["cold"], COLD_BUDGET_S, "s"),
        ("warm", worst["warm"], WARM_BUDGET_S, "s"),
        ("peak RSS", worst["rss"], RSS_BUDGET_MB, "MB"),
    ):
        verdict = "met" if value < budget else "MISSED"
        print(f"worst {name}: {value:.2f} {unit} [target < {budget} {unit}: {verdict}]")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
