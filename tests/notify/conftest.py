"""Real SMTP servers on localhost (aiosmtpd): plain, STARTTLS with login, implicit TLS.

The recorder refuses recipients starting with ``reject`` (550) and ``busy`` (451), so
tests can see permanent and transient refusals from a real server. TLS uses a
self-signed certificate for 127.0.0.1 made once per session; clients trust it through
``SmtpSettings.ca_file``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"
LOGIN, PASSWORD = "desk", "s3cret"


@dataclass
class Recorder:
    """aiosmtpd handler that keeps what it accepts."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 No such user here"
        if address.startswith("busy"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@dataclass
class Server:
    host: str
    port: int
    recorder: Recorder
    ca_file: str | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = auth_data.login == LOGIN.encode() and auth_data.password == PASSWORD.encode()
    # handled=False: let aiosmtpd answer 535 itself (the default waits for us to reply).
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """(cert, key) PEM files of a self-signed certificate for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "contract-desk test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, certificate))
    return context


@contextmanager
def _run(**kwargs) -> Iterator[Server]:
    recorder = Recorder()
    controller = Controller(recorder, hostname=HOST, port=free_port(), **kwargs)
    controller.start()
    try:
        yield Server(HOST, controller.port, recorder)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    """Plain SMTP, no TLS, no login."""
    with _run() as server:
        yield server


@pytest.fixture
def starttls_server(certificate) -> Iterator[Server]:
    """STARTTLS required before MAIL; login required (only after TLS)."""
    with _run(
        tls_context=_server_context(certificate),
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=True,
    ) as server:
        server.ca_file = str(certificate[0])
        yield server


@pytest.fixture
def tls_server(certificate) -> Iterator[Server]:
    """Implicit TLS from the first byte (what port 465 speaks)."""
    with _run(ssl_context=_server_context(certificate)) as server:
        server.ca_file = str(certificate[0])
        yield server


@pytest.fixture
def silent_server() -> Iterator[tuple[str, int]]:
    """Accepts TCP connections and never says a word: the client must time out."""
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen(4)
        yield HOST, listener.getsockname()[1]
