"""The procrastinate app of a worker: one task that runs any studio job."""

from __future__ import annotations

import datetime
import uuid

import procrastinate
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from app.billing.renewals import BILLING_QUEUE, RENEWAL_CRON, RENEWAL_TASK, renew_due_plans
from app.jobs.queueing import RUN_JOB_TASK
from app.worker.context import WorkerContext
from app.worker.kinds import JobWork
from app.worker.runner import RetryJob, retry_delay_s, run_job
from db.enums import JobKind
from db.urls import libpq_url


class BackoffOnRetryJob(BaseRetryStrategy):
    """Retry only RetryJob (the runner already decided), after an exponential delay."""

    def __init__(self, base_delay_s: float) -> None:
        self.base_delay_s = base_delay_s

    def get_retry_decision(
        self, *, exception: BaseException, job: procrastinate.jobs.Job
    ) -> RetryDecision | None:
        if not isinstance(exception, RetryJob):
            return None
        delay = datetime.timedelta(seconds=retry_delay_s(self.base_delay_s, job.attempts + 1))
        return RetryDecision(retry_at=datetime.datetime.now(datetime.UTC) + delay)


def build_queue_app(context: WorkerContext, works: dict[JobKind, JobWork]) -> procrastinate.App:
    """A procrastinate app on the studio database: the run_job task, and the periodic
    renewal of plan periods on the billing queue."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=libpq_url(context.database_url))
    )

    async def run_job_task(job_id: str) -> None:
        await run_job(context, uuid.UUID(job_id), works)

    app.task(
        name=RUN_JOB_TASK,
        retry=BackoffOnRetryJob(context.settings.job_retry_delay_s),
        pass_context=False,
    )(run_job_task)

    async def renew_plans_task(timestamp: int) -> None:
        await renew_due_plans(context.sessions, datetime.datetime.now(datetime.UTC))

    app.periodic(cron=RENEWAL_CRON, periodic_id=RENEWAL_TASK)(
        app.task(
            name=RENEWAL_TASK,
            queue=BILLING_QUEUE,
            queueing_lock=RENEWAL_TASK,
            pass_context=False,
        )(renew_plans_task)
    )
    return app
