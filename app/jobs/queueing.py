"""Putting jobs on the queue inside the caller's transaction, fairly across users.

Workers take the waiting job of highest priority, then the oldest (procrastinate's order).
A job's priority is minus the number of its owner's other active jobs on its queue, so each
user's first waiting job comes before anyone's second, their seconds before anyone's third:
one user's ten renders wait behind another user's single film instead of in front of it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JobKind
from db.models import Job
from db.repositories import jobs as job_repo
from db.repositories import logs as log_repo
from db.repositories import queue as queue_repo

RUN_JOB_TASK = "run_job"
"""The one queue task: runs the studio job whose id it is given, whatever its kind."""

RENDER_QUEUE = "renders"
UPLOAD_QUEUE = "uploads"


def queue_for(kind: JobKind) -> str:
    """Uploads wait on the network, everything else on the CPU/GPU: separate queues."""
    return UPLOAD_QUEUE if kind is JobKind.YOUTUBE_UPLOAD else RENDER_QUEUE


def kinds_on_queue(queue: str) -> tuple[JobKind, ...]:
    """The job kinds that wait on this queue."""
    return tuple(kind for kind in JobKind if queue_for(kind) == queue)


async def fair_priority(session: AsyncSession, job: Job) -> int:
    """Minus the number of the owner's other queued or running jobs on the job's queue."""
    kinds = kinds_on_queue(queue_for(job.kind))
    return -await job_repo.count_active_of_user(session, job.user_id, kinds, job.id)


async def enqueue(session: AsyncSession, job: Job) -> None:
    """Queue the job for a worker; visible to workers only when the transaction commits.

    Jobs of one project share a lock so they run one after another; the priority shares
    the queue fairly between users (see the module's docstring).
    """
    lock = f"project:{job.project_id}" if job.project_id else f"job:{job.id}"
    job.queue_job_id = await queue_repo.defer(
        session,
        queue_for(job.kind),
        RUN_JOB_TASK,
        {"job_id": str(job.id)},
        lock,
        priority=await fair_priority(session, job),
    )
    await log_repo.add(
        session,
        "job.queued",
        f"{job.kind} job {job.id} queued ({job.credits} credits)",
        user_id=job.user_id,
        project_id=job.project_id,
    )
