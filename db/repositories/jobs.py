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


async def queue_position(session: AsyncSession, job: Job, kinds: Sequence[JobKind]) -> int:
    """How many queued jobs of these kinds (every user's) were queued before this one."""
    query = select(func.count()).where(
        Job.status == JobStatus.QUEUED,
        Job.kind.in_(kinds),
        Job.created_at < job.created_at,
        Job.id != job.id,
    )
    return int(await session.scalar(query) or 0)
