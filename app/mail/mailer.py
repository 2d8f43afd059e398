"""The Mailer protocol and the one a request uses: SMTP when SMTP_URL is set, else the outbox."""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.background import BackgroundTasks

from app.config import Environment, Settings
from app.mail.message import Mail
from app.mail.outbox import OutboxMailer
from app.mail.smtp import SmtpMailer, parse_smtp_url

logger = logging.getLogger(__name__)


class Mailer(Protocol):
    """Something that sends account emails."""

    async def send(self, mail: Mail) -> None:
        """Send (or keep) one email."""
        ...


def mailer_for(settings: Settings, session: AsyncSession) -> Mailer:
    """SMTP delivery when SMTP_URL is set; otherwise the outbox, in this session."""
    if settings.smtp_url:
        return SmtpMailer(parse_smtp_url(settings.smtp_url), settings.mail_from)
    return OutboxMailer(session, log_body=settings.environment is Environment.DEVELOPMENT)


async def send_quietly(mailer: Mailer, mail: Mail) -> None:
    """Send, logging a failure instead of raising: the answer must not tell whether an email
    went out (the person can ask again), and a down mail server must not fail sign-up."""
    try:
        await mailer.send(mail)
    except (OSError, ValueError) as error:  # smtplib.SMTPException is an OSError
        logger.error("Could not send the %s email: %s", mail.kind, error)


async def dispatch(
    settings: Settings, session: AsyncSession, background: BackgroundTasks, mail: Mail
) -> None:
    """Send an account email. The outbox keeps it now, in the request's transaction; SMTP
    delivers it after the answer went out, so the answer's timing never tells whether an
    email was sent (that is, whether the address has an account)."""
    mailer = mailer_for(settings, session)
    if isinstance(mailer, OutboxMailer):
        await mailer.send(mail)
    else:
        background.add_task(send_quietly, mailer, mail)
