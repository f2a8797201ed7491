"""Outbox: idempotent enqueue, delivery to a real SMTP server, retries, never twice."""

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Notification, NotificationAttempt
from db.outbox import deliver, enqueue, release_uncertain
from notify.render import Attachment, Email
from notify.smtp import SmtpError, SmtpSettings, send

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MAIL = Email(
    subject="Renewal due",
    text="Please review.",
    html="<p>Please review.</p>",
    attachments=(Attachment("report.pdf", b"%PDF-1.4 test"),),
)


def _queue(engine, key="renewal:7:2026-12-01", to=("am@example.com",)) -> int:
    with Session(engine) as s, s.begin():
        return enqueue(
            session=s, key=key, rule="renewal_reminder", email=MAIL, recipients=list(to), now=NOW
        )


def test_enqueue_is_idempotent_per_key_and_recipient(engine):
    assert _queue(engine, to=("am@example.com", "esc@client.example")) == 2
    assert _queue(engine, to=("am@example.com", "esc@client.example")) == 0
    assert _queue(engine, to=("AM@example.com",)) == 0
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 2


def test_delivery_to_real_smtp_server_once(engine, smtp_server):
    _queue(engine)
    settings = SmtpSettings(host=smtp_server.host, port=smtp_server.port)
    first = deliver(engine=engine, settings=settings, now=NOW, send=send)
    second = deliver(engine=engine, settings=settings, now=NOW + timedelta(hours=1), send=send)
    assert (first.sent, second.sent) == (1, 0)
    assert len(smtp_server.recorder.messages) == 1
    _, rcpt, msg = smtp_server.recorder.messages[0]
    assert rcpt == ["am@example.com"] and msg["Subject"] == "Renewal due"
    assert [p.get_filename() for p in msg.iter_attachments()] == ["report.pdf"]


def test_refused_then_retried_with_backoff_and_every_attempt_recorded(engine, smtp_server):
    _queue(engine, to=("busy@example.com",))
    settings = SmtpSettings(host=smtp_server.host, port=smtp_server.port)
    r = deliver(engine=engine, settings=settings, now=NOW, send=send)
    assert (r.sent, r.retrying) == (0, 1)
    with Session(engine) as s:
        n = s.scalars(select(Notification)).one()
        assert n.status == "failed" and n.next_attempt_at == NOW + timedelta(minutes=1)
        assert "451" in n.last_error
    assert deliver(engine=engine, settings=settings, now=NOW, send=send).retrying == 0
    deliver(engine=engine, settings=settings, now=NOW + timedelta(minutes=1), send=send)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(NotificationAttempt)) == 2


def test_permanent_refusal_is_given_up(engine, smtp_server):
    _queue(engine, to=("reject@example.com",))
    settings = SmtpSettings(host=smtp_server.host, port=smtp_server.port)
    assert deliver(engine=engine, settings=settings, now=NOW, send=send).dead == 1


def test_smtp_down_keeps_message_for_retry(engine):
    _queue(engine)
    settings = SmtpSettings(host="127.0.0.1", port=1, timeout=2)
    r = deliver(engine=engine, settings=settings, now=NOW, send=send)
    assert r.retrying == 1
    with Session(engine) as s:
        assert s.scalars(select(Notification.status)).one() == "failed"


def test_crash_between_send_and_record_never_sends_twice(engine, smtp_server):
    _queue(engine)
    settings = SmtpSettings(host=smtp_server.host, port=smtp_server.port)

    def send_then_die(email, st):
        send(email, st)
        raise KeyboardInterrupt  # the runner is killed before it records the outcome

    try:
        deliver(engine=engine, settings=settings, now=NOW, send=send_then_die)
    except KeyboardInterrupt:
        pass
    for later in (NOW + timedelta(minutes=5), NOW + timedelta(hours=2)):
        deliver(engine=engine, settings=settings, now=later, send=send)
    assert len(smtp_server.recorder.messages) == 1
    with Session(engine) as s:
        n = s.scalars(select(Notification)).one()
        assert n.status == "uncertain"
        release_uncertain(session=s, notification_id=n.id, resend=False)
        s.commit()
        assert n.status == "sent"


def test_two_concurrent_runners_send_each_message_once(engine, smtp_server):
    for i in range(30):
        _queue(engine, key=f"rule:{i}")
    settings = SmtpSettings(host=smtp_server.host, port=smtp_server.port)
    barrier = threading.Barrier(2)
    results = []

    def runner(name):
        barrier.wait()
        results.append(deliver(engine=engine, settings=settings, now=NOW, send=send, runner=name))

    threads = [threading.Thread(target=runner, args=(f"r{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.sent for r in results) == 30
    assert len(smtp_server.recorder.messages) == 30
    subjects = [m[2]["Message-ID"] for m in smtp_server.recorder.messages]
    assert len(set(subjects)) == 30


def test_sender_errors_other_than_smtp_are_not_swallowed(engine):
    _queue(engine)

    def bad(email, st):
        raise SmtpError("relay said no", permanent=False, code=421)

    r = deliver(engine=engine, settings=SmtpSettings(host="x"), now=NOW, send=bad)
    assert r.retrying == 1
