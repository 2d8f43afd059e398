"""Account emails reach a real SMTP server: STARTTLS on smtp://, TLS on smtps://, a login,
and sign-up sends through it when SMTP_URL is set."""

from __future__ import annotations

import ssl
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from app.context import AppContext
from app.mail.message import Mail, MailKind
from app.mail.smtp import SmtpMailer, SmtpUrlError, parse_smtp_url
from db.models import OutboxEmail
from tests.support.accounts import PASSWORD
from tests.support.smtp_server import smtp_receiver

SENDER = "AI Film Studio <no-reply@studio.test>"


def _mail() -> Mail:
    return Mail(
        "owner@example.com",
        "Reset your password",
        "Open https://x/y?token=t",
        MailKind.PASSWORD_RESET,
    )


@pytest.mark.parametrize("scheme", ["smtp", "smtps"])
async def test_delivers_over_tls_with_a_login(tmp_path: Path, scheme: str) -> None:
    with smtp_receiver(tmp_path, implicit_tls=scheme == "smtps") as receiver:
        server = parse_smtp_url(f"{scheme}://mailer%40studio:p%3Ass@127.0.0.1:{receiver.port}")
        await SmtpMailer(server, SENDER, tls=receiver.client_tls).send(_mail())
    [received] = receiver.messages
    assert received.tls, "the message travelled in clear text"
    assert received.login == ("mailer@studio", "p:ss")
    assert received.recipients == ["owner@example.com"]
    assert received.sender == "no-reply@studio.test"
    message = message_from_bytes(received.data, policy=default)
    assert message["Subject"] == "Reset your password"
    assert message["From"] == SENDER
    assert "https://x/y?token=t" in message.get_content()


async def test_refuses_a_server_whose_certificate_is_not_trusted(tmp_path: Path) -> None:
    with smtp_receiver(tmp_path) as receiver:
        server = parse_smtp_url(f"smtp://127.0.0.1:{receiver.port}")
        with pytest.raises(ssl.SSLCertVerificationError):
            await SmtpMailer(server, SENDER).send(_mail())
    assert receiver.messages == []


def test_reads_smtp_urls() -> None:
    plain = parse_smtp_url("smtp://mail.example.com")
    assert (plain.port, plain.implicit_tls, plain.username) == (587, False, None)
    assert parse_smtp_url("smtps://u:p@mail.example.com").port == 465
    with pytest.raises(SmtpUrlError):
        parse_smtp_url("http://mail.example.com")


async def test_sign_up_emails_go_through_smtp_after_the_answer(
    client: httpx.AsyncClient,
    context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with smtp_receiver(tmp_path) as receiver:
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "smtp.crt"))  # trust the receiver
        monkeypatch.setattr(context.settings, "email_confirmation", True)
        monkeypatch.setattr(context.settings, "smtp_url", f"smtp://127.0.0.1:{receiver.port}")
        email = "smtp-owner@example.com"
        body = {"name": "Owner", "email": email, "password": PASSWORD}
        for _ in range(2):  # new, then known (still pending: its link is sent again)
            answer = await client.post("/api/users/register", json=body)
            assert answer.status_code == 201, answer.text
    subjects = [message_from_bytes(m.data, policy=default)["Subject"] for m in receiver.messages]
    assert subjects == [
        "Confirm your email for AI Film Studio",
        "Confirm your email for AI Film Studio",
    ]
    assert all(m.recipients == [email] and m.tls for m in receiver.messages)
    async with context.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxEmail)) == 0
