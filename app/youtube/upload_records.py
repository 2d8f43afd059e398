"""What the upload job records: the upload's start, its result or failure, a revoked account.

The worker's job wrapper owns the transaction; these functions only change rows and write
logs rows. A failure's `code` (quota_exceeded, access_revoked ...) becomes the upload's
failure reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.jobs.params import YoutubeUploadParams, read_params
from app.youtube.configured import oauth_client, token_cipher
from app.youtube.connection import mark_disconnected
from app.youtube.errors import AccessRevoked, YouTubeError
from app.youtube.metadata import DEFAULT_PRIVACY, FilmDetails, Privacy
from app.youtube.oauth import GoogleOAuthClient
from app.youtube.publisher import WATCH_URL, PublishResult, StepFailure
from app.youtube.service import film_details
from db.enums import ProjectStatus, UploadStatus
from db.models import Job, Project, YoutubeAccountState, YoutubeIntegration
from db.repositories import logs as log_repo
from db.repositories import youtube as youtube_repo
from pipeline.errors import InputError

PRIVACY_VALUES: tuple[Privacy, ...] = ("private", "unlisted", "public")


class UploadRefused(InputError):
    """The upload cannot start (not configured, film gone, channel disconnected ...)."""


@dataclass(frozen=True)
class UploadPlan:
    """Everything the upload needs, read from the database before it starts."""

    upload_id: uuid.UUID
    user_id: uuid.UUID
    project_id: uuid.UUID
    client: GoogleOAuthClient
    refresh_token: str
    stored_token: str
    """The token as stored: a revocation only disconnects the account if it still holds it."""
    video_key: str
    subtitles_key: str | None
    details: FilmDetails
    playlist_id: str | None


@dataclass(frozen=True)
class UploadFailure:
    """Why an upload failed: the error's machine code and message, and any video made."""

    code: str
    message: str
    video_id: str | None = None

    @classmethod
    def from_error(cls, error: YouTubeError) -> UploadFailure:
        """The failure an integration error describes."""
        return cls(error.code, error.message, error.video_id)


async def begin(session: AsyncSession, settings: Settings, job: Job) -> UploadPlan:
    """Check the upload can go ahead and mark it processing; UploadRefused (recorded) if not."""
    upload_id = read_params(job, YoutubeUploadParams).upload_id
    upload = await youtube_repo.get_upload(session, upload_id, lock=True)
    if upload is None:
        raise UploadRefused("The YouTube upload was deleted before it started.")
    project = await session.get(Project, upload.project_id)
    if project is None or project.status is not ProjectStatus.COMPLETE or not project.video_key:
        await _refuse(
            session,
            upload,
            "project_not_complete",
            "The film is no longer complete; render it again.",
        )
    try:
        client = oauth_client(settings)
    except YouTubeError as error:
        await _refuse(session, upload, error.code, error.message)
    account = await youtube_repo.get_account(session, upload.user_id, lock=True)
    if (
        account is None
        or account.state is not YoutubeAccountState.CONNECTED
        or not account.encrypted_refresh_token
    ):
        await _refuse(
            session,
            upload,
            "youtube_not_connected",
            "The YouTube channel was disconnected; connect it again and publish again.",
        )
    if account.channel_id != upload.channel_id:
        await _refuse(
            session,
            upload,
            "channel_changed",
            f"The connected channel is now {account.channel_id}, not {upload.channel_id}.",
        )
    cipher = token_cipher(settings)
    stored = account.encrypted_refresh_token
    try:
        refresh_token = cipher.decrypt(stored, owner_id=str(upload.user_id))
    except YouTubeError as error:
        await _refuse(session, upload, error.code, error.message)
    if cipher.needs_rotation(stored):
        stored = cipher.encrypt(refresh_token, owner_id=str(upload.user_id))
        account.encrypted_refresh_token = stored
    upload.upload_status = UploadStatus.PROCESSING
    upload.failure_reason = None
    upload.error = None
    await _log(
        session,
        upload,
        "youtube.upload.started",
        f"Uploading '{project.title}' to YouTube channel {upload.channel_id} (job {job.id}, "
        f"attempt {job.attempts})",
    )
    return UploadPlan(
        upload_id=upload.id,
        user_id=upload.user_id,
        project_id=project.id,
        client=client,
        refresh_token=refresh_token,
        stored_token=stored,
        video_key=project.video_key,
        subtitles_key=project.subtitles_key,
        details=film_details(
            project,
            privacy=_privacy(upload.privacy),
            made_for_kids=upload.made_for_kids,
            tags=upload.tags,
            contains_synthetic_media=upload.contains_synthetic_media,
        ),
        playlist_id=upload.playlist_id,
    )


async def published(
    session: AsyncSession,
    upload_id: uuid.UUID,
    result: PublishResult,
    extra_warnings: tuple[StepFailure, ...],
) -> dict[str, Any]:
    """Record a published video; the job result to store."""
    warnings = [_warning(item) for item in (*extra_warnings, *result.warnings)]
    upload = await youtube_repo.get_upload(session, upload_id, lock=True)
    if upload is not None:
        upload.upload_status = UploadStatus.COMPLETE
        upload.video_id = result.video_id
        upload.caption_id = result.caption_id
        upload.thumbnail_set = result.thumbnail_set
        upload.warnings = warnings
        upload.failure_reason = None
        upload.error = None
        skipped = f"; skipped: {', '.join(w['step'] for w in warnings)}" if warnings else ""
        await _log(
            session,
            upload,
            "youtube.upload.complete",
            f"Published on YouTube: {result.video_url}{skipped}",
        )
    return {
        "upload_id": str(upload_id),
        "video_id": result.video_id,
        "video_url": result.video_url,
        "caption_id": result.caption_id,
        "thumbnail_set": result.thumbnail_set,
        "playlist_id": result.playlist_id,
        "warnings": warnings,
        "video_bytes": result.video_bytes,
        "bytes_sent": result.bytes_sent,
        "attempts": result.attempts,
        "retries": result.retries,
    }


async def failed(
    session: AsyncSession, upload_id: uuid.UUID, stored_token: str, failure: UploadFailure
) -> None:
    """Record a failed upload; a revoked grant also disconnects the account and says so."""
    upload = await youtube_repo.get_upload(session, upload_id, lock=True)
    if upload is None:
        return
    upload.upload_status = UploadStatus.FAILED
    upload.failure_reason = failure.code
    upload.error = failure.message
    if failure.video_id is not None:
        upload.video_id = failure.video_id
    made = f" (video {WATCH_URL}{failure.video_id} was created)" if failure.video_id else ""
    await _log(
        session,
        upload,
        "youtube.upload.failed",
        f"YouTube upload failed ({failure.code}): {failure.message}{made}",
    )
    if failure.code != AccessRevoked.code:
        return
    account = await youtube_repo.get_account(session, upload.user_id, lock=True)
    if (
        account is not None
        and account.state is YoutubeAccountState.CONNECTED
        and account.encrypted_refresh_token == stored_token
    ):
        await mark_disconnected(session, account, failure.message, "youtube.access_revoked")


async def _refuse(
    session: AsyncSession, upload: YoutubeIntegration, code: str, message: str
) -> NoReturn:
    upload.upload_status = UploadStatus.FAILED
    upload.failure_reason = code
    upload.error = message
    await _log(
        session, upload, "youtube.upload.failed", f"YouTube upload failed ({code}): {message}"
    )
    raise UploadRefused(message)


async def _log(
    session: AsyncSession, upload: YoutubeIntegration, action: str, message: str
) -> None:
    await log_repo.add(
        session, action, message, user_id=upload.user_id, project_id=upload.project_id
    )


def _privacy(value: str) -> Privacy:
    for option in PRIVACY_VALUES:
        if value == option:
            return option
    return DEFAULT_PRIVACY


def _warning(item: StepFailure) -> dict[str, str]:
    return {"step": item.step, "code": item.code, "message": item.message}
