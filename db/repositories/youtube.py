"""SQL for YouTube publishing: connected accounts, uploads, and the upload job's step log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import JobStatus, UploadStatus
from db.models import Job, Project, YoutubeAccount, YoutubeIntegration
from db.repositories.logs import MAX_MESSAGE_CHARS
from db.repositories.pages import Page

UNFINISHED_UPLOADS = (UploadStatus.PENDING, UploadStatus.PROCESSING)
LIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
MAX_ACTION_CHARS = 255

_INSERT_LOG = (
    "INSERT INTO logs (id, action, message, user_id, project_id) VALUES (%s, %s, %s, %s, %s)"
)


@dataclass(frozen=True)
class UploadRow:
    """An upload with what the listing shows beside it: its film's title and its job."""

    upload: YoutubeIntegration
    project_title: str
    job_status: JobStatus | None
    job_error: str | None
    job_progress: float | None


async def get_account(
    session: AsyncSession, user_id: uuid.UUID, lock: bool = False
) -> YoutubeAccount | None:
    """The user's YouTube account row (connected or not), optionally locked, or None."""
    query = select(YoutubeAccount).where(YoutubeAccount.user_id == user_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def add_account(session: AsyncSession, account: YoutubeAccount) -> YoutubeAccount:
    """Insert an account row and flush."""
    session.add(account)
    await session.flush()
    return account


async def add_upload(session: AsyncSession, upload: YoutubeIntegration) -> YoutubeIntegration:
    """Insert an upload row and flush so its defaults are loaded."""
    session.add(upload)
    await session.flush()
    await session.refresh(upload)
    return upload


async def get_upload(
    session: AsyncSession, upload_id: uuid.UUID, lock: bool = False
) -> YoutubeIntegration | None:
    """The upload with this id (optionally locked for update), or None."""
    query = select(YoutubeIntegration).where(YoutubeIntegration.id == upload_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def unfinished_upload_of_project(
    session: AsyncSession, project_id: uuid.UUID
) -> YoutubeIntegration | None:
    """An upload of the project that is still queued or running, if any."""
    query = (
        select(YoutubeIntegration)
        .join(Job, Job.id == YoutubeIntegration.job_id)
        .where(
            YoutubeIntegration.project_id == project_id,
            YoutubeIntegration.upload_status.in_(UNFINISHED_UPLOADS),
            Job.status.in_(LIVE_JOB_STATUSES),
        )
        .limit(1)
    )
    return await session.scalar(query)


def _rows_query() -> Select[YoutubeIntegration, str, JobStatus | None, str | None, float | None]:
    return (
        select(YoutubeIntegration, Project.title, Job.status, Job.error, Job.progress)
        .join(Project, Project.id == YoutubeIntegration.project_id)
        .outerjoin(Job, Job.id == YoutubeIntegration.job_id)
    )


async def get_owned_row(
    session: AsyncSession, upload_id: uuid.UUID, user_id: uuid.UUID
) -> UploadRow | None:
    """The user's upload with its film title and job, or None (also for anyone else's)."""
    query = _rows_query().where(
        YoutubeIntegration.id == upload_id, YoutubeIntegration.user_id == user_id
    )
    row = (await session.execute(query)).one_or_none()
    return UploadRow(*row) if row is not None else None


async def list_for_user(
    session: AsyncSession, user_id: uuid.UUID, offset: int, limit: int
) -> Page[UploadRow]:
    """The user's uploads, newest first, with their film titles and jobs."""
    total = await session.scalar(
        select(func.count())
        .select_from(YoutubeIntegration)
        .where(YoutubeIntegration.user_id == user_id)
    )
    query = (
        _rows_query()
        .where(YoutubeIntegration.user_id == user_id)
        .order_by(YoutubeIntegration.created_at.desc(), YoutubeIntegration.id)
        .offset(offset)
        .limit(limit)
    )
    rows: Sequence[UploadRow] = [UploadRow(*row) for row in (await session.execute(query)).all()]
    return Page(items=rows, total=int(total or 0))


def add_log_now(
    connection: psycopg.Connection[tuple[str]],
    action: str,
    message: str,
    user_id: uuid.UUID,
    project_id: uuid.UUID | None,
) -> None:
    """Append one audit row at once on a plain autocommit connection (a job's worker thread)."""
    connection.execute(
        _INSERT_LOG,
        (
            uuid.uuid4(),
            action[:MAX_ACTION_CHARS],
            message[:MAX_MESSAGE_CHARS],
            user_id,
            project_id,
        ),
    )
