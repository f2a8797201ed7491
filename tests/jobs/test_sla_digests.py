"""SLA digests through a real SMTP server (aiosmtpd on port 8651): one digest per recipient
per interval listing every waiting warning, a breach in its own message at once, the next
interval lists only new warnings, a rerun in the same interval sends nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from db.engine import session_scope
from db.models import Contact, Notification, SlaAlertItem, Ticket, User
from db.outbox import deliver
from notify.jobs.sla_alerts import digest_interval, interval_start, queue_alerts
from notify.smtp import SmtpSettings, send
from tests.factories import make_contract
from tests.notify.conftest import Recorder

PORT = 8651
NOW = datetime(2026, 6, 8, 14, 5, tzinfo=UTC)  # the 14:00-15:00 UTC interval
HOUR = timedelta(minutes=60)


@pytest.fixture
def smtp() -> Iterator[Recorder]:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=PORT)
    controller.start()
    try:
        yield recorder
    finally:
        controller.stop()


def _store(engine) -> dict[str, int]:
    """Gold P1 tickets (answered, 480 min resolution, 24x7) on two contracts of one manager;
    Beta also has a level-1 escalation contact."""
    with session_scope(engine) as s:
        am = User(username="am", display_name="AM", email="am@example.com", role="manager",
                  password_hash="x")  # fmt: skip
        s.add(am)
        s.flush()
        _, acme = make_contract(s, name="Acme")
        beta_client, beta = make_contract(s, name="Beta", reference="C-2")
        acme.account_manager_id = beta.account_manager_id = am.id
        s.add(Contact(client_id=beta_client.id, name="Eve", email="eve@beta.example",
                      is_escalation=True, escalation_level=1))  # fmt: skip
        s.flush()
        return {"acme": acme.id, "beta": beta.id, "acme_client": acme.client_id,
                "beta_client": beta.client_id}  # fmt: skip


def _ticket(engine, ids, ref: str, created: datetime, contract: str = "acme") -> None:
    with session_scope(engine) as s:
        s.add(Ticket(source="test", external_id=ref, client_id=ids[f"{contract}_client"],
                     contract_id=ids[contract], service_type="network", priority="P1",
                     status="open", created_at=created,
                     first_response_at=created + timedelta(minutes=5)))  # fmt: skip


def _run(engine, now: datetime) -> str:
    with session_scope(engine) as s:
        queued = queue_alerts(session=s, now=now, interval=HOUR)
    deliver(engine=engine, settings=SmtpSettings(host="127.0.0.1", port=PORT), now=now,
            send=send)  # fmt: skip
    return str(queued)


def _received(smtp: Recorder, since: int = 0) -> list[tuple[str, str, str]]:
    """(recipient, subject, text body) of each message the server accepted."""
    out = []
    for _, rcpts, msg in smtp.messages[since:]:
        body = msg.get_body(preferencelist=("plain",)).get_content()
        out.extend((r, msg["Subject"], body) for r in rcpts)
    return sorted(out)


def test_one_digest_per_recipient_breach_at_once_next_interval_only_new(engine, smtp):
    ids = _store(engine)
    for ref in ("W1", "W2", "W3"):  # 400 of 480 min: past the 75% share, not breached
        _ticket(engine, ids, ref, NOW - timedelta(minutes=400))
    _ticket(engine, ids, "W4", NOW - timedelta(minutes=400), contract="beta")
    _ticket(engine, ids, "B1", NOW - timedelta(minutes=500))  # breached

    summary = _run(engine, NOW)
    assert summary.startswith("3 SLA alert(s) queued: 1 breach alert(s), 2 digest(s)")
    got = _received(smtp)
    assert len(got) == 3  # not one per ticket: 5 alerts to am, 1 to eve
    am = [g for g in got if g[0] == "am@example.com"]
    [breach] = [g for g in am if "1 breached" in g[1]]
    assert breach[1] == "[SLA] Acme (C-1): 1 breached, 0 at risk"
    assert "SLA breached: Acme - contract C-1." in breach[2] and "B1" in breach[2]
    [digest] = [g for g in am if g is not breach]
    assert digest[1] == "[SLA] Acme (C-1), Beta (C-2): 0 breached, 4 at risk"
    for ref in ("W1", "W2", "W3", "W4"):
        assert f"P1 {ref} " in digest[2]
    assert "B1" not in digest[2]
    [eve] = [g for g in got if g[0] == "eve@beta.example"]
    assert eve[1] == "[SLA] Beta (C-2): 0 breached, 1 at risk" and "W4" in eve[2]
    [acme_breach] = [g for g in got if g[0] == "am@example.com" and "B1" in g[2]]
    assert acme_breach == breach

    # Same interval: a rerun sends nothing; a new warning waits for the next interval,
    # a warning that breaches before its digest goes as a breach only.
    assert _run(engine, NOW).startswith("0 SLA alert(s) queued")
    later = NOW + timedelta(minutes=10)
    _ticket(engine, ids, "W5", later - timedelta(minutes=370))
    _ticket(engine, ids, "W6", later - timedelta(minutes=470))  # breaches in 10 min
    assert _run(engine, later).endswith("2 warning(s) wait for the next digest")
    assert len(smtp.messages) == 3

    nxt = NOW + HOUR
    seen = len(smtp.messages)
    assert _run(engine, nxt).startswith("2 SLA alert(s) queued: 1 breach alert(s), 1 digest(s)")
    new = _received(smtp, seen)
    assert len(new) == 2
    [digest2] = [g for g in new if "0 breached" in g[1]]
    assert digest2[1] == "[SLA] Acme (C-1): 0 breached, 1 at risk"
    assert "W5" in digest2[2]
    assert all(f"P1 {r} " not in digest2[2] for r in ("W1", "W2", "W3", "W4", "W6"))
    [breach2] = [g for g in new if g is not digest2]
    assert "W6" in breach2[2] and "1 breached" in breach2[1]
    assert _run(engine, nxt).startswith("0 SLA alert(s) queued")
    assert len(smtp.messages) == seen + 2

    with session_scope(engine) as s:
        items = s.scalars(select(SlaAlertItem)).all()
        rules = sorted(s.scalars(select(Notification.rule)).all())
    by_ref = {(i.detail["ref"], i.threshold, i.recipient): i for i in items}
    assert by_ref[("W6", "warning", "am@example.com")].superseded  # never sent as a warning
    assert by_ref[("W6", "warning", "am@example.com")].notification_id is None
    assert all(i.notification_id for i in items if not i.superseded)
    assert rules == ["sla_breach_alert"] * 2 + ["sla_breach_warning"] * 3


def test_digest_interval_setting():
    assert digest_interval({}) == HOUR
    assert digest_interval({"SLA_DIGEST_MINUTES": "15"}) == timedelta(minutes=15)
    for bad in ("0", "abc", "-5", "20000"):
        with pytest.raises(ValueError, match="SLA_DIGEST_MINUTES"):
            digest_interval({"SLA_DIGEST_MINUTES": bad})
    assert interval_start(NOW, HOUR) == datetime(2026, 6, 8, 14, 0, tzinfo=UTC)


def test_alerts_sent_singly_before_the_upgrade_are_not_sent_again(engine, smtp):
    from db.outbox import enqueue
    from notify.render import Email

    ids = _store(engine)
    _ticket(engine, ids, "W1", NOW - timedelta(minutes=400))
    with session_scope(engine) as s:
        tid = s.scalar(select(Ticket.id).where(Ticket.external_id == "W1"))
        old = Email(subject="[SLA] old single alert", text="t", html="")
        enqueue(session=s, key=f"sla:{tid}:resolution:warning", rule="sla_breach_warning",
                email=old, recipients=["am@example.com"], now=NOW)  # fmt: skip
    assert _run(engine, NOW).startswith("0 SLA alert(s) queued: 0 breach alert(s), 0 digest")
    assert [(g[0], g[1]) for g in _received(smtp)] == [("am@example.com", "[SLA] old single alert")]
    with session_scope(engine) as s:
        [item] = s.scalars(select(SlaAlertItem)).all()
        assert item.notification_id is not None and not item.superseded


def test_a_backlog_of_old_breaches_goes_in_the_digest_not_one_message_each(engine, smtp):
    """A first run over tickets that breached hours ago (the demo's first day, an import)
    sends one digest, not one alert per ticket; a breach of the last interval still
    goes at once."""
    ids = _store(engine)
    for ref in ("OLD1", "OLD2", "OLD3"):  # breached 220 min ago: older than the interval
        _ticket(engine, ids, ref, NOW - timedelta(minutes=700))
    _ticket(engine, ids, "NEW1", NOW - timedelta(minutes=500))  # breached 20 min ago
    summary = _run(engine, NOW)
    assert summary.startswith("2 SLA alert(s) queued: 1 breach alert(s), 1 digest(s)")
    am = [g for g in _received(smtp) if g[0] == "am@example.com"]
    [digest] = [g for g in am if "3 breached" in g[1]]
    assert all(ref in digest[2] for ref in ("OLD1", "OLD2", "OLD3")) and "NEW1" not in digest[2]
    [alert] = [g for g in am if g is not digest]
    assert "NEW1" in alert[2] and "SLA breached" in alert[2]
