"""How long a new job will take: measured throughput of past jobs and the queue ahead of it."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.queueing import queue_for
from db.enums import JobKind
from db.repositories import job_stats
from db.repositories import queue as queue_repo

log = logging.getLogger(__name__)

FALLBACK_SECONDS_PER_OUTPUT_MINUTE: dict[JobKind, float] = {
    JobKind.RENDER: 15.0,
    JobKind.AUDIO: 1.0,
    JobKind.MUSIC: 2.0,
    JobKind.LIPSYNC: 60.0,
    JobKind.YOUTUBE_UPLOAD: 10.0,
}
"""Used until this installation has finished jobs of a kind: render and stage speeds measured
by benchmarks/render.py on a 2-core CPU (720p: about 15 s of work per minute of film)."""

SPREAD = 1.5
"""The upper end of the range given to people is this many times the lower end."""

START_OVERHEAD_S = 2.0


@dataclass(frozen=True)
class Estimate:
    """A job's expected wait plus run time."""

    seconds: float
    basis: str

    def text(self) -> str:
        """A range people read, like the seed's "3-5 minutes"."""
        low = self.seconds
        high = self.seconds * SPREAD
        if high < 60:
            return f"{max(1, math.floor(low))}-{max(2, math.ceil(high))} seconds"
        return f"{max(1, math.floor(low / 60))}-{max(2, math.ceil(high / 60))} minutes"


async def _measured_rate(session: AsyncSession, kind: JobKind) -> float | None:
    """The measured speed, or None when there is none or it cannot be read: an estimate that
    fails is no estimate, never a failed request (a savepoint keeps the transaction usable)."""
    try:
        async with session.begin_nested():
            return await job_stats.seconds_per_output_minute(session, kind)
    except SQLAlchemyError:
        log.warning(
            "The measured %s speed could not be read; using the default.", kind, exc_info=True
        )
        return None


async def estimate(
    session: AsyncSession, kind: JobKind, output_minutes: float, heartbeat_within_s: float
) -> Estimate:
    """Expected seconds until a new job of this size finishes, and what the figure rests on."""
    measured = await _measured_rate(session, kind)
    rate = measured if measured is not None else FALLBACK_SECONDS_PER_OUTPUT_MINUTE[kind]
    run_s = START_OVERHEAD_S + rate * output_minutes
    waiting = await queue_repo.waiting(session, queue_for(kind))
    workers = max(1, await queue_repo.live_workers(session, heartbeat_within_s))
    queued_s = waiting / workers * rate * output_minutes
    basis = "measured on this installation" if measured is not None else "benchmark default"
    return Estimate(seconds=run_s + queued_s, basis=basis)
