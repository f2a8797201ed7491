"""Sending through real aiosmtpd servers on localhost: success, refusals, TLS, timeouts."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from notify.render import Attachment, Email
from notify.smtp import SmtpError, SmtpSettings, send

from .conftest import LOGIN, PASSWORD

NOW = datetime(2025, 6, 16, 7, 30, tzinfo=UTC)
MAIL = Email(
    subject="[Renewal] Acme (C-1): proposal, 45 days to 2025-07-30",
    text="Hello Ann,\nplain text body\n",
    html="<p>Hello Ann,</p>",
    attachments=(Attachment("report.pdf", b"%PDF-1.4 fake", "application/pdf"),),
    to=("ann@example.com",),
    cc=("boss@example.com",),
    reply_to="desk@example.com",
)


def settings_for(server, **changes) -> SmtpSettings:
    return SmtpSettings(host=server.host, port=server.port, sender="desk@example.com", **changes)


def test_send_delivers_text_html_and_attachment(smtp_server):
    message_id = send(MAIL, settings_for(smtp_server), now=NOW)
    [(sender, recipients, msg)] = smtp_server.recorder.messages
    assert sender == "desk@example.com"
    assert recipients == ["ann@example.com", "boss@example.com"]
    assert msg["Subject"] == MAIL.subject
    assert msg["Message-ID"] == message_id
    assert message_id.endswith("@example.com>")
    assert msg["Date"] == "Mon, 16 Jun 2025 07:30:00 +0000"
    assert msg["Reply-To"] == "desk@example.com"
    assert msg.get_body(("plain",)).get_content().splitlines() == ["Hello Ann,", "plain text body"]
    assert msg.get_body(("html",)).get_content().splitlines() == ["<p>Hello Ann,</p>"]
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "report.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.4 fake"


def test_refused_recipient_is_a_permanent_error(smtp_server):
    mail = replace(MAIL, to=("reject@example.com",), cc=())
    with pytest.raises(SmtpError) as caught:
        send(mail, settings_for(smtp_server), now=NOW)
    error = caught.value
    assert error.permanent is True
    assert error.code == 550
    assert str(error) == (
        f"SMTP server {smtp_server.host}:{smtp_server.port} refused recipient(s): "
        "reject@example.com: 550 5.1.1 No such user here"
    )
    assert smtp_server.recorder.messages == []


def test_busy_mailbox_is_a_transient_error(smtp_server):
    mail = replace(MAIL, to=("busy@example.com",), cc=())
    with pytest.raises(SmtpError) as caught:
        send(mail, settings_for(smtp_server), now=NOW)
    assert (caught.value.permanent, caught.value.code) == (False, 451)


def test_partial_refusal_is_reported_not_hidden(smtp_server):
    mail = replace(MAIL, to=("ann@example.com", "reject@example.com"), cc=())
    with pytest.raises(SmtpError) as caught:
        send(mail, settings_for(smtp_server), now=NOW)
    assert caught.value.refused == {
        "reject@example.com": (550, "550 5.1.1 No such user here"),
    }
    [(_, recipients, _)] = smtp_server.recorder.messages
    assert recipients == ["ann@example.com"]


def test_no_recipients_is_refused_before_connecting():
    with pytest.raises(SmtpError, match="no recipients"):
        send(replace(MAIL, to=(), cc=()), SmtpSettings(host="127.0.0.1", port=9), now=NOW)


def test_starttls_and_login(starttls_server):
    settings = settings_for(
        starttls_server,
        starttls=True,
        username=LOGIN,
        password=PASSWORD,
        ca_file=starttls_server.ca_file,
    )
    send(MAIL, settings, now=NOW)
    assert len(starttls_server.recorder.messages) == 1


def test_wrong_password_is_a_clear_permanent_error(starttls_server):
    settings = settings_for(
        starttls_server,
        starttls=True,
        username=LOGIN,
        password="wrong",
        ca_file=starttls_server.ca_file,
    )
    with pytest.raises(SmtpError) as caught:
        send(MAIL, settings, now=NOW)
    assert caught.value.permanent is True
    assert caught.value.code == 535
    assert "refused the login for 'desk'" in str(caught.value)


def test_server_requiring_starttls_refuses_plain_mail(starttls_server):
    with pytest.raises(SmtpError) as caught:
        send(MAIL, settings_for(starttls_server), now=NOW)
    assert caught.value.permanent is True
    assert caught.value.code == 530
    assert "refused the sender 'desk@example.com': 530" in str(caught.value)


def test_untrusted_certificate_fails_permanently(starttls_server):
    settings = settings_for(starttls_server, starttls=True, username=LOGIN, password=PASSWORD)
    with pytest.raises(SmtpError) as caught:
        send(MAIL, settings, now=NOW)
    assert caught.value.permanent is True
    assert "TLS with SMTP server" in str(caught.value)
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)


def test_starttls_on_a_server_without_it(smtp_server):
    with pytest.raises(SmtpError) as caught:
        send(MAIL, settings_for(smtp_server, starttls=True), now=NOW)
    assert caught.value.permanent is True
    assert str(caught.value).endswith("does not support STARTTLS")


def test_implicit_tls(tls_server):
    send(MAIL, settings_for(tls_server, use_ssl=True, ca_file=tls_server.ca_file), now=NOW)
    assert len(tls_server.recorder.messages) == 1


def test_timeout_is_transient(silent_server):
    host, port = silent_server
    with pytest.raises(SmtpError) as caught:
        send(MAIL, SmtpSettings(host=host, port=port, timeout=0.3), now=NOW)
    assert caught.value.permanent is False
    assert str(caught.value) == f"could not talk to SMTP server {host}:{port} (connect): timed out"


def test_connection_refused_is_transient():
    from .conftest import free_port

    port = free_port()  # nothing listens there
    with pytest.raises(SmtpError) as caught:
        send(MAIL, SmtpSettings(host="127.0.0.1", port=port, timeout=2), now=NOW)
    assert caught.value.permanent is False
    assert "Connection refused" in str(caught.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"starttls": True, "use_ssl": True},
        {"port": 0},
        {"timeout": 0},
        {"username": "only-user"},
    ],
)
def test_settings_are_validated(kwargs):
    with pytest.raises(ValueError):
        SmtpSettings(host="localhost", **kwargs)


def test_password_is_not_in_repr():
    assert "s3cret" not in repr(SmtpSettings(host="h", username="u", password="s3cret"))
