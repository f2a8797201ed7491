"""Gap alerts: one per gap key and recipient, never twice; a new lapse is a new alert."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from access.roles import SYSTEM
from db.compliance.alerts import enqueue_gap_alerts
from db.models import Notification, User
from notify.jobs import compliance_gaps
from tests.compliance_integration.conftest import ON, credential, indemnity

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def alerts(session):
    return session.scalars(select(Notification).order_by(Notification.id)).all()


def test_each_gap_is_alerted_once_to_the_account_manager(session, world):
    indemnity(session, ON + timedelta(days=30))
    assert enqueue_gap_alerts(session=session, actor=SYSTEM, now=NOW) == (2, 2)
    assert enqueue_gap_alerts(session=session, actor=SYSTEM, now=NOW + timedelta(days=1)) == (2, 0)
    rows = alerts(session)
    assert {r.recipient for r in rows} == {"ann@example.com"}
    assert {r.rule for r in rows} == {"compliance_gap_alert"}
    assert all(r.contract_id == world["contract"].id for r in rows)
    subjects = sorted(r.subject for r in rows)
    assert subjects[0].startswith("[Compliance] Acme Dental (C-1): 1 gap from")
    body = next(r.body_text for r in rows if "indemnity" in r.body_text)
    assert (
        "(company): not met from" in body and "expires on 2026-12-24" in body
    )  # first day not valid


def test_renewal_then_new_lapse_is_a_new_alert(session, world):
    indemnity(session, date(2030, 1, 1))
    cred = credential(session, world["tech"], "DBS check", ON + timedelta(days=20))
    assert enqueue_gap_alerts(session=session, actor=SYSTEM, now=NOW) == (1, 1)
    cred.expires_on = ON + timedelta(days=40)  # renewed: the gap moves, a new key
    session.flush()
    assert enqueue_gap_alerts(session=session, actor=SYSTEM, now=NOW) == (1, 1)
    assert len(alerts(session)) == 2


def test_without_an_account_manager_the_admins_are_alerted(session, world):
    world["contract"].account_manager_id = None
    session.add(
        User(
            username="boss",
            display_name="Boss",
            email="boss@example.com",
            role="admin",
            password_hash="x",
        )
    )
    session.flush()
    enqueue_gap_alerts(session=session, actor=SYSTEM, now=NOW)
    assert {r.recipient for r in alerts(session)} == {"boss@example.com"}


def test_job_runs_twice_and_queues_once(engine, session, world):
    session.commit()
    first = compliance_gaps.run(engine, NOW)
    second = compliance_gaps.run(engine, NOW + timedelta(hours=24))
    assert first == "2 gaps within 60 days, 2 new alerts queued"
    assert second == "2 gaps within 60 days, 0 new alerts queued"
