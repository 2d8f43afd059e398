"""Helpers for storyboard tests: a project whose last render is finished."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
from sqlalchemy import update

from app.context import AppContext
from db.enums import JobStatus, ProjectStatus
from db.models import Job, Project
from tests.app.test_projects import film
from tests.support.accounts import Account


async def finish_renders(context: AppContext, project_id: str) -> None:
    """Mark the project's render jobs finished and the project complete (no worker ran)."""
    async with context.sessions() as session, session.begin():
        await session.execute(
            update(Project)
            .where(Project.id == uuid.UUID(project_id))
            .values(status=ProjectStatus.COMPLETE)
        )
        await session.execute(
            update(Job)
            .where(Job.project_id == uuid.UUID(project_id), Job.status == JobStatus.QUEUED)
            .values(status=JobStatus.COMPLETE, finished_at=datetime.now(UTC))
        )


async def rendered_project(
    client: httpx.AsyncClient, context: AppContext, account: Account, **changes: object
) -> str:
    """A 1-minute project whose first render has finished; its id."""
    created = await client.post(
        "/api/projects/create", json=film(**changes), headers=account.headers
    )
    assert created.status_code == 201, created.text
    project_id = str(created.json()["id"])
    await finish_renders(context, project_id)
    return project_id
