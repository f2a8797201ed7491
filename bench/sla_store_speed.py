"""Time sla_outcomes and the dashboard pieces over a seeded store (default /tmp/demo.db).

Usage: python bench/sla_store_speed.py [DATABASE_URL]. Prints medians of 3 warm runs.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from access.roles import SYSTEM  # noqa: E402
from db.engine import make_engine, session_scope  # noqa: E402
from db.sla.dashboard import DashboardFilters, at_risk_board, dashboard_frame, dashboard_views  # noqa: E402
from db.sla.outcomes import sla_outcomes  # noqa: E402


def timed(fn, runs: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(url: str) -> None:
    engine = make_engine(url)
    now = datetime.now(UTC)

    def run(fn):
        with session_scope(engine) as s:
            return fn(s)

    t, df = timed(lambda: run(lambda s: sla_outcomes(session=s, now=now)))
    print(f"sla_outcomes: {len(df):,} rows ({df['ticket_id'].nunique():,} tickets) in {t:.2f} s")
    t, frame = timed(lambda: run(lambda s: dashboard_frame(session=s, actor=SYSTEM, now=now)))
    print(f"dashboard_frame (cached once per 5 min in the page): {t:.2f} s")
    t, _ = timed(lambda: dashboard_views(frame, DashboardFilters()))
    print(f"dashboard_views, no filter (cached per filter choice): {t * 1000:.0f} ms")
    t, _ = timed(lambda: dashboard_views(frame, DashboardFilters(tiers=("gold",))))
    print(f"dashboard_views, one tier: {t * 1000:.0f} ms")
    t, board = timed(lambda: run(lambda s: at_risk_board(session=s, actor=SYSTEM, now=now)))
    print(f"at_risk_board ({len(board):,} rows, every 60 s): {t * 1000:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sqlite:////tmp/demo.db")
