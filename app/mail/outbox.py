"""Keeping account emails in the email_outbox table when no SMTP server is configured."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from app.mail.message import Mail
from db.models import OutboxEmail
from db.repositories import outbox as outbox_repo

logger = logging.getLogger(__name__)


class OutboxMailer:
    """Writes each email to the outbox in the caller's transaction; in development it also
    logs the email, so whoever runs the studio can follow the link."""

    def __init__(self, session: AsyncSession, log_body: bool) -> None:
        self._session = session
        self._log_body = log_body

    async def send(self, mail: Mail) -> None:
        """Keep the email in the outbox."""
        await outbox_repo.add(
            self._session,
            OutboxEmail(recipient=mail.to, subject=mail.subject, body=mail.body, kind=mail.kind),
        )
        if self._log_body:
            logger.info("Email to %s (%s):\n%s", mail.to, mail.subject, mail.body)
