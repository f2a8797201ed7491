"""Policy versions (old tickets keep theirs) and SLA alerts (once per ticket/metric/threshold)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from access.roles import PermissionDenied
from db.models import AuditEntry, Notification
from db.sla.outcomes import sla_outcomes
from db.sla.policy_editor import policy_view, save_policy_version
from notify.jobs import sla_alerts
from tests.factories import ADMIN, actor
from tests.sla_integration.sla_data import NOW, build

ROWS = [
    {
        "priority": "P3",
        "service_type": "*",
        "response_minutes": 60,
        "resolution_minutes": 480,
        "calendar": "contract",
    },
]


@pytest.fixture
def store(session):
    ids = build(session)
    session.commit()
    return ids


def _targets(session, ids, ticket):
    df = sla_outcomes(session=session, now=NOW)
    row = df[df["ticket_id"] == ids[ticket]].set_index("metric")
    return row.loc["response", "target_min"], row.loc["resolution", "target_min"]


def test_new_version_applies_only_from_its_date(session, store):
    assert _targets(session, store, "T1") == (240, 2400)  # gold default (March)
    assert _targets(session, store, "T2") == (120, 960)  # version from 1 June
    save_policy_version(
        session=session,
        actor=ADMIN,
        contract_id=store["contract"],
        effective_from=date(2026, 6, 2),
        rows=ROWS,
        warning_share=0.8,
    )
    session.commit()
    assert _targets(session, store, "T2") == (120, 960)  # created 1 June: keeps its policy
    assert _targets(session, store, "T1") == (240, 2400)
    view = policy_view(session=session, actor=ADMIN, contract_id=store["contract"], now=NOW)
    assert list(view.versions["effective_from"]) == [date(2026, 6, 2), date(2026, 6, 1)]
    p3 = view.current[view.current["priority"] == "P3"].iloc[0]
    assert (p3["response_minutes"], p3["resolution_minutes"]) == (60, 480)
    assert view.warning_share == 0.8
    audit = session.scalar(select(AuditEntry).where(AuditEntry.entity == "sla_policy"))
    assert "P3 *: 60/480 contract" in audit.new_value and audit.username == "test-admin"


def test_invalid_policy_writes_nothing(session, store):
    count = session.scalar(select(func.count()).select_from(AuditEntry))
    bad = [dict(ROWS[0], response_minutes=0)]
    with pytest.raises(ValueError, match="positive"):
        save_policy_version(
            session=session,
            actor=ADMIN,
            contract_id=store["contract"],
            effective_from=date(2026, 7, 1),
            rows=bad,
            warning_share=0.75,
        )
    with pytest.raises(ValueError, match="Duplicate"):
        save_policy_version(
            session=session,
            actor=ADMIN,
            contract_id=store["contract"],
            effective_from=date(2026, 7, 1),
            rows=ROWS * 2,
            warning_share=0.75,
        )
    with pytest.raises(PermissionDenied):
        save_policy_version(
            session=session,
            actor=actor("executive"),
            contract_id=store["contract"],
            effective_from=date(2026, 7, 1),
            rows=ROWS,
            warning_share=0.75,
        )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == count


def _outbox(session):
    return sorted(session.scalars(select(Notification.key)).all())


def test_alerts_once_per_ticket_metric_threshold(engine, session, store):
    # T2 and T3 breached hours before this first run: a backlog, listed in each recipient's
    # digest with T4's warning, not one message each
    assert sla_alerts.run(engine, NOW).startswith(
        "2 SLA alert(s) queued: 0 breach alert(s), 2 digest(s) listing 8 warning(s)"
    )
    keys = _outbox(session)
    assert sorted(keys) == sorted(
        f"sla-digest:2026-06-08T14:00Z:{who}|{who}"
        for who in ("am@example.com", "esme@acme.example")
    )
    assert sla_alerts.run(engine, NOW).startswith("0 SLA alert(s) queued")
    later = NOW + timedelta(minutes=30)  # T4 response now breached: fresh, so sent at once
    session.rollback()
    assert sla_alerts.run(engine, later).startswith("2 SLA alert(s) queued: 2 breach")
    t4 = store["T4"]
    assert {k for k in _outbox(session) if k.startswith(f"sla:{t4}:response:breach")}
    assert sla_alerts.run(engine, later).startswith("0 SLA alert(s) queued")


def test_opted_out_client_gets_no_alert(engine, session, store):
    from db.models import Client

    session.get(Client, store["client"]).email_opt_out = True
    session.commit()
    sla_alerts.run(engine, NOW)
    assert all("esme@" not in k for k in _outbox(session))
    assert any("am@example.com" in k for k in _outbox(session))
