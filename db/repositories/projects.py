"""SQL for projects."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Project
from db.repositories.pages import Page, fetch_page


async def add(session: AsyncSession, project: Project) -> Project:
    """Insert a project and flush so its defaults are loaded."""
    session.add(project)
    await session.flush()
    await session.refresh(project)
    return project


async def get_owned(
    session: AsyncSession, project_id: uuid.UUID, user_id: uuid.UUID, lock: bool = False
) -> Project | None:
    """The project if it belongs to the user (optionally locked for update), else None."""
    query = select(Project).where(Project.id == project_id, Project.user_id == user_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def list_for_user(
    session: AsyncSession, user_id: uuid.UUID, offset: int, limit: int
) -> Page[Project]:
    """The user's projects, newest first."""
    query = (
        select(Project)
        .where(Project.user_id == user_id)
        .order_by(Project.created_at.desc(), Project.id)
    )
    return await fetch_page(session, query, offset, limit)


async def remove(session: AsyncSession, project_id: uuid.UUID) -> None:
    """Delete a project (its jobs and integrations go with it; logs keep a null reference)."""
    await session.execute(delete(Project).where(Project.id == project_id))
