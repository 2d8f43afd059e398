"""A small real SMTP receiver for tests: EHLO, STARTTLS or implicit TLS, AUTH PLAIN/LOGIN,
MAIL, RCPT, DATA, QUIT, over asyncio streams in a background thread.

It speaks enough of RFC 5321 for Python's smtplib, and keeps what it received (envelope,
message bytes, login, whether TLS was on) for the test to check.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"
CERT_DAYS = 2


@dataclass
class Received:
    """One delivered message."""

    sender: str
    recipients: list[str]
    data: bytes
    login: tuple[str, str] | None
    tls: bool


@dataclass
class Receiver:
    """The running server: its port, a client TLS context trusting it, what it received."""

    port: int
    client_tls: ssl.SSLContext
    messages: list[Received] = field(default_factory=list)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CERT_DAYS))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Session:
    def __init__(
        self,
        receiver: Receiver,
        server_tls: ssl.SSLContext,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        tls: bool,
    ) -> None:
        self.receiver, self.server_tls = receiver, server_tls
        self.reader, self.writer, self.tls = reader, writer, tls
        self.sender = ""
        self.recipients: list[str] = []
        self.login: tuple[str, str] | None = None

    async def reply(self, line: str) -> None:
        self.writer.write(f"{line}\r\n".encode())
        await self.writer.drain()

    async def line(self) -> str:
        return (await self.reader.readline()).decode().rstrip("\r\n")

    async def run(self) -> None:
        await self.reply("220 test SMTP ready")
        while True:
            line = await self.line()
            if not line and self.reader.at_eof():
                return
            verb = line.split(" ", 1)[0].upper()
            argument = line[len(verb) :].strip()
            if verb in ("EHLO", "HELO"):
                extras = [] if self.tls else ["250-STARTTLS"]
                for extra in ["250-test.local", *extras, "250-AUTH PLAIN LOGIN"]:
                    await self.reply(extra)
                await self.reply("250 OK")
            elif verb == "STARTTLS" and not self.tls:
                await self.reply("220 go ahead")
                await self.writer.start_tls(self.server_tls)
                self.tls = True
            elif verb == "AUTH":
                await self.auth(argument)
            elif verb == "MAIL":
                self.sender, self.recipients = argument.split(":", 1)[1].strip(" <>"), []
                await self.reply("250 OK")
            elif verb == "RCPT":
                self.recipients.append(argument.split(":", 1)[1].strip(" <>"))
                await self.reply("250 OK")
            elif verb == "DATA":
                await self.data()
            elif verb == "QUIT":
                await self.reply("221 bye")
                return
            else:
                await self.reply("250 OK")

    async def auth(self, argument: str) -> None:
        mechanism, _, initial = argument.partition(" ")
        if mechanism.upper() == "PLAIN":
            if not initial:
                await self.reply("334 ")
                initial = await self.line()
            _, user, password = base64.b64decode(initial).decode().split("\0")
        else:
            await self.reply("334 " + base64.b64encode(b"Username:").decode())
            user = base64.b64decode(await self.line()).decode()
            await self.reply("334 " + base64.b64encode(b"Password:").decode())
            password = base64.b64decode(await self.line()).decode()
        self.login = (user, password)
        await self.reply("235 authenticated")

    async def data(self) -> None:
        await self.reply("354 end with <CRLF>.<CRLF>")
        lines: list[bytes] = []
        while True:
            raw = await self.reader.readline()
            if raw in (b".\r\n", b".\n", b""):
                break
            lines.append(raw[1:] if raw.startswith(b"..") else raw)
        self.receiver.messages.append(
            Received(self.sender, list(self.recipients), b"".join(lines), self.login, self.tls)
        )
        await self.reply("250 queued")


@contextmanager
def smtp_receiver(folder: Path, implicit_tls: bool = False) -> Iterator[Receiver]:
    """A receiver on a free loopback port: STARTTLS offered, or TLS from the first byte."""
    cert_path, key_path = _self_signed(folder)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_path, key_path)
    client_tls = ssl.create_default_context(cafile=str(cert_path))
    loop = asyncio.new_event_loop()
    receiver = Receiver(port=0, client_tls=client_tls)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await _Session(receiver, server_tls, reader, writer, implicit_tls).run()
        finally:
            writer.close()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    starting = asyncio.run_coroutine_threadsafe(
        asyncio.start_server(handle, HOST, 0, ssl=server_tls if implicit_tls else None), loop
    )
    server = starting.result(timeout=10)
    receiver.port = server.sockets[0].getsockname()[1]
    try:
        yield receiver
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
