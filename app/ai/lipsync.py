"""Lip-sync job rules: inputs are the user's own stored files, named by links the studio issued;
the charge is 3 credits per started minute of the video."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app import storage_keys
from app.ai.links import storage_key
from app.ai.schemas import LipSyncRequest
from app.ai.service import owned_project, queue_stage_job
from app.config import Settings
from app.errors import Unprocessable
from app.jobs.params import LipSyncParams
from app.jobs.schemas import JobQueuedResponse
from app.jobs.service import output_key
from app.storage import LocalStorage, ObjectMissing, Storage
from db.enums import JobKind
from db.models import User
from db.repositories import jobs as job_repo
from db.repositories import projects as project_repo
from pipeline.errors import InputError
from pipeline.media.probe import MediaFacts, probe

MIN_VIDEO_FRAMES = 2
MIN_VIDEO_S = 0.1
IMAGE_CONTAINERS = ("image2", "_pipe", "gif", "apng", "webp")
"""FFmpeg demuxers that read still (or image-sequence) pictures, never a film."""


def _is_moving_video(facts: MediaFacts) -> bool:
    """Whether the file is a real video: frames over time in a video container."""
    video = facts.video
    return (
        video is not None
        and video.frames >= MIN_VIDEO_FRAMES
        and (video.duration_s or facts.duration_s) >= MIN_VIDEO_S
        and not any(name in facts.container for name in IMAGE_CONTAINERS)
    )


async def lip_sync(
    session: AsyncSession, settings: Settings, storage: Storage, user: User, request: LipSyncRequest
) -> JobQueuedResponse:
    """Queue a lip-sync of the video to the audio, charged by the video's started minutes."""
    project = await owned_project(session, user, request.project_id)
    video_key = storage_key(storage, request.video_url, "video_url")
    audio_key = storage_key(storage, request.audio_url, "audio_url")
    for key, field in ((video_key, "video_url"), (audio_key, "audio_url")):
        await _check_owned(session, user, key, field)
        if not await to_thread.run_sync(storage.exists, key):
            raise Unprocessable(
                f"{field} points at a file that no longer exists.", code="missing_file", field=field
            )
    video_s = await _recorded_seconds(session, user, video_key)
    if video_s is None:
        facts = await to_thread.run_sync(_probe_stored, storage, video_key, "video_url")
        if not _is_moving_video(facts):
            raise Unprocessable(
                "video_url is not a video (a still image or a single frame cannot be "
                "lip-synced); use a film or a lip-sync output.",
                code="not_a_video",
                field="video_url",
            )
        assert facts.video is not None  # _is_moving_video checked it
        video_s = facts.video.duration_s or facts.duration_s
    if await _recorded_seconds(session, user, audio_key) is None:
        sound = await to_thread.run_sync(_probe_stored, storage, audio_key, "audio_url")
        if sound.audio is None:
            raise Unprocessable("audio_url has no sound.", code="not_audio", field="audio_url")
    return await queue_stage_job(
        session,
        settings,
        user,
        project,
        JobKind.LIPSYNC,
        video_s,
        LipSyncParams(
            video_key=video_key,
            audio_key=audio_key,
            video_s=round(video_s, 3),
        ),
    )


async def _check_owned(session: AsyncSession, user: User, key: str, field: str) -> None:
    """422 unless the key is in the user's uploads or in the folder of a project of theirs."""
    if storage_keys.owner_user(key) == user.id:
        return
    project_id = storage_keys.owner_project(key)
    if project_id and await project_repo.get_owned(session, project_id, user.id):
        return
    raise Unprocessable(
        f"{field} points at a file outside your account.", code="not_your_file", field=field
    )


async def _recorded_seconds(session: AsyncSession, user: User, key: str) -> float | None:
    """The length a finished job of the user recorded for its main output, when the key is
    that output: no need to read the file then."""
    place = storage_keys.job_file(key)
    job = await job_repo.get(session, place.job_id) if place else None
    if job is None or job.user_id != user.id or output_key(job) != key:
        return None
    seconds = job.result.get("duration_s")
    return float(seconds) if isinstance(seconds, int | float) else None


def _probe_stored(storage: Storage, key: str, field: str) -> MediaFacts:
    """The media facts of a stored object (read in place locally, else via a temporary copy)."""
    try:
        if isinstance(storage, LocalStorage):
            return probe(storage.path(key))
        with tempfile.TemporaryDirectory(prefix="probe-") as folder:
            local = Path(folder) / (PurePosixPath(key).name or "media")
            storage.download(key, local)
            return probe(local)
    except ObjectMissing as error:
        raise Unprocessable(
            f"{field} points at a file that no longer exists.", code="missing_file", field=field
        ) from error
    except InputError as error:
        raise Unprocessable(
            f"{field} is not a readable media file.", code="not_media", field=field
        ) from error
