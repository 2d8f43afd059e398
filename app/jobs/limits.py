"""How much work one account may have waiting or running at once, by plan.

Without a cap one user's burst of renders delays every other user's film; with it, a user
waits for their own jobs to finish before queueing more.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import Conflict
from db.enums import JobStatus, PlanType
from db.models import Job, User
from db.repositories import jobs as job_repo
from db.repositories import queue as queue_repo

MAX_ACTIVE_JOBS: dict[PlanType, int] = {
    PlanType.FREE: 3,
    PlanType.STANDARD: 5,
    PlanType.PRO: 8,
    PlanType.ENTERPRISE: 16,
}
"""Queued plus running paid jobs (renders, narration, music, lip-sync) per account."""


async def check_active_jobs(session: AsyncSession, user: User) -> None:
    """409 when the user already has their plan's number of active jobs, counting the one
    being queued. Called after the credit debit, whose row lock serialises a user's requests."""
    limit = MAX_ACTIVE_JOBS[user.plan_type]
    active = await job_repo.count_active_paid(session, user.id)
    if active > limit:
        raise Conflict(
            f"You have {active - 1} jobs queued or running, the most the {user.plan_type} plan "
            f"allows at once is {limit}; wait for one to finish or cancel one.",
            code="too_many_active_jobs",
            active_jobs=active - 1,
            limit=limit,
        )


async def queue_position(session: AsyncSession, job: Job) -> int | None:
    """Jobs of every user a worker takes before this one (0: next); None once started.

    Follows the fair order of app/jobs/queueing.py, not the order jobs were queued in."""
    if job.status is not JobStatus.QUEUED or job.queue_job_id is None:
        return None
    return await queue_repo.ahead_of(session, job.queue_job_id)
