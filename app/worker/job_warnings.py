"""Warnings a finished job leaves in the audit log (e.g. a neural backend that fell back)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Job
from db.repositories import logs as log_repo

WARNING_ACTION = "job.warning"


async def log_warnings(session: AsyncSession, job: Job, warnings: Iterable[str]) -> None:
    """One audit row per warning of the job, in the caller's transaction."""
    for warning in warnings:
        await log_repo.add(
            session,
            WARNING_ACTION,
            f"{job.kind} job {job.id}: {warning}",
            user_id=job.user_id,
            project_id=job.project_id,
        )
