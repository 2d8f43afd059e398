"""The job wrapper: every job runs claim -> work (in a thread) -> complete | retry | fail."""

from __future__ import annotations

import logging
import shutil
import uuid

from anyio import to_thread

from app.jobs import lifecycle
from app.worker.context import WorkerContext
from app.worker.job_stages import STAGES_OF_KIND
from app.worker.kinds import JobWork
from app.worker.progress import JobCancelled, ProgressReporter
from db.enums import JobKind
from db.repositories import jobs as job_repo
from pipeline.errors import InputError
from pipeline.neural.resident import release_models

log = logging.getLogger(__name__)

MAX_REASON_CHARS = 500


class RetryJob(Exception):
    """Raised to the queue so it runs the job again after a delay."""


def describe(error: BaseException) -> str:
    """A failure reason a person can read."""
    text = str(error).strip() or type(error).__name__
    if not isinstance(error, InputError):
        text = f"{type(error).__name__}: {text}"
    return text[:MAX_REASON_CHARS]


async def run_job(context: WorkerContext, job_id: uuid.UUID, works: dict[JobKind, JobWork]) -> None:
    """Run one studio job to its end. Raises RetryJob when the queue should try again later."""
    settings = context.settings
    async with context.sessions() as session, session.begin():
        job = await lifecycle.claim(session, job_id, context.name)
        if job is None:
            log.info("Job %s has nothing to run (finished, cancelled or deleted).", job_id)
            return
        if job.attempts > settings.job_max_attempts:
            await lifecycle.fail(
                session,
                job,
                f"Gave up after {settings.job_max_attempts} attempts; "
                "its worker stopped each time (out of memory?).",
            )
            return
        work = works[job.kind]
        try:
            inputs = await work.prepare(session, job)
        except InputError as error:
            await lifecycle.fail(session, job, describe(error))
            return
        attempt = job.attempts
        prefix = work.output_prefix(job)

    folder = context.work_dir / str(job_id)
    released = await to_thread.run_sync(release_models, STAGES_OF_KIND[job.kind])
    if released:
        log.info("Before %s job %s: released the warm models of %s.", job.kind, job_id, released)
    reporter = await to_thread.run_sync(ProgressReporter, context.database_url, job_id)
    try:
        outcome = await to_thread.run_sync(work.run, inputs, context.storage, folder, reporter)
    except JobCancelled:
        log.info("Job %s stopped: it was cancelled.", job_id)
        await to_thread.run_sync(context.storage.delete_prefix, prefix)
        return
    except Exception as error:
        await _after_failure(context, job_id, error, attempt)
        return
    finally:
        await to_thread.run_sync(reporter.close)
        shutil.rmtree(folder, ignore_errors=True)

    async with context.sessions() as session, session.begin():
        job = await job_repo.get(session, job_id, lock=True)
        finished = job is not None and await work.finish(session, job, outcome)
    if not finished:
        log.info("Job %s ended while it ran; its outputs are removed.", job_id)
        await to_thread.run_sync(context.storage.delete_prefix, prefix)


async def _after_failure(
    context: WorkerContext, job_id: uuid.UUID, error: Exception, attempt: int
) -> None:
    settings = context.settings
    reason = describe(error)
    permanent = isinstance(error, InputError)
    if not permanent:
        log.exception("Job %s attempt %d failed", job_id, attempt, exc_info=error)
    async with context.sessions() as session, session.begin():
        job = await job_repo.get(session, job_id, lock=True)
        if job is None:
            return
        if permanent or attempt >= settings.job_max_attempts:
            await lifecycle.fail(session, job, reason)
            return
        await lifecycle.retry_later(
            session, job, reason, retry_delay_s(settings.job_retry_delay_s, attempt)
        )
    raise RetryJob(reason) from error


def retry_delay_s(base_s: float, attempt: int) -> float:
    """Exponential backoff: base, 2 x base, 4 x base ..."""
    return float(base_s * 2 ** max(0, attempt - 1))
