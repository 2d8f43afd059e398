"""SQL for the email outbox."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxEmail
from db.repositories.pages import Page, fetch_page


async def add(session: AsyncSession, email: OutboxEmail) -> None:
    """Keep one email."""
    session.add(email)
    await session.flush()


async def list_page(
    session: AsyncSession, offset: int, limit: int, recipient: str | None = None
) -> Page[OutboxEmail]:
    """Kept emails, newest first, optionally only those to one address."""
    query = select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id)
    if recipient is not None:
        query = query.where(OutboxEmail.recipient == recipient)
    return await fetch_page(session, query, offset, limit)
