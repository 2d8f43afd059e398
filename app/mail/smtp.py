"""Sending account emails through an SMTP server (SMTP_URL), with the standard library."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from anyio import to_thread

from app.mail.message import Mail

SMTP_TIMEOUT_S = 15.0
"""Longest wait for the SMTP server at each step."""
STARTTLS_PORT = 587
SMTPS_PORT = 465


class SmtpUrlError(ValueError):
    """SMTP_URL cannot be used; the message says why."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to deliver: host, port, implicit TLS or STARTTLS, optional login."""

    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpServer:
    """The server named by smtp://user:pass@host:587 or smtps://user:pass@host:465."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SmtpUrlError("SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465.")
    implicit = parts.scheme == "smtps"
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or (SMTPS_PORT if implicit else STARTTLS_PORT),
        implicit_tls=implicit,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    return message


def _deliver(server: SmtpServer, message: EmailMessage, context: ssl.SSLContext) -> None:
    client: smtplib.SMTP
    if server.implicit_tls:
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=SMTP_TIMEOUT_S, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT_S)
    with client:
        if not server.implicit_tls:
            client.starttls(context=context)  # smtp:// is always upgraded before the login
        if server.username:
            client.login(server.username, server.password or "")
        client.send_message(message)


class SmtpMailer:
    """Delivers each email to the SMTP server at once (in a worker thread), always over TLS
    whose certificate is verified (the system's roots unless a context is given)."""

    def __init__(self, server: SmtpServer, sender: str, tls: ssl.SSLContext | None = None) -> None:
        self._server = server
        self._sender = sender
        self._tls = tls or ssl.create_default_context()

    async def send(self, mail: Mail) -> None:
        """Deliver the email; raises smtplib/OSError errors when the server refuses it."""
        message = _message(mail, self._sender)
        await to_thread.run_sync(_deliver, self._server, message, self._tls)
