"""Billing figures on the executive view: accuracy and revenue recovered come from the latest
run of each period (a rerun replaces, never adds), rate corrections included."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from db.analytics_repo import executive_view
from db.billing.run import run_billing
from db.models import BillingFinding
from tests.factories import actor

PERIOD = "2026-11"  # arrears: October's entries are billed in the November run


def _view(session, today):
    return executive_view(session=session, actor=actor("executive"), currency="GBP",
                          start=date(2026, 11, 1), end=today, today=today)  # fmt: skip


def test_undercharged_rate_is_revenue_recovered_once_across_reruns(session, billed):
    first = run_billing(session=session, actor=actor("admin"), period=PERIOD)
    amounts = session.scalars(
        select(BillingFinding.amount).where(BillingFinding.code == "RATE_MISMATCH")
    ).all()
    assert [float(a) for a in amounts] == [5.0]  # 30 min at 100/h charged at 90/h

    view = _view(session, billed["today"])
    rows = dict(zip(view.recovered["source"], view.recovered["lines"], strict=True))
    amounts = dict(zip(view.recovered["source"], view.recovered["amount"], strict=True))
    assert (rows["Undercharged rates corrected"], amounts["Undercharged rates corrected"]) == (
        1,
        5.0,
    )
    tiles = {k.name: k.value for k in view.tiles}
    accuracy = first.entries_passed / first.entries_checked
    assert tiles["Billing accuracy"] == accuracy

    run_billing(session=session, actor=actor("admin"), period=PERIOD)  # a rerun
    again = _view(session, billed["today"])
    again_tiles = {k.name: k.value for k in again.tiles}
    assert again_tiles["Billing accuracy"] == accuracy
    assert again_tiles["Revenue recovered"] == tiles["Revenue recovered"]
    assert "Undercharged rates corrected" in set(again.recovered["source"])


def test_client_accuracy_is_kept_per_run_and_a_rerun_replaces_it(session, billed):
    from db.billing.receivables import client_billing

    tm = billed["tm"]
    run_billing(session=session, actor=actor("admin"), period=PERIOD)
    second = run_billing(session=session, actor=actor("admin"), period=PERIOD)
    cb = client_billing(session=session, actor=actor("admin"), client_id=tm.client_id,
                        as_of=billed["today"])  # fmt: skip
    # Tempo Labs: seven entries, only one without a finding (see the `billed` fixture).
    assert cb.accuracy.to_dict("records") == [
        {
            "period": "2026-11",
            "run": second.run_id,
            "entries": 7,
            "passed": 1,
            "accuracy": 1 / 7,
        }  # fmt: skip
    ]
    other = client_billing(session=session, actor=actor("admin"),
                           client_id=billed["fixed"].client_id, as_of=billed["today"])  # fmt: skip
    assert other.accuracy.empty  # no time entries: nothing checked, not 100%
