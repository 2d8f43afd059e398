"""Upload rules: queue a completed film's upload, and show the user's uploads.

The upload itself runs in the worker (app.worker.youtube_job); it is free of credits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.errors import Conflict, NotFound
from app.jobs.params import YoutubeUploadParams
from app.jobs.queueing import enqueue
from app.quality import service as quality
from app.schemas import PageParams, from_row
from app.storage import Storage
from app.youtube.configured import oauth_client
from app.youtube.metadata import FilmDetails, Privacy, build_video_metadata
from app.youtube.publisher import WATCH_URL
from app.youtube.schemas import UploadRequest, VideoListResponse, VideoResponse
from db.enums import JobKind, JobStatus, ProjectStatus, UploadStatus
from db.models import Job, Project, User, YoutubeAccountState, YoutubeIntegration
from db.repositories import jobs as job_repo
from db.repositories import logs as log_repo
from db.repositories import projects as project_repo
from db.repositories import youtube as youtube_repo
from db.repositories.youtube import UNFINISHED_UPLOADS, UploadRow

PERCENT = 100.0
"""The job parameter naming the upload row the job publishes."""

_ENDED_JOB_REASONS = {JobStatus.CANCELLED: "cancelled", JobStatus.FAILED: "job_failed"}


def film_details(
    project: Project,
    *,
    privacy: Privacy,
    made_for_kids: bool,
    tags: Sequence[str],
    contains_synthetic_media: bool | None,
) -> FilmDetails:
    """What the video is published with; films with character images have synthetic faces."""
    return FilmDetails(
        title=project.title,
        script=project.script,
        language=project.language,
        has_synthetic_faces=bool(project.images),
        privacy=privacy,
        made_for_kids=made_for_kids,
        tags=tuple(tags),
        contains_synthetic_media=contains_synthetic_media,
        ai_label=project.ai_label,
    )


async def queue_upload(
    session: AsyncSession,
    settings: Settings,
    user: User,
    request: UploadRequest,
    storage: Storage,
) -> VideoResponse:
    """Check the film and the channel, then queue the upload job (no credits) in one go.

    503 without Google settings, 404 for anyone else's project, 409 when the film is not
    complete, the channel is not the connected one, the film is already being uploaded, or
    it fails the quality gate (`quality_gate_failed`, with each failed check); 422 when
    YouTube would refuse the title or settings.
    """
    oauth_client(settings)
    project = await project_repo.get_owned(session, request.project_id, user.id, lock=True)
    if project is None:
        raise NotFound("No project with this id in your account.")
    if project.status is not ProjectStatus.COMPLETE or not project.video_key:
        raise Conflict(
            f"The project is {project.status}; publish it once its film is complete.",
            code="project_not_complete",
            status=str(project.status),
        )
    await _check_channel(session, user, request.channel_id)
    running = await youtube_repo.unfinished_upload_of_project(session, project.id)
    if running is not None:
        raise Conflict(
            "This film is already being uploaded; wait for that upload to finish.",
            code="upload_in_progress",
            upload_id=str(running.id),
        )
    await quality.require_publishable(session, storage, settings, project)
    metadata = build_video_metadata(
        film_details(
            project,
            privacy=request.privacy,
            made_for_kids=request.made_for_kids,
            tags=request.tags,
            contains_synthetic_media=request.contains_synthetic_media,
        )
    )
    upload_id = uuid.uuid4()
    job = await job_repo.add(
        session,
        Job(
            id=uuid.uuid4(),
            kind=JobKind.YOUTUBE_UPLOAD,
            status=JobStatus.QUEUED,
            user_id=user.id,
            project_id=project.id,
            credits=0,
            params=YoutubeUploadParams(upload_id=upload_id).to_column(),
        ),
    )
    upload = await youtube_repo.add_upload(
        session,
        YoutubeIntegration(
            id=upload_id,
            user_id=user.id,
            project_id=project.id,
            channel_id=request.channel_id,
            playlist_id=request.playlist_id or settings.youtube_default_playlist_id,
            upload_status=UploadStatus.PENDING,
            job_id=job.id,
            privacy=metadata.privacy,
            made_for_kids=metadata.made_for_kids,
            contains_synthetic_media=metadata.contains_synthetic_media,
            tags=list(metadata.tags),
            warnings=[],
        ),
    )
    disclosure = "with" if metadata.contains_synthetic_media else "without"
    await log_repo.add(
        session,
        "youtube.upload.queued",
        f"Queued '{project.title}' for YouTube channel {request.channel_id} "
        f"({metadata.privacy}, {disclosure} the synthetic-content disclosure)",
        user_id=user.id,
        project_id=project.id,
    )
    await enqueue(session, job)
    return describe(UploadRow(upload, project.title, job.status, job.error, job.progress))


async def _check_channel(session: AsyncSession, user: User, channel_id: str) -> None:
    account = await youtube_repo.get_account(session, user.id)
    if (
        account is None
        or account.state is not YoutubeAccountState.CONNECTED
        or not account.encrypted_refresh_token
    ):
        why = f" ({account.disconnect_reason})" if account and account.disconnect_reason else ""
        raise Conflict(
            f"No YouTube channel is connected{why}; connect one with GET /api/youtube/connect.",
            code="youtube_not_connected",
        )
    if channel_id != account.channel_id:
        raise Conflict(
            f"The channel {channel_id} is not the connected one ({account.channel_id}); "
            "publish to the connected channel or connect that one.",
            code="channel_not_connected",
            connected_channel_id=account.channel_id,
        )


async def list_videos(session: AsyncSession, user: User, paging: PageParams) -> VideoListResponse:
    """A page of the user's uploads, newest first."""
    page = await youtube_repo.list_for_user(session, user.id, paging.offset, paging.per_page)
    return VideoListResponse(
        videos=[describe(row) for row in page.items],
        total=page.total,
        page=paging.page,
        per_page=paging.per_page,
    )


async def get_video(session: AsyncSession, user: User, upload_id: uuid.UUID) -> VideoResponse:
    """One of the user's uploads; 404 for anyone else's."""
    row = await youtube_repo.get_owned_row(session, upload_id, user.id)
    if row is None:
        raise NotFound("No YouTube upload with this id in your account.")
    return describe(row)


def describe(row: UploadRow) -> VideoResponse:
    """An upload as the API shows it.

    An upload whose job ended without reaching it (cancelled, or its worker gave up) shows as
    failed with the job's reason.
    """
    upload = row.upload
    status = upload.upload_status
    reason, message = upload.failure_reason, upload.error
    if status in UNFINISHED_UPLOADS and row.job_status in _ENDED_JOB_REASONS:
        status = UploadStatus.FAILED
        reason = _ENDED_JOB_REASONS[row.job_status]
        message = row.job_error or f"The upload job was {row.job_status}."
    progress = {
        UploadStatus.COMPLETE: PERCENT,
        UploadStatus.PROCESSING: round(row.job_progress or 0.0, 1),
    }.get(status, 0.0)
    failed = status is UploadStatus.FAILED
    return from_row(
        VideoResponse,
        upload,
        upload_status=status,
        project_title=row.project_title,
        youtube_url=WATCH_URL + upload.video_id if upload.video_id else None,
        failure_reason=reason if failed else None,
        failure_message=message if failed else None,
        progress=progress,
    )
