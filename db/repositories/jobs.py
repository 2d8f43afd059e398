"""SQL for background jobs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JobKind, JobStatus
from db.models import Job

ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


async def add(session: AsyncSession, job: Job) -> Job:
    """Insert a job and flush."""
    session.add(job)
    await session.flush()
    return job


async def get(session: AsyncSession, job_id: uuid.UUID, lock: bool = False) -> Job | None:
    """The job with this id (optionally locked for update), or None."""
    query = select(Job).where(Job.id == job_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def active_for_project(session: AsyncSession, project_id: uuid.UUID) -> Sequence[Job]:
    """The project's queued or running jobs."""
    query = select(Job).where(Job.project_id == project_id, Job.status.in_(ACTIVE_STATUSES))
    return (await session.scalars(query)).all()


async def count_active_paid(session: AsyncSession, user_id: uuid.UUID) -> int:
    """The user's queued or running jobs that cost credits (renders and stage jobs)."""
    query = select(func.count()).where(
        Job.user_id == user_id, Job.status.in_(ACTIVE_STATUSES), Job.credits > 0
    )
    return int(await session.scalar(query) or 0)


async def count_active_of_user(
    session: AsyncSession, user_id: uuid.UUID, kinds: Sequence[JobKind], excluding: uuid.UUID
) -> int:
    """The user's queued or running jobs of these kinds, other than the one given."""
    query = select(func.count()).where(
        Job.user_id == user_id,
        Job.status.in_(ACTIVE_STATUSES),
        Job.kind.in_(kinds),
        Job.id != excluding,
    )
    return int(await session.scalar(query) or 0)
