"""Server-side render time of every page (AppTest) over the full demo store, cold and warm.

Usage: python bench/dashboard_speed.py [--db sqlite:///path/demo.db]
Without --db a fresh demo company is seeded into a temp file first. Prints each page's
cold and warm (second run, caches hot) time, the warm time's ratio to a trivial page
measured in the same run, and whether it meets the 2 s interactive budget.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUDGET_S = 2.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password", default="demo-admin-pass")
    args = ap.parse_args()
    from db.config import ROOT
    from db.engine import open_store, session_scope
    from db.users import authenticate

    url = args.db
    if not url:
        from demo.seed import seed

        url = f"sqlite:///{tempfile.mkdtemp()}/demo.db"
        print(f"seeding demo company into {url} ...", flush=True)
        print(f"  {seed(open_store(url)).seconds:.1f} s")
    os.environ["DATABASE_URL"] = url
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ui.navigation import PAGES

    with session_scope(open_store(url)) as s:
        actor = authenticate(session=s, username=args.user, password=args.password)
    if actor is None:
        print("cannot log in with the given user", file=sys.stderr)
        return 2

    def timed(at: AppTest) -> float:
        t = time.perf_counter()
        at.run(timeout=300)
        return time.perf_counter() - t

    base = AppTest.from_string("import streamlit as st\nst.title('x')\nst.write(1)")
    timed(base)
    baseline = min(timed(base) for _ in range(3))
    print(f"baseline (trivial page): {baseline * 1000:.1f} ms")
    print(f"{'page':<36}{'cold s':>9}{'warm s':>9}{'x base':>9}  budget")
    worst = 0.0
    for spec in PAGES:
        path = ROOT / spec.path
        if not path.exists() or not actor.can(spec.permission):
            continue
        st.cache_data.clear()
        at = AppTest.from_file(str(path), default_timeout=300)
        at.session_state["actor"] = actor
        cold = timed(at)
        warm = timed(at)
        worst = max(worst, warm)
        flag = "ok" if warm < BUDGET_S else "SLOW"
        err = " (exception)" if at.exception else ""
        print(f"{spec.path:<36}{cold:>9.2f}{warm:>9.2f}{warm / baseline:>9.0f}  {flag}{err}")
    print(f"worst warm render: {worst:.2f} s (budget {BUDGET_S:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
