"""AI job rules: size and charge each job by the minutes it produces, queue it, estimate it."""

from __future__ import annotations

import math
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.ai.schemas import AudioGenerateRequest, MusicGenerateRequest, VideoGenerateRequest
from app.config import Settings
from app.credits import service as credits
from app.errors import NotFound, Unprocessable
from app.jobs.estimate import estimate
from app.jobs.limits import check_active_jobs, queue_position
from app.jobs.params import JobParams, MusicParams, NarrationParams
from app.jobs.queueing import enqueue
from app.jobs.schemas import JobQueuedResponse
from app.music.catalogue import is_catalogue_style
from app.projects import service as projects
from app.projects.schemas import FilmSettings
from app.schemas import from_row
from db.enums import JobKind, JobStatus
from db.models import Job, Project, User
from db.repositories import jobs as job_repo
from db.repositories import projects as project_repo
from pipeline.timing import estimate_narration_s

SECONDS_PER_MINUTE = 60


def billed_minutes(seconds: float) -> int:
    """Whole minutes charged for this much output (at least one)."""
    return max(1, math.ceil(seconds / SECONDS_PER_MINUTE))


async def owned_project(session: AsyncSession, user: User, project_id: uuid.UUID) -> Project:
    """The user's project; 404 for anyone else's."""
    project = await project_repo.get_owned(session, project_id, user.id)
    if project is None:
        raise NotFound("No project with this id in your account.")
    return project


async def _queued(
    session: AsyncSession, settings: Settings, job: Job, minutes: float
) -> JobQueuedResponse:
    expected = await estimate(session, job.kind, minutes, settings.worker_stalled_after_s)
    return from_row(
        JobQueuedResponse,
        job,
        job_id=job.id,
        estimated_time=expected.text(),
        estimated_seconds=round(expected.seconds, 1),
        estimate_basis=expected.basis,
        credits_charged=job.credits,
        project_id=job.project_id,
        queue_position=await queue_position(session, job),
    )


async def queue_stage_job(
    session: AsyncSession,
    settings: Settings,
    user: User,
    project: Project,
    kind: JobKind,
    output_s: float,
    params: JobParams,
) -> JobQueuedResponse:
    """Charge by the minute of output, create the job and queue it, all in one transaction.

    output_s is the seconds of output the job makes (stored as jobs.output_minutes)."""
    plan = await credits.user_plan(session, user)
    minutes = billed_minutes(output_s)
    credits.check_plan_allows(plan, minutes)
    job = await job_repo.add(
        session,
        Job(
            id=uuid.uuid4(),
            kind=kind,
            status=JobStatus.QUEUED,
            user_id=user.id,
            project_id=project.id,
            credits=credits.film_cost(plan, minutes),
            output_minutes=output_s / SECONDS_PER_MINUTE,
            params=params.to_column(),
        ),
    )
    await credits.debit_for_job(
        session, user, job.credits, job, note=f"{kind} job, {minutes} min for '{project.title}'"
    )
    await check_active_jobs(session, user)  # under the user lock the debit took
    await enqueue(session, job)
    return await _queued(session, settings, job, output_s / SECONDS_PER_MINUTE)


async def video_generate(
    session: AsyncSession, settings: Settings, user: User, request: VideoGenerateRequest
) -> JobQueuedResponse:
    """Render the project's film with the given settings (they replace the project's)."""
    changes = FilmSettings.model_validate(request.model_dump(exclude={"project_id"}))
    _, job, _ = await projects.rerender(session, user, request.project_id, changes)
    return await _queued(session, settings, job, request.duration)


async def audio_generate(
    session: AsyncSession, settings: Settings, user: User, request: AudioGenerateRequest
) -> JobQueuedResponse:
    """Narrate text in a voice; charged by the estimated minutes of speech."""
    project = await owned_project(session, user, request.project_id)
    seconds = estimate_narration_s(request.text, request.language, request.voice)
    return await queue_stage_job(
        session,
        settings,
        user,
        project,
        JobKind.AUDIO,
        seconds,
        NarrationParams(
            text=request.text,
            voice=str(request.voice),
            language=request.language,
        ),
    )


async def music_generate(
    session: AsyncSession, settings: Settings, user: User, request: MusicGenerateRequest
) -> JobQueuedResponse:
    """Compose a music track of the requested seconds in a catalogue style."""
    project = await owned_project(session, user, request.project_id)
    if not is_catalogue_style(request.style) or request.style == "none":
        raise Unprocessable(
            f"Style '{request.style[:80]}' is not a music style; pick one from "
            "GET /api/music/catalogue (other than none).",
            code="unknown_music",
        )
    return await queue_stage_job(
        session,
        settings,
        user,
        project,
        JobKind.MUSIC,
        float(request.duration),
        MusicParams(
            style=request.style,
            prompt=request.prompt,
            duration_s=request.duration,
        ),
    )
