"""YouTube upload jobs: publish a completed film with its captions, thumbnail and playlist.

prepare reads the upload, the film and the decrypted refresh token; run (in a thread) fetches
the film, takes a thumbnail from it and calls app.youtube.publisher.publish, writing a logs row
for every step; finish records the video or the failure reason. Publishing retries transient
failures itself, so a failure reaching the job is final: it fails the job instead of letting
the queue run the whole upload again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.jobs import lifecycle
from app.storage import ObjectMissing, Storage
from app.storage_keys import youtube_prefix
from app.worker.progress import JobCancelled
from app.worker.runner import describe
from app.youtube import upload_records
from app.youtube.errors import PublishInputError, YouTubeError
from app.youtube.gateway import DEFAULT_GOOGLE_HTTP, GoogleHttp
from app.youtube.metadata import build_video_metadata
from app.youtube.oauth import credentials_from_refresh_token
from app.youtube.publisher import UPLOAD_PROGRESS_SHARE, PublishRequest, PublishResult, StepFailure
from app.youtube.publisher import publish as publish_film
from app.youtube.thumbnail import extract_thumbnail
from app.youtube.upload_records import UploadFailure, UploadPlan
from db.models import Job
from db.repositories import youtube as youtube_repo
from db.urls import libpq_url
from pipeline.types import ProgressCallback

log = logging.getLogger(__name__)

UPLOADING_STAGE = "uploading to YouTube"
FINISHING_STAGE = "captions, thumbnail, playlist"
PREPARING_STAGE = "preparing the upload"
STEP_ACTION = "youtube.upload.step"
INTERNAL_FAILURE = "upload_error"
"""Failure reason of an unexpected fault in the studio (not an answer from Google)."""
FILM_NAME = "film.mp4"
CAPTIONS_NAME = "film.srt"
THUMBNAIL_NAME = "thumbnail.jpg"


@dataclass(frozen=True)
class UploadOutcome:
    """What run() achieved: a published video (with skipped extras) or a failure."""

    plan: UploadPlan
    result: PublishResult | None = None
    failure: UploadFailure | None = None
    skipped: tuple[StepFailure, ...] = field(default_factory=tuple)
    """Extras the studio itself could not prepare (a thumbnail it could not take)."""


class StepLog:
    """Writes one logs row per publishing step from the job's thread, as it happens."""

    def __init__(self, database_url: str, plan: UploadPlan) -> None:
        self._plan = plan
        self._connection: psycopg.Connection[tuple[str]] = psycopg.connect(
            libpq_url(database_url), autocommit=True
        )

    def __call__(self, line: str) -> None:
        """Record a step; a failed write is logged and does not stop the upload."""
        try:
            youtube_repo.add_log_now(
                self._connection, STEP_ACTION, line, self._plan.user_id, self._plan.project_id
            )
        except psycopg.Error:
            log.exception("Could not write the YouTube upload step %r", line)

    def close(self) -> None:
        """Release the database connection."""
        self._connection.close()


class YouTubeUploadWork:
    """Publishes a project's film to the connected YouTube channel."""

    def __init__(
        self, settings: Settings, database_url: str, google: GoogleHttp = DEFAULT_GOOGLE_HTTP
    ) -> None:
        self._settings = settings
        self._database_url = database_url
        self._google = google

    async def prepare(self, session: AsyncSession, job: Job) -> UploadPlan:
        return await upload_records.begin(session, self._settings, job)

    def run(
        self, plan: UploadPlan, storage: Storage, folder: Path, progress: ProgressCallback
    ) -> UploadOutcome:
        folder.mkdir(parents=True, exist_ok=True)
        steps = StepLog(self._database_url, plan)
        try:
            return self._publish(plan, storage, folder, progress, steps)
        except JobCancelled:
            steps("upload stopped: the job was cancelled")
            raise
        except YouTubeError as error:
            return UploadOutcome(plan, failure=UploadFailure.from_error(error))
        except Exception as error:
            log.exception("The YouTube upload of %s failed unexpectedly", plan.upload_id)
            return UploadOutcome(plan, failure=UploadFailure(INTERNAL_FAILURE, describe(error)))
        finally:
            steps.close()

    def _publish(
        self,
        plan: UploadPlan,
        storage: Storage,
        folder: Path,
        progress: ProgressCallback,
        steps: StepLog,
    ) -> UploadOutcome:
        progress(PREPARING_STAGE, 0.0)
        metadata = build_video_metadata(plan.details)
        film = folder / FILM_NAME
        try:
            storage.download(plan.video_key, film)
        except ObjectMissing as error:
            raise PublishInputError(
                "The film's file is gone from storage; render it again."
            ) from error
        skipped: list[StepFailure] = []
        captions = _captions(plan, storage, folder / CAPTIONS_NAME, steps, skipped)
        thumbnail = _thumbnail(film, folder / THUMBNAIL_NAME, steps, skipped)
        request = PublishRequest(
            video_path=film,
            metadata=metadata,
            captions_path=captions,
            thumbnail_path=thumbnail,
            playlist_id=plan.playlist_id,
        )

        def report(fraction: float) -> None:
            stage = UPLOADING_STAGE if fraction < UPLOAD_PROGRESS_SHARE else FINISHING_STAGE
            progress(stage, fraction)

        result = publish_film(
            credentials_from_refresh_token(plan.client, plan.refresh_token),
            request,
            on_progress=report,
            on_step=steps,
            transport=self._google.transport(),
        )
        return UploadOutcome(plan, result=result, skipped=tuple(skipped))

    async def finish(self, session: AsyncSession, job: Job, outcome: UploadOutcome) -> bool:
        plan = outcome.plan
        if outcome.result is not None:
            result = await upload_records.published(
                session, plan.upload_id, outcome.result, outcome.skipped
            )
            return await lifecycle.complete(session, job, result)
        assert outcome.failure is not None
        await upload_records.failed(session, plan.upload_id, plan.stored_token, outcome.failure)
        return await lifecycle.fail(session, job, outcome.failure.message)

    def output_prefix(self, job: Job) -> str:
        """Nothing is stored: the prefix is the job's own, empty folder."""
        assert job.project_id is not None
        return youtube_prefix(job.project_id, job.id)


def _captions(
    plan: UploadPlan, storage: Storage, path: Path, steps: StepLog, skipped: list[StepFailure]
) -> Path | None:
    if plan.subtitles_key is None:
        return None
    try:
        storage.download(plan.subtitles_key, path)
    except ObjectMissing:
        message = "The film's subtitles are gone from storage."
        skipped.append(StepFailure("captions", "missing_file", message))
        steps(f"captions skipped: {message}")
        return None
    return path


def _thumbnail(film: Path, path: Path, steps: StepLog, skipped: list[StepFailure]) -> Path | None:
    try:
        return extract_thumbnail(film, path)
    except PublishInputError as error:
        skipped.append(StepFailure("thumbnail", error.code, error.message))
        steps(f"thumbnail skipped: {error.message}")
        return None
