"""Queries about a project's finished renders."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JobKind, JobStatus
from db.models import Job


async def last_complete(session: AsyncSession, project_id: uuid.UUID) -> Job | None:
    """The project's most recently finished successful render, or None."""
    return await session.scalar(
        select(Job)
        .where(
            Job.project_id == project_id,
            Job.kind == JobKind.RENDER,
            Job.status == JobStatus.COMPLETE,
        )
        .order_by(Job.finished_at.desc().nulls_last(), Job.created_at.desc())
        .limit(1)
    )
