"""A worker: runs queued jobs until stopped, in its own process or inside `filmstudio serve`."""

from __future__ import annotations

import asyncio
import logging
import signal

from anyio import to_thread

from app.billing.renewals import BILLING_QUEUE
from app.config import Settings
from app.embedded_db import resolve_database_url
from app.jobs.queueing import RENDER_QUEUE, UPLOAD_QUEUE
from app.provenance.films import signing_keys
from app.storage import open_storage
from app.worker.backends import backend_choice
from app.worker.context import WorkerContext
from app.worker.kinds import JobWork
from app.worker.lipsync_job import LipSyncWork
from app.worker.queue_app import build_queue_app
from app.worker.reaper import reap_forever
from app.worker.render_job import RenderWork
from app.worker.stage_cache import open_cache
from app.worker.stage_jobs import AudioWork, MusicWork
from app.worker.youtube_job import YouTubeUploadWork
from app.youtube.gateway import DEFAULT_GOOGLE_HTTP, GoogleHttp
from db.enums import JobKind
from db.session import create_engine, create_session_factory

log = logging.getLogger(__name__)

UPLOAD_CONCURRENCY = 2
"""Uploads wait on the network, so they get their own slots beside the renders."""

BILLING_CONCURRENCY = 1
"""The periodic renewal gets its own slot, so busy renderers never delay it."""

WORKER_POOL_SIZE = 4


def job_works(
    context: WorkerContext, google_http: GoogleHttp = DEFAULT_GOOGLE_HTTP
) -> dict[JobKind, JobWork]:
    """The work of every job kind this worker can run (each stage on the settings' backend,
    every MP4 signed with the settings' C2PA certificate)."""
    backends = backend_choice(context.settings)
    signing = signing_keys(context.settings)
    return {
        JobKind.RENDER: RenderWork(
            backends, signing, open_cache(context.settings, context.storage, context.database_url)
        ),
        JobKind.AUDIO: AudioWork(backends),
        JobKind.MUSIC: MusicWork(backends),
        JobKind.LIPSYNC: LipSyncWork(backends, signing),
        JobKind.YOUTUBE_UPLOAD: YouTubeUploadWork(
            context.settings, context.database_url, google_http
        ),
    }


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _stop_on_signals(workers: list[asyncio.Task[None]]) -> None:
    """SIGINT/SIGTERM stop taking jobs; running jobs finish first (a second signal is ignored
    here, so kill -9 is the way to abandon them: another worker then retries them)."""
    loop = asyncio.get_running_loop()

    def stop() -> None:
        log.info("Stopping: no new jobs; waiting for running jobs to finish.")
        for task in workers:
            task.cancel()

    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, stop)


async def run_worker(
    settings: Settings,
    concurrency: int | None = None,
    database_url: str | None = None,
    install_signal_handlers: bool = True,
    google_http: GoogleHttp = DEFAULT_GOOGLE_HTTP,
) -> None:
    """Run jobs until cancelled or signalled; running jobs finish before it returns.

    `google_http` is where YouTube uploads send their requests (tests script the answers).
    """
    if database_url is None:
        database_url = await to_thread.run_sync(
            resolve_database_url, settings.database_url, settings.data_dir
        )
    url = database_url
    engine = create_engine(url, pool_size=WORKER_POOL_SIZE, pre_ping=True)
    context = WorkerContext(
        settings=settings,
        database_url=url,
        sessions=create_session_factory(engine),
        storage=open_storage(
            settings.resolved_storage_url,
            settings.jwt_secret,
            settings.public_base_url,
            settings.s3_endpoint_url,
        ),
    )
    queue_app = build_queue_app(context, job_works(context, google_http))

    async def serve_queue(queue: str, slots: int) -> None:
        await queue_app.run_worker_async(
            queues=[queue],
            concurrency=slots,
            name=f"{context.name}:{queue}",
            update_heartbeat_interval=settings.worker_heartbeat_s,
            stalled_worker_timeout=settings.worker_stalled_after_s,
            install_signal_handlers=False,
        )

    try:
        async with queue_app.open_async():
            reaper = asyncio.create_task(
                reap_forever(
                    queue_app, settings.worker_heartbeat_s, settings.worker_stalled_after_s
                )
            )
            workers = [
                asyncio.create_task(
                    serve_queue(RENDER_QUEUE, concurrency or settings.worker_concurrency)
                ),
                asyncio.create_task(serve_queue(UPLOAD_QUEUE, UPLOAD_CONCURRENCY)),
                asyncio.create_task(serve_queue(BILLING_QUEUE, BILLING_CONCURRENCY)),
            ]
            if install_signal_handlers:
                _stop_on_signals(workers)
            try:
                await asyncio.gather(*workers)
            finally:
                for task in workers:
                    task.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
                reaper.cancel()
    finally:
        await engine.dispose()
