"""Retries the jobs of workers that died (no heartbeat), from every live worker.

It runs as a loop beside the worker rather than as a queued periodic task, so a worker whose
job slots are all busy rendering still rescues a dead worker's jobs on time.
"""

from __future__ import annotations

import asyncio
import logging

import procrastinate

log = logging.getLogger(__name__)


async def retry_stalled_jobs(queue_app: procrastinate.App, stalled_after_s: float) -> int:
    """Send every job of a worker silent for stalled_after_s back to the queue; how many."""
    stalled = list(
        await queue_app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s)
    )
    for job in stalled:
        log.warning("Job %s's worker stopped sending heartbeats; queueing it again.", job.id)
        await queue_app.job_manager.retry_job(job)
    return len(stalled)


async def reap_forever(
    queue_app: procrastinate.App, interval_s: float, stalled_after_s: float
) -> None:
    """Check for stalled jobs every interval_s until cancelled."""
    while True:
        try:
            await retry_stalled_jobs(queue_app, stalled_after_s)
        except Exception:  # a database hiccup must not stop the worker; try again next time
            log.exception("Checking for stalled jobs failed")
        await asyncio.sleep(interval_s)
