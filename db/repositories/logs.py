"""SQL for the audit log."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import LogEntry
from db.repositories.pages import Page, fetch_page

MAX_MESSAGE_CHARS = 10_000


async def add(
    session: AsyncSession,
    action: str,
    message: str = "",
    user_id: uuid.UUID | None = None,
    project_id: uuid.UUID | None = None,
) -> None:
    """Append one audit row in the caller's transaction."""
    session.add(
        LogEntry(
            action=action[:255],
            message=message[:MAX_MESSAGE_CHARS],
            user_id=user_id,
            project_id=project_id,
        )
    )


async def list_page(
    session: AsyncSession,
    offset: int,
    limit: int,
    user_id: uuid.UUID | None = None,
    project_id: uuid.UUID | None = None,
    action: str | None = None,
    action_contains: str | None = None,
) -> Page[LogEntry]:
    """Audit rows, newest first, optionally filtered (`action_contains`: any part of the
    action, case ignored)."""
    query = select(LogEntry).order_by(LogEntry.timestamp.desc(), LogEntry.id)
    if user_id is not None:
        query = query.where(LogEntry.user_id == user_id)
    if project_id is not None:
        query = query.where(LogEntry.project_id == project_id)
    if action is not None:
        query = query.where(LogEntry.action == action)
    if action_contains:
        pattern = action_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(LogEntry.action.ilike(f"%{pattern}%", escape="\\"))
    return await fetch_page(session, query, offset, limit)
