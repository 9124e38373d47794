"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the delivery tests: it keeps what it
receives, and can be told to misbehave on the next connections: refuse, answer too
late, or drop the connection after the message and before its reply.

A message counts as received only when the server answered 250 to it: what a client
that saw a failure could not know was taken is never kept, so a retry that delivers it
is one message, as on a real server that lost the connection before it queued it."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

OK = "ok"
REFUSE = "refuse"  # 451 to the message: try again later
REJECT = "reject"  # 554 to the message: a permanent no
TIMEOUT = "timeout"  # no answer to the message within the client's timeout
DROP = "drop"  # the connection closed after the message, before the reply

USER, PASSWORD = "adcensus", "s3cret-smtp-L0sen"


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class Handler:
    def __init__(self, delay_s: float) -> None:
        self.received: list[Received] = []
        self.plan: list[str] = []  # behaviours for the next messages, then OK
        self.tries = 0
        self.delay_s = delay_s
        self.lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        with self.lock:
            self.tries += 1
            mode = self.plan.pop(0) if self.plan else OK
        if mode == REFUSE:
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        if mode == REJECT:
            return "554 5.7.1 Message rejected by policy"
        if mode == TIMEOUT:
            await asyncio.sleep(self.delay_s)
            return "451 4.4.2 Too slow"
        if mode == DROP:
            session.transport.close() if hasattr(session, "transport") else None
            server.transport.close()
            return "421 4.4.2 Connection dropped"
        with self.lock:
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos),
                                          bytes(envelope.original_content or envelope.content)))
        return "250 2.0.0 OK queued"


def _authenticate(server: SMTP, session: Any, envelope: Any, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    def __init__(self, tls: str = "none", cert: Path | None = None, key: Path | None = None,
                 login: bool = False, delay_s: float = 3.0) -> None:
        self.port = free_port()
        self.handler = Handler(delay_s)
        kwargs: dict[str, Any] = {}
        if tls != "none":
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert), str(key))
            if tls == "tls":
                kwargs["ssl_context"] = context
            else:
                kwargs["tls_context"] = context
                kwargs["require_starttls"] = True
        if login:
            kwargs["authenticator"] = _authenticate
            # implicit TLS is TLS from the start; aiosmtpd 1.4 knows only STARTTLS as TLS
            kwargs["auth_require_tls"] = tls == "starttls"
            # (aiosmtpd warns when AUTH is required on a connection it does not see as TLS)
            kwargs["auth_required"] = tls == "starttls"
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     server_hostname="localhost", **kwargs)

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def misbehave(self, *modes: str) -> None:
        with self.handler.lock:
            self.handler.plan = list(modes)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
        self.controller.loop.close()  # aiosmtpd 1.4 leaves its loop (and its sockets) open


@contextmanager
def smtp_server(**kwargs: Any) -> Iterator[SmtpServer]:
    server = SmtpServer(**kwargs).start()
    try:
        yield server
    finally:
        server.stop()


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for "localhost" and 127.0.0.1, and its key: the client trusts it as
    its CA file (delivery.smtp.ca_file)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=365 * 30))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
