"""One app replica for tests/scale/test_replicas.py: a separate process with its own engine
and the SLA outcome cache enabled, as `ui.store` sets them up for a Streamlit process.

Reads commands on stdin and answers one JSON line each:
  state ID       -> the ticket's resolution state and stop, and how many loads so far
  dash ID        -> the same from the SLA dashboard's frame, and how many frame builds so far
  resolve ID ISO -> resolve the ticket in place, as a webhook does (no audit, no event)
  preview PERIOD -> the billing preview's invoice actions, and how many were computed so far
  bill PERIOD    -> run billing for the period (drafts saved)
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from access.roles import SYSTEM  # noqa: E402
from db.billing import preview  # noqa: E402
from db.billing.run import run_billing  # noqa: E402
from db.engine import open_store, session_scope  # noqa: E402
from db.models import Ticket  # noqa: E402
from db.sla import held_frame, outcome_cache, outcomes  # noqa: E402
from db.sla.dashboard import dashboard_frame  # noqa: E402
from tests.sla_integration.sla_data import NOW  # noqa: E402


def main(url: str) -> None:
    engine = open_store(url)
    outcome_cache.enable(engine)
    loads, previews = [], []
    real = outcomes._load
    outcomes._load = lambda *a, **k: loads.append(1) or real(*a, **k)
    computed = preview._preview
    preview._preview = lambda *a: previews.append(1) or computed(*a)
    builds = []
    build = held_frame._build
    held_frame._build = lambda *a: builds.append(1) or build(*a)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd, tid, *rest = line.split()
        with session_scope(engine) as s:
            if cmd == "preview":
                got = preview.preview_run(session=s, actor=SYSTEM, period=tid)
                answer = {"actions": sorted(set(got.invoices["action"])), "computed": len(previews)}
            elif cmd == "bill":
                answer = {"created": run_billing(session=s, actor=SYSTEM, period=tid).created}
            elif cmd == "resolve":
                ticket = s.get(Ticket, int(tid))
                ticket.resolved_at, ticket.status = datetime.fromisoformat(rest[0]), "resolved"
                answer = {"done": True}
            else:
                dash = cmd == "dash"
                out = (
                    dashboard_frame(session=s, actor=SYSTEM, now=NOW)
                    if dash
                    else outcomes.sla_details(session=s, now=NOW)
                )
                row = out[(out["ticket_id"] == int(tid)) & (out["metric"] == "resolution")]
                answer = {
                    "state": str(row["state"].iloc[0]),
                    "stopped": str(row["stopped_at"].iloc[0]),
                    "loads": len(builds if dash else loads),
                }
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
