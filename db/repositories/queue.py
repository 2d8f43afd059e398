"""SQL for the procrastinate job queue, run inside the caller's transaction.

Deferring through procrastinate's own SQL function (the one its `defer` calls) lets a job be
queued in the same transaction as the credit debit: both commit or neither does.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_DEFER = text(
    "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW("
    "CAST(:queue AS varchar), CAST(:task AS varchar), CAST(:priority AS integer), "
    "CAST(:lock AS text), CAST(NULL AS text), CAST(:args AS jsonb), CAST(NULL AS timestamptz)"
    ")::procrastinate_job_to_defer_v1]))"
)
_CANCEL = text("SELECT procrastinate_cancel_job_v1(:queue_job_id, true, false)")
_WAITING = text(
    "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = :queue AND status = 'todo'"
)
_AHEAD = text(
    "SELECT count(*) FROM procrastinate_jobs AS other JOIN procrastinate_jobs AS mine "
    "ON mine.id = :queue_job_id AND other.queue_name = mine.queue_name "
    "WHERE other.status = 'todo' AND other.id <> mine.id AND (other.priority > mine.priority "
    "OR (other.priority = mine.priority AND other.id < mine.id))"
)
"""Waiting jobs a worker takes before this one: procrastinate fetches by priority, then id."""
_LIVE_WORKERS = text(
    "SELECT count(*) FROM procrastinate_workers "
    "WHERE last_heartbeat > now() - make_interval(secs => :seconds)"
)


async def defer(
    session: AsyncSession,
    queue: str,
    task: str,
    args: dict[str, Any],
    lock: str | None,
    priority: int = 0,
) -> int:
    """Queue a task; its procrastinate job id. Nothing is visible to workers until commit."""
    queue_job_id = await session.scalar(
        _DEFER,
        {
            "queue": queue,
            "task": task,
            "priority": priority,
            "lock": lock,
            "args": json.dumps(args),
        },
    )
    if queue_job_id is None:
        raise RuntimeError("The job queue did not return an id for the new job.")
    return int(queue_job_id)


async def cancel(session: AsyncSession, queue_job_id: int) -> None:
    """Remove a waiting job from the queue (a running one is asked to abort)."""
    await session.execute(_CANCEL, {"queue_job_id": queue_job_id})


async def waiting(session: AsyncSession, queue: str) -> int:
    """How many jobs wait in a queue."""
    return int(await session.scalar(_WAITING, {"queue": queue}) or 0)


async def ahead_of(session: AsyncSession, queue_job_id: int) -> int:
    """How many waiting jobs of its queue a worker will take before this one."""
    return int(await session.scalar(_AHEAD, {"queue_job_id": queue_job_id}) or 0)


async def live_workers(session: AsyncSession, heartbeat_within_s: float) -> int:
    """Workers whose heartbeat is recent."""
    return int(await session.scalar(_LIVE_WORKERS, {"seconds": heartbeat_within_s}) or 0)
