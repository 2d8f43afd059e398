"""Job state changes: queued -> running -> complete | failed | cancelled, with their side
effects on the project, the credits and the audit log. The caller owns the transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.credits.service import refund_job
from app.errors import Conflict
from app.storage_keys import FilmKeys
from db.enums import JobKind, JobStatus, ProjectStatus
from db.models import Job, Project
from db.repositories import jobs as job_repo
from db.repositories import logs as log_repo
from db.repositories import queue as queue_repo

TERMINAL_STATUSES = frozenset({JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.CANCELLED})


def _now() -> datetime:
    return datetime.now(UTC)


async def _project(session: AsyncSession, job: Job) -> Project | None:
    if job.kind is not JobKind.RENDER or job.project_id is None:
        return None
    return await session.get(Project, job.project_id, with_for_update=True)


async def _log(session: AsyncSession, job: Job, action: str, message: str) -> None:
    await log_repo.add(session, action, message, user_id=job.user_id, project_id=job.project_id)


async def claim(session: AsyncSession, job_id: Any, worker: str) -> Job | None:
    """Lock the job and mark it running for this attempt; None when there is nothing to run."""
    job = await job_repo.get(session, job_id, lock=True)
    if job is None or job.status in TERMINAL_STATUSES:
        return None
    resumed = job.status is JobStatus.RUNNING
    job.status = JobStatus.RUNNING
    job.attempts += 1
    job.started_at = job.started_at or _now()
    job.stage = "starting"
    job.error = None
    project = await _project(session, job)
    if project is not None:
        project.status = ProjectStatus.PROCESSING
        project.error = None
    how = "resumed after its worker stopped" if resumed else "started"
    await _log(
        session,
        job,
        "job.started",
        f"{job.kind} job {job.id} {how} on {worker} (attempt {job.attempts})",
    )
    return job


async def complete(
    session: AsyncSession,
    job: Job,
    result: dict[str, Any],
    film: FilmKeys | None = None,
) -> bool:
    """Finish a running job with its result; False (nothing changed) if it is no longer running.

    film: where a render stored the film its project now shows.
    """
    await session.refresh(job, with_for_update=True)
    if job.status is not JobStatus.RUNNING:
        return False
    job.status = JobStatus.COMPLETE
    job.progress = 100.0
    job.stage = "complete"
    job.eta_s = 0.0
    job.result = result
    job.finished_at = _now()
    project = await _project(session, job)
    if project is not None:
        project.status = ProjectStatus.COMPLETE
        project.error = None
        if film is not None:
            project.video_key = film.video
            project.subtitles_key = film.srt
            project.subtitles_vtt_key = film.vtt
    await _log(session, job, "job.complete", f"{job.kind} job {job.id} complete")
    return True


async def fail(session: AsyncSession, job: Job, reason: str) -> bool:
    """Mark the job failed with a reason a person can read and refund it (once)."""
    await session.refresh(job, with_for_update=True)
    if job.status in TERMINAL_STATUSES:
        return False
    await _end_unfinished(session, job, JobStatus.FAILED, reason)
    return True


async def _end_unfinished(session: AsyncSession, job: Job, status: JobStatus, reason: str) -> None:
    """End a queued or running job as failed or cancelled: the project fails, credits return."""
    job.status = status
    job.error = reason
    job.stage = str(status)
    job.eta_s = None
    job.finished_at = _now()
    project = await _project(session, job)
    if project is not None:
        project.status = ProjectStatus.FAILED
        project.error = reason
    await _log(session, job, f"job.{status}", f"{job.kind} job {job.id} {status}: {reason}")
    await refund_job(session, job, f"{job.kind} {status}: {reason}")


async def retry_later(session: AsyncSession, job: Job, reason: str, delay_s: float) -> None:
    """Put a job that hit a transient error back in the queued state until its retry."""
    await session.refresh(job, with_for_update=True)
    if job.status is not JobStatus.RUNNING:
        return
    job.status = JobStatus.QUEUED
    job.stage = "waiting to retry"
    job.error = reason
    job.eta_s = None
    project = await _project(session, job)
    if project is not None:
        project.status = ProjectStatus.PENDING
    await _log(
        session,
        job,
        "job.retry",
        f"{job.kind} job {job.id} attempt {job.attempts} "
        f"failed ({reason}); retrying in {delay_s:.0f} s",
    )


async def cancel(session: AsyncSession, job: Job, reason: str) -> None:
    """Stop a queued or running job and refund it; 409 when it already finished."""
    await session.refresh(job, with_for_update=True)
    if job.status in TERMINAL_STATUSES:
        raise Conflict(
            f"The job is already {job.status}; there is nothing to cancel.", status=str(job.status)
        )
    if job.status is JobStatus.QUEUED and job.queue_job_id is not None:
        await queue_repo.cancel(session, job.queue_job_id)
    await _end_unfinished(session, job, JobStatus.CANCELLED, reason)
