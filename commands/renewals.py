"""`renewals ...`: the renewal pipeline from the command line.

python cli.py renewals pipeline                      # contracts per stage, at risk
python cli.py renewals proposal C-0001 --out p.pdf   # or p.md for the Markdown
python cli.py renewals tasks                         # create today's tasks now
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from access.roles import SYSTEM


def _pipeline(args) -> int:
    from db.engine import open_store, session_scope
    from db.renewals.pipeline import STAGE_LABELS, renewal_pipeline

    with session_scope(open_store()) as s:
        p = renewal_pipeline(session=s, actor=SYSTEM, now=datetime.now(UTC))
    for stage, label in STAGE_LABELS.items():
        print(f"{label:<24} {p.counts.get(stage.value, 0):>5}")
    if p.weights_problem:
        print(p.weights_problem, file=sys.stderr)
    for row in p.forecast.itertuples(index=False):
        print(f"forecast {row.currency}: {row.value:,.2f} weighted {row[3]:,.2f}")
    print(f"at risk: {len(p.at_risk)}; needs data: {len(p.needs_data)}")
    return 0


def _proposal(args) -> int:
    from db.engine import open_store, session_scope
    from db.renewals.common import NotFound
    from db.renewals.contracts import contract_id_for
    from db.renewals.proposals import renewal_proposal

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".md"):
        print("error: --out must end in .pdf or .md", file=sys.stderr)
        return 2
    try:
        with session_scope(open_store()) as s:
            cid = contract_id_for(session=s, reference=args.contract_ref)
            files = renewal_proposal(
                session=s, actor=SYSTEM, contract_id=cid, now=datetime.now(UTC)
            )
    except (NotFound, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if out.suffix.lower() == ".pdf":
        out.write_bytes(files.pdf)
    else:
        out.write_text(files.markdown, encoding="utf-8")
    first = files.recommendations[0]
    print(f"{out}: {first.rule.value}, proposed {files.proposed_price} per month")
    return 0


def _tasks(args) -> int:
    from db.engine import open_store
    from notify.jobs.renewal_tasks import run

    print(run(open_store(), datetime.now(UTC)))
    return 0


def register(sub, commands) -> None:
    group = sub.add_parser("renewals", help="renewal pipeline").add_subparsers(
        dest="cmd", required=True
    )
    group.add_parser("pipeline", help="contracts per stage, forecast, at-risk count")
    p = group.add_parser("proposal", help="write a renewal proposal (PDF or Markdown)")
    p.add_argument("contract_ref", help="contract reference, e.g. C-0001")
    p.add_argument("--out", required=True, help="output file ending in .pdf or .md")
    group.add_parser("tasks", help="create the renewal tasks due today")
    commands["renewals pipeline"] = _pipeline
    commands["renewals proposal"] = _proposal
    commands["renewals tasks"] = _tasks
