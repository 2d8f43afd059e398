"""Project rules: create, read, list, regenerate and delete films."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.credits import service as credits
from app.download_names import download_name
from app.errors import Conflict, NotFound
from app.jobs import lifecycle
from app.jobs.limits import check_active_jobs, queue_position
from app.jobs.params import RenderParams
from app.jobs.queueing import enqueue
from app.projects.rules import check_film_settings
from app.projects.schemas import (
    CreateProjectRequest,
    CreateProjectResponse,
    FilmSettings,
    ProjectListResponse,
    ProjectResponse,
    ProjectSummary,
    RegenerateResponse,
)
from app.schemas import PageParams, from_row
from app.storage import Storage
from app.storage_keys import project_prefix
from db.enums import JobKind, JobStatus, ProjectStatus
from db.models import Job, Project, User
from db.repositories import jobs as job_repo
from db.repositories import logs as log_repo
from db.repositories import projects as project_repo

BUSY_STATUSES = (ProjectStatus.PENDING, ProjectStatus.PROCESSING)


async def create(
    session: AsyncSession, user: User, request: CreateProjectRequest
) -> CreateProjectResponse:
    """Check the settings, store the project and queue its render, paid in the same transaction."""
    plan = await credits.user_plan(session, user)
    await check_film_settings(session, user, plan, request)
    project = await project_repo.add(
        session, Project(user_id=user.id, status=ProjectStatus.PENDING, **request.model_dump())
    )
    await log_repo.add(
        session,
        "project.create",
        f"Created '{project.title}' ({project.duration} min)",
        user_id=user.id,
        project_id=project.id,
    )
    job, balance = await queue_render(
        session, user, project, credits.film_cost(plan, request.duration)
    )
    return from_row(
        CreateProjectResponse,
        project,
        job_id=job.id,
        credits_charged=job.credits,
        credits_balance=balance,
    )


async def queue_render(
    session: AsyncSession,
    user: User,
    project: Project,
    cost: int,
    params: RenderParams | None = None,
    note: str | None = None,
    output_minutes: float | None = None,
) -> tuple[Job, int]:
    """Create the render job and debit its cost atomically; the job and the new balance.

    The job's params record the project's settings as rendered (params.snapshot);
    output_minutes (default: the film's) is what the job is sized by."""
    snapshot = FilmSettings.model_validate(project, from_attributes=True).model_dump(mode="json")
    params = (params or RenderParams()).model_copy(update={"snapshot": snapshot})
    job = await job_repo.add(
        session,
        Job(
            id=uuid.uuid4(),
            kind=JobKind.RENDER,
            status=JobStatus.QUEUED,
            user_id=user.id,
            project_id=project.id,
            credits=cost,
            output_minutes=float(project.duration) if output_minutes is None else output_minutes,
            params=params.to_column(),
        ),
    )
    balance = await credits.debit_for_job(
        session, user, cost, job, note=note or f"{project.duration}-minute film '{project.title}'"
    )
    await check_active_jobs(session, user)  # under the user lock the debit took
    await enqueue(session, job)
    return job, balance


async def _owned(
    session: AsyncSession, user: User, project_id: uuid.UUID, lock: bool = False
) -> Project:
    project = await project_repo.get_owned(session, project_id, user.id, lock=lock)
    if project is None:
        raise NotFound("No project with this id in your account.")
    return project


async def get(
    session: AsyncSession, user: User, project_id: uuid.UUID, storage: Storage
) -> ProjectResponse:
    """The user's project with its latest job's progress and fresh download links; 404 for
    anyone else's."""
    found = await project_repo.get_owned_with_latest_job(
        session, project_id, user.id, JobKind.RENDER
    )
    if found is None:
        raise NotFound("No project with this id in your account.")
    project, job = found
    return from_row(
        ProjectResponse,
        project,
        **film_links(project, storage),
        likeness_revoked=project.likeness_revoked_at is not None,
        job_id=job.id if job else None,
        job_status=job.status if job else None,
        queue_position=await queue_position(session, job) if job else None,
        progress=round(job.progress, 1) if job else 0.0,
        stage=job.stage if job else None,
        eta_seconds=job.eta_s if job else None,
    )


def film_links(project: Project, storage: Storage) -> dict[str, str | None]:
    """Signed, expiring download links for a finished project's film and subtitles, by
    response field (video_url, subtitles_url, subtitles_vtt_url); None until it is complete."""
    files = {
        "video_url": (project.video_key, "mp4"),
        "subtitles_url": (project.subtitles_key, "srt"),
        "subtitles_vtt_url": (project.subtitles_vtt_key, "vtt"),
    }
    finished = project.status is ProjectStatus.COMPLETE and project.video_key is not None
    return {
        field: storage.url(key, filename=download_name(project.title, extension))
        if finished and key
        else None
        for field, (key, extension) in files.items()
    }


async def list_page(
    session: AsyncSession, user: User, paging: PageParams, storage: Storage
) -> ProjectListResponse:
    """A page of the user's projects, newest first, each with a fresh link to its film."""
    page = await project_repo.list_for_user(session, user.id, paging.offset, paging.per_page)
    return ProjectListResponse(
        projects=[
            from_row(ProjectSummary, project, video_url=film_links(project, storage)["video_url"])
            for project in page.items
        ],
        total=page.total,
        page=paging.page,
        per_page=paging.per_page,
    )


async def regenerate(
    session: AsyncSession, user: User, project_id: uuid.UUID
) -> RegenerateResponse:
    """Queue a new render of a finished or failed project; 409 while one is pending or running."""
    project, job, balance = await rerender(session, user, project_id)
    return from_row(
        RegenerateResponse,
        project,
        job_id=job.id,
        credits_charged=job.credits,
        credits_balance=balance,
    )


async def rerender(
    session: AsyncSession,
    user: User,
    project_id: uuid.UUID,
    changes: FilmSettings | None = None,
) -> tuple[Project, Job, int]:
    """Render a project again, optionally with new film settings; the project, job, balance."""
    project = await _owned(session, user, project_id, lock=True)
    if project.status in BUSY_STATUSES:
        raise Conflict(
            f"The project is {project.status}; wait for its render to finish before rendering "
            "it again.",
            status=str(project.status),
        )
    settings = changes or FilmSettings.model_validate(project, from_attributes=True)
    plan = await credits.user_plan(session, user)
    await check_film_settings(session, user, plan, settings)
    for name, value in settings.model_dump().items():
        setattr(project, name, value)
    project.status = ProjectStatus.PENDING
    project.error = None
    await log_repo.add(
        session,
        "project.regenerate",
        f"Rendering '{project.title}' again" + (" with new settings" if changes else ""),
        user_id=user.id,
        project_id=project.id,
    )
    job, balance = await queue_render(
        session, user, project, credits.film_cost(plan, project.duration)
    )
    return project, job, balance


async def delete(session: AsyncSession, user: User, project_id: uuid.UUID) -> str:
    """Delete a project; its queued or running render is cancelled and refunded first.

    Returns the storage prefix of the project's files for the caller to remove after commit.
    """
    project = await _owned(session, user, project_id, lock=True)
    for job in await job_repo.active_for_project(session, project.id):
        await lifecycle.cancel(session, job, "the project was deleted")
    await log_repo.add(
        session,
        "project.delete",
        f"Deleted '{project.title}'",
        user_id=user.id,
        project_id=project.id,
    )
    await project_repo.remove(session, project.id)
    return project_prefix(project.id)
