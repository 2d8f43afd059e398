"""Project service routes: /api/projects/..."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.deps import Context, CurrentUser, Session
from app.idempotency import respond_once
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
    409: {
        "description": "The project's render is pending or running, too many jobs are active, "
        "or a face image's likeness consent was revoked (code `likeness_revoked`)"
    },
    422: {"description": "Invalid settings, plan limit, or a script that cannot fit"},
}


@router.post(
    "/create",
    status_code=status.HTTP_201_CREATED,
    response_model=CreateProjectResponse,
    responses={code: ERRORS[code] for code in (402, 409, 422)},
)
async def create(
    body: CreateProjectRequest, request: Request, user: CurrentUser, session: Session
) -> JSONResponse:
    """Create a project and queue its film; debits 3 credits a minute. Send an
    Idempotency-Key header to make retries safe."""
    return await respond_once(
        session,
        user,
        request,
        body,
        status.HTTP_201_CREATED,
        lambda: service.create(session, user, body),
    )


@router.get("", response_model=ProjectListResponse)
async def list_projects(
    user: CurrentUser,
    session: Session,
    context: Context,
    paging: Annotated[PageParams, Depends(page_params)],
) -> ProjectListResponse:
    """The signed-in user's projects, newest first, with signed film links."""
    return await service.list_page(session, user, paging, context.storage)


@router.get("/{project_id}", response_model=ProjectResponse, responses={404: ERRORS[404]})
async def get_project(
    project_id: uuid.UUID, user: CurrentUser, session: Session, context: Context
) -> ProjectResponse:
    """A project with its status, progress and film links."""
    return await service.get(session, user, project_id, context.storage)


@router.post(
    "/{project_id}/regenerate",
    response_model=RegenerateResponse,
    responses={code: ERRORS[code] for code in (402, 404, 409, 422)},
)
async def regenerate(
    project_id: uuid.UUID, request: Request, user: CurrentUser, session: Session
) -> JSONResponse:
    """Render the project's film again (charged again); Idempotency-Key makes retries safe."""
    return await respond_once(
        session,
        user,
        request,
        None,
        status.HTTP_200_OK,
        lambda: service.regenerate(session, user, project_id),
    )


@router.delete(
    "/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: ERRORS[404]},
)
async def delete_project(
    project_id: uuid.UUID,
    user: CurrentUser,
    session: Session,
    context: Context,
    background: BackgroundTasks,
) -> Response:
    """Delete a project and its files; an unfinished render is cancelled and refunded."""
    prefix = await service.delete(session, user, project_id)
    background.add_task(run_in_threadpool, context.storage.delete_prefix, prefix)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
