"""Job rules for users: read one, cancel one."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import NotFound
from app.jobs import lifecycle
from app.jobs.schemas import JobResponse
from app.schemas import from_row
from app.server_paths import scrub_paths
from app.storage import Storage
from app.storage_keys import film_keys
from db.enums import JobKind, JobStatus
from db.models import Job, User
from db.repositories import jobs as job_repo
from db.repositories import projects as project_repo


async def owned(session: AsyncSession, user: User, job_id: uuid.UUID) -> Job:
    """The user's job; 404 for anyone else's."""
    job = await job_repo.get(session, job_id)
    if job is None or job.user_id != user.id:
        raise NotFound("No job with this id in your account.")
    return job


def output_key(job: Job) -> str | None:
    """The storage key of a finished job's main output: a render's film, a stage's file."""
    if job.status is not JobStatus.COMPLETE:
        return None
    if job.kind is JobKind.RENDER and job.project_id is not None:
        return film_keys(job.project_id, job.id).video
    key = job.result.get("output_key")
    return key if isinstance(key, str) else None


def describe(job: Job, storage: Storage, queue_position: int | None = None) -> JobResponse:
    """A job as the API shows it, with a fresh link to its output (server paths removed)."""
    key = output_key(job)
    return from_row(
        JobResponse,
        job,
        job_id=job.id,
        progress=round(job.progress, 1),
        eta_seconds=job.eta_s,
        output_url=storage.url(key) if key else None,
        error=scrub_paths(job.error) if job.error else None,
        result=scrub_paths(job.result),
        queue_position=queue_position,
    )


async def cancel(session: AsyncSession, user: User, job_id: uuid.UUID) -> Job:
    """Cancel the user's queued or running job (refunded); 409 when it already ended.

    Locks the job's project before the job, the order deleting a project uses, so a cancel
    and a delete at once wait for each other instead of deadlocking; a job its project's
    deletion removed meanwhile is a 404."""
    job = await owned(session, user, job_id)
    if job.project_id is not None:
        await project_repo.get_owned(session, job.project_id, user.id, lock=True)
        session.expunge(job)
        job = await owned(session, user, job_id)
    await lifecycle.cancel(session, job, "cancelled by the user")
    return job
