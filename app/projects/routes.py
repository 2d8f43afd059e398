"""Project service routes: /api/projects/..."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from app.deps import CurrentUser, Session
from app.projects import service
from app.projects.schemas import (
    CreateProjectRequest,
    CreateProjectResponse,
    ProjectListResponse,
    ProjectResponse,
    RegenerateResponse,
)
from app.schemas import PageParams, page_params

router = APIRouter(prefix="/api/projects", tags=["projects"])

ERRORS = {
    402: {"description": "Not enough credits (body has balance and cost)"},
    404: {"description": "No such project in your account"},
    409: {"description": "The project's render is pending or running"},
    422: {"description": "Invalid settings, plan limit, or a script that cannot fit"},
}


@router.post(
    "/create",
    status_code=status.HTTP_201_CREATED,
    response_model=CreateProjectResponse,
    responses={code: ERRORS[code] for code in (402, 422)},
)
async def create(
    body: CreateProjectRequest, user: CurrentUser, session: Session
) -> CreateProjectResponse:
    """Create a project and queue its film; debits 3 credits a minute."""
    return await service.create(session, user, body)


@router.get("", response_model=ProjectListResponse)
async def list_projects(
    user: CurrentUser, session: Session, paging: Annotated[PageParams, Depends(page_params)]
) -> ProjectListResponse:
    """The signed-in user's projects, newest first."""
    return await service.list_page(session, user, paging)


@router.get("/{project_id}", response_model=ProjectResponse, responses={404: ERRORS[404]})
async def get_project(
    project_id: uuid.UUID, user: CurrentUser, session: Session
) -> ProjectResponse:
    """A project with its status, progress and film links."""
    return await service.get(session, user, project_id)


@router.post(
    "/{project_id}/regenerate",
    response_model=RegenerateResponse,
    responses={code: ERRORS[code] for code in (402, 404, 409, 422)},
)
async def regenerate(
    project_id: uuid.UUID, user: CurrentUser, session: Session
) -> RegenerateResponse:
    """Render the project's film again (charged again)."""
    return await service.regenerate(session, user, project_id)


@router.delete(
    "/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: ERRORS[404], 409: {"description": "The film is rendering"}},
)
async def delete_project(project_id: uuid.UUID, user: CurrentUser, session: Session) -> Response:
    """Delete a project and its files; a queued render is cancelled and refunded."""
    await service.delete(session, user, project_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
