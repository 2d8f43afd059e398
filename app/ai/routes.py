"""AI job service routes: /api/ai/... (queue work, follow it, cancel it)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.ai import lipsync, service
from app.ai.schemas import (
    AudioGenerateRequest,
    LipSyncRequest,
    MusicGenerateRequest,
    VideoGenerateRequest,
)
from app.deps import Context, CurrentUser, Session
from app.idempotency import respond_once
from app.jobs import service as jobs
from app.jobs.limits import queue_position
from app.jobs.schemas import JobQueuedResponse, JobResponse
from db.models import User

router = APIRouter(prefix="/api/ai", tags=["ai jobs"])

QUEUED_ERRORS: dict[int | str, dict[str, object]] = {
    402: {"description": "Not enough credits (body has balance and cost)"},
    404: {"description": "No such project in your account"},
    409: {"description": "Busy project, or an Idempotency-Key reused with another body"},
    422: {"description": "Invalid settings or plan limit"},
}


async def _accepted(
    session: AsyncSession,
    user: User,
    request: Request,
    body: BaseModel,
    queue: Callable[[], Awaitable[JobQueuedResponse]],
) -> JSONResponse:
    """202 with the queued job, once per Idempotency-Key."""
    return await respond_once(session, user, request, body, status.HTTP_202_ACCEPTED, queue)


@router.post(
    "/video-generate",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobQueuedResponse,
    responses=QUEUED_ERRORS,
)
async def video_generate(
    body: VideoGenerateRequest,
    request: Request,
    user: CurrentUser,
    session: Session,
    context: Context,
) -> JSONResponse:
    """Render a project's film with these settings (3 credits a minute)."""
    return await _accepted(
        session,
        user,
        request,
        body,
        lambda: service.video_generate(session, context.settings, user, body),
    )


@router.post(
    "/audio-generate",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobQueuedResponse,
    responses=QUEUED_ERRORS,
)
async def audio_generate(
    body: AudioGenerateRequest,
    request: Request,
    user: CurrentUser,
    session: Session,
    context: Context,
) -> JSONResponse:
    """Narrate text as an M4A file (charged by the minute of speech)."""
    return await _accepted(
        session,
        user,
        request,
        body,
        lambda: service.audio_generate(session, context.settings, user, body),
    )


@router.post(
    "/music-generate",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobQueuedResponse,
    responses=QUEUED_ERRORS,
)
async def music_generate(
    body: MusicGenerateRequest,
    request: Request,
    user: CurrentUser,
    session: Session,
    context: Context,
) -> JSONResponse:
    """Compose a background music track as an M4A file (charged by the minute)."""
    return await _accepted(
        session,
        user,
        request,
        body,
        lambda: service.music_generate(session, context.settings, user, body),
    )


@router.post(
    "/lip-sync",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobQueuedResponse,
    responses=QUEUED_ERRORS,
)
async def lip_sync(
    body: LipSyncRequest,
    request: Request,
    user: CurrentUser,
    session: Session,
    context: Context,
) -> JSONResponse:
    """Make the face in a video speak an audio track (3 credits per started minute of video).

    video_url and audio_url must be links this studio gave out for your own files: a film's
    video_url, or the output_url of an audio-generate, music-generate or lip-sync job. Other
    addresses get a 422 (they are never fetched). The result (GET /api/ai/jobs/{id}) is an MP4
    as long as the video, with the new audio; when no Wav2Lip weights are installed it is the
    video with the new audio and result.warnings says so.
    """
    return await _accepted(
        session,
        user,
        request,
        body,
        lambda: lipsync.lip_sync(session, context.settings, context.storage, user, body),
    )


@router.get(
    "/jobs/{job_id}", response_model=JobResponse, responses={404: {"description": "No such job"}}
)
async def get_job(
    job_id: uuid.UUID, user: CurrentUser, session: Session, context: Context
) -> JobResponse:
    """A job's status, progress, stage, ETA, place in the queue and (when complete) its
    output link."""
    job = await jobs.owned(session, user, job_id)
    return jobs.describe(job, context.storage, await queue_position(session, job))


@router.post(
    "/jobs/{job_id}/cancel",
    response_model=JobResponse,
    responses={404: {"description": "No such job"}, 409: {"description": "Already finished"}},
)
async def cancel_job(
    job_id: uuid.UUID, user: CurrentUser, session: Session, context: Context
) -> JobResponse:
    """Stop a queued or running job; its credits are refunded. A running render stops within
    a second or two."""
    return jobs.describe(await jobs.cancel(session, user, job_id), context.storage)
