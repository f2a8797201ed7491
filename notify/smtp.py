"""Send a rendered :class:`notify.render.Email` over SMTP (smtplib).

Every failure leaves as :class:`SmtpError` with a sentence a person can act on and a
``permanent`` flag for the outbox: 5xx replies, refused authentication, a server without
STARTTLS when we require it, or a certificate we do not trust will not fix themselves
(mark the notification dead); 4xx replies, timeouts and dropped connections are worth a
retry (see :mod:`notify.backoff`). A message refused for some recipients and accepted for
others is also an error: the outbox records it rather than reporting success.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from notify.render import Email


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    sender: str = "contract-desk@localhost"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False  # upgrade the plain connection (port 587)
    use_ssl: bool = False  # implicit TLS from the first byte (port 465)
    timeout: float = 10.0
    ca_file: str | None = None  # trust a private CA (internal relays, tests)

    def __post_init__(self) -> None:
        if self.starttls and self.use_ssl:
            raise ValueError("choose STARTTLS or implicit TLS, not both")
        if not 0 < self.port < 65536:
            raise ValueError(f"invalid SMTP port {self.port}")
        if self.timeout <= 0:
            raise ValueError("the SMTP timeout must be positive")
        if (self.username is None) != (self.password is None):
            raise ValueError("give both username and password, or neither")


class SmtpError(Exception):
    """A send that did not fully succeed; ``permanent`` says whether to stop retrying."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        code: int | None = None,
        refused: dict[str, tuple[int, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code
        self.refused = refused or {}


def build_message(email: Email, settings: SmtpSettings, *, now: datetime) -> EmailMessage:
    """The MIME message: text with an HTML alternative, then the attachments."""
    if not email.to:
        raise SmtpError("the message has no recipients", permanent=True)
    msg = EmailMessage()
    msg["Subject"] = email.subject
    msg["From"] = settings.sender
    msg["To"] = ", ".join(email.to)
    if email.cc:
        msg["Cc"] = ", ".join(email.cc)
    if email.reply_to:
        msg["Reply-To"] = email.reply_to
    msg["Date"] = format_datetime(now.astimezone(UTC))
    msg["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    msg.set_content(email.text)
    if email.html:
        msg.add_alternative(email.html, subtype="html")
    for item in email.attachments:
        maintype, _, subtype = item.mime_type.partition("/")
        msg.add_attachment(
            item.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=item.filename,
        )
    return msg


def _reply(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"


def send(message: Email, settings: SmtpSettings, *, now: datetime | None = None) -> str:
    """Deliver ``message`` to its recipients; returns its Message-ID."""
    msg = build_message(message, settings, now=now or datetime.now(UTC))
    context = ssl.create_default_context(cafile=settings.ca_file)
    where = f"{settings.host}:{settings.port}"
    step = "connect"
    try:
        if settings.use_ssl:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.starttls:
                step = "STARTTLS"
                client.starttls(context=context)
            if settings.username is not None:
                step = "AUTH"
                client.login(settings.username, settings.password or "")
            step = "send"
            refused = client.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        raise _refused(exc.recipients, where) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise SmtpError(
            f"SMTP server {where} refused the login for {settings.username!r}: "
            f"{_reply(exc.smtp_code, exc.smtp_error)}",
            permanent=True,
            code=exc.smtp_code,
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise SmtpError(f"SMTP server {where} does not support {step}", permanent=True) from exc
    except smtplib.SMTPResponseException as exc:
        what = {
            smtplib.SMTPConnectError: "the connection",
            smtplib.SMTPSenderRefused: f"the sender {settings.sender!r}",
        }.get(type(exc), "the message")
        raise SmtpError(
            f"SMTP server {where} refused {what}: {_reply(exc.smtp_code, exc.smtp_error)}",
            permanent=exc.smtp_code >= 500,
            code=exc.smtp_code,
        ) from exc
    except ssl.SSLError as exc:
        raise SmtpError(f"TLS with SMTP server {where} failed: {exc}", permanent=True) from exc
    except OSError as exc:  # refused connection, timeout, dropped connection
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, TimeoutError) or "timed out" in reason:
            reason = "timed out"
        raise SmtpError(
            f"could not talk to SMTP server {where} ({step}): {reason}", permanent=False
        ) from exc
    if refused:
        raise _refused(refused, where)
    return str(msg["Message-ID"])


def _refused(recipients: dict[str, tuple[int, bytes]], where: str) -> SmtpError:
    replies = {r: (code, _reply(code, text)) for r, (code, text) in recipients.items()}
    listing = "; ".join(f"{r}: {reply}" for r, (_, reply) in sorted(replies.items()))
    return SmtpError(
        f"SMTP server {where} refused recipient(s): {listing}",
        permanent=all(code >= 500 for code, _ in replies.values()),
        code=max(code for code, _ in replies.values()),
        refused=replies,
    )
