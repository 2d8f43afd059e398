"""SQL for measured job throughput (what estimates are based on)."""

from __future__ import annotations

from sqlalchemy import extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JobKind, JobStatus
from db.models import Job

RECENT_JOBS = 50


async def seconds_per_output_minute(session: AsyncSession, kind: JobKind) -> float | None:
    """Median wall seconds per minute of output over the recent complete jobs of a kind."""
    minutes = Job.output_minutes
    recent = (
        select((extract("epoch", Job.finished_at - Job.started_at) / minutes).label("rate"))
        .where(
            Job.kind == kind,
            Job.status == JobStatus.COMPLETE,
            Job.attempts == 1,
            Job.finished_at.is_not(None),
            minutes.is_not(None),
            minutes > 0,
        )
        .order_by(Job.finished_at.desc())
        .limit(RECENT_JOBS)
        .subquery()
    )
    median = await session.scalar(select(func.percentile_cont(0.5).within_group(recent.c.rate)))
    return float(median) if median is not None else None
