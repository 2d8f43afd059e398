"""Putting jobs on the queue inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JobKind
from db.models import Job
from db.repositories import logs as log_repo
from db.repositories import queue as queue_repo

RUN_JOB_TASK = "run_job"
"""The one queue task: runs the studio job whose id it is given, whatever its kind."""

RENDER_QUEUE = "renders"
UPLOAD_QUEUE = "uploads"


def queue_for(kind: JobKind) -> str:
    """Uploads wait on the network, everything else on the CPU/GPU: separate queues."""
    return UPLOAD_QUEUE if kind is JobKind.YOUTUBE_UPLOAD else RENDER_QUEUE


async def enqueue(session: AsyncSession, job: Job) -> None:
    """Queue the job for a worker; visible to workers only when the transaction commits.

    Jobs of one project share a lock so they run one after another.
    """
    lock = f"project:{job.project_id}" if job.project_id else f"job:{job.id}"
    job.queue_job_id = await queue_repo.defer(
        session, queue_for(job.kind), RUN_JOB_TASK, {"job_id": str(job.id)}, lock
    )
    await log_repo.add(
        session,
        "job.queued",
        f"{job.kind} job {job.id} queued ({job.credits} credits)",
        user_id=job.user_id,
        project_id=job.project_id,
    )
