"""One message to one SMTP server with the standard library: STARTTLS, implicit TLS, or
plain for a relay on this machine; a login when a username is configured.

Every failure becomes a ``SendError`` whose reason is what a person needs to act on:
the server's code and text, a refused or dropped connection, a timeout. The password is
given to smtplib and to nothing else; no reason can hold it (smtplib's errors carry the
server's replies, never what the client sent).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from email.message import EmailMessage

from crawler.delivery.settings import SmtpSection


class SendError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def send(message: EmailMessage, sender: str, recipients: Sequence[str], smtp: SmtpSection,
         password: str | None) -> dict[str, str]:
    """Send ``message``; returns the addresses the server refused (with its reply) while
    it took the message for the others. Raises SendError when nobody got it."""
    where = f"{smtp.host}:{smtp.port}"
    try:
        with _connect(smtp) as client:
            if smtp.security == "starttls":
                client.starttls(context=_context(smtp))
            if smtp.username is not None:
                client.login(smtp.username, password or "")
            refused = client.send_message(message, from_addr=sender, to_addrs=list(recipients))
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(f"{where} refused every recipient: "
                        + "; ".join(_reply(code, text) for code, text in exc.recipients.values())
                        ) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"{where} refused the login of {smtp.username!r}: "
                        f"{_reply(exc.smtp_code, exc.smtp_error)}") from None
    except smtplib.SMTPResponseException as exc:
        raise SendError(f"{where} answered {_reply(exc.smtp_code, exc.smtp_error)}") from None
    except (TimeoutError, socket.timeout):
        raise SendError(_too_slow(where, smtp)) from None
    except smtplib.SMTPServerDisconnected as exc:
        if "timed out" in str(exc):  # smtplib reports a read timeout as a disconnection
            raise SendError(_too_slow(where, smtp)) from None
        raise SendError(f"{where} closed the connection before the message was taken"
                        + (f" ({exc})" if str(exc) else "")) from None
    except ConnectionRefusedError:
        raise SendError(f"{where} refused the connection (is the server running, is the "
                        "port right?)") from None
    except ssl.SSLError as exc:
        raise SendError(f"{where}: TLS failed ({exc.reason or type(exc).__name__})") from None
    except UnicodeEncodeError:
        # smtplib sends AUTH PLAIN/LOGIN as ASCII only
        raise SendError(f"{where}: the username or password holds a character that is not "
                        "ASCII, which smtplib cannot send in a login") from None
    except smtplib.SMTPException as exc:
        raise SendError(f"{where}: {type(exc).__name__}: {exc}") from None
    except OSError as exc:
        raise SendError(f"{where}: {exc.strerror or type(exc).__name__}") from None
    return {address: _reply(code, text) for address, (code, text) in refused.items()}


def _too_slow(where: str, smtp: SmtpSection) -> str:
    return f"{where} did not answer within {smtp.timeout_s:g} s (delivery.smtp.timeout_s)"


def _connect(smtp: SmtpSection) -> smtplib.SMTP:
    if smtp.security == "tls":
        return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_s,
                                context=_context(smtp))
    return smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)


def _context(smtp: SmtpSection) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=smtp.ca_file)


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"
