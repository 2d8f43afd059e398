"""SQL for projects."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JobKind
from db.models import Job, Project
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


async def get_owned_with_latest_job(
    session: AsyncSession, project_id: uuid.UUID, user_id: uuid.UUID, kind: JobKind
) -> tuple[Project, Job | None] | None:
    """The user's project and its most recent job of a kind, in one query; None if not theirs."""
    latest = (
        select(Job.id)
        .where(Job.project_id == Project.id, Job.kind == kind)
        .order_by(Job.created_at.desc(), Job.id)
        .limit(1)
        .correlate(Project)
        .scalar_subquery()
    )
    row = (
        await session.execute(
            select(Project, Job)
            .outerjoin(Job, Job.id == latest)
            .where(Project.id == project_id, Project.user_id == user_id)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None
