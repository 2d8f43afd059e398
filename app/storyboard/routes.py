"""Storyboard routes: /api/projects/{id}/scenes..., render-estimate and render."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, status
from fastapi.responses import JSONResponse

from app.deps import Context, CurrentUser, Session
from app.idempotency import respond_once
from app.storyboard import preview, service
from app.storyboard.schemas import (
    RenderChangesResponse,
    RenderEstimateResponse,
    SceneEditRequest,
    SceneInsertRequest,
    SceneListResponse,
    SceneMoveRequest,
    ScenePreviewResponse,
)

router = APIRouter(prefix="/api/projects", tags=["storyboard"])

ERRORS = {
    402: {"description": "Not enough credits (body has balance and cost)"},
    404: {"description": "No such project in your account, or no such scene"},
    409: {
        "description": "The project's render is pending or running (code "
        "`render_in_progress`), too many jobs are active, or a face image's consent was revoked"
    },
    422: {
        "description": "The edited script breaks a rule of new projects (length fit, language, "
        "image refs, characters), or the position is out of range"
    },
}
EDIT_ERRORS: dict[int | str, dict[str, Any]] = {code: ERRORS[code] for code in (404, 409, 422)}
SceneIndex = Annotated[int, Path(ge=0, le=10_000, description="The scene's index (0 = first).")]


@router.get("/{project_id}/scenes", response_model=SceneListResponse, responses={404: ERRORS[404]})
async def list_scenes(
    project_id: uuid.UUID, user: CurrentUser, session: Session, context: Context
) -> SceneListResponse:
    """The film's scenes (the script's paragraphs), where each sits in the last render, a
    thumbnail from it, and whether it changed since."""
    return await service.list_scenes(session, user, project_id, context.storage)


@router.post(
    "/{project_id}/scenes",
    status_code=status.HTTP_201_CREATED,
    response_model=SceneListResponse,
    responses=EDIT_ERRORS,
)
async def insert_scene(
    project_id: uuid.UUID,
    body: SceneInsertRequest,
    user: CurrentUser,
    session: Session,
    context: Context,
) -> SceneListResponse:
    """Add a scene at `position` (last by default); the script gains a paragraph."""
    return await service.insert_scene(session, user, project_id, body, context.storage)


@router.patch(
    "/{project_id}/scenes/{index}", response_model=SceneListResponse, responses=EDIT_ERRORS
)
async def edit_scene(
    project_id: uuid.UUID,
    index: SceneIndex,
    body: SceneEditRequest,
    user: CurrentUser,
    session: Session,
    context: Context,
) -> SceneListResponse:
    """Change a scene's text, pinned image, speaker or voice (fields left out are kept)."""
    return await service.edit_scene(session, user, project_id, index, body, context.storage)


@router.delete(
    "/{project_id}/scenes/{index}", response_model=SceneListResponse, responses=EDIT_ERRORS
)
async def delete_scene(
    project_id: uuid.UUID, index: SceneIndex, user: CurrentUser, session: Session, context: Context
) -> SceneListResponse:
    """Remove a scene from the script."""
    return await service.delete_scene(session, user, project_id, index, context.storage)


@router.post(
    "/{project_id}/scenes/{index}/move", response_model=SceneListResponse, responses=EDIT_ERRORS
)
async def move_scene(
    project_id: uuid.UUID,
    index: SceneIndex,
    body: SceneMoveRequest,
    user: CurrentUser,
    session: Session,
    context: Context,
) -> SceneListResponse:
    """Move a scene to index `to`."""
    return await service.move_scene(session, user, project_id, index, body.to, context.storage)


@router.post(
    "/{project_id}/scenes/{index}/preview",
    response_model=ScenePreviewResponse,
    responses={
        404: ERRORS[404],
        422: {"description": "The scene has nothing to say"},
        429: {"description": "Too many previews; retry after `Retry-After` seconds"},
        503: {"description": "The preview took too long or could not be rendered"},
    },
)
async def preview_scene(
    project_id: uuid.UUID, index: SceneIndex, user: CurrentUser, session: Session, context: Context
) -> ScenePreviewResponse:
    """The scene alone as a short 360p MP4 with its narration: free, a few per minute."""
    return await preview.preview_scene(session, user, project_id, index, context)


@router.get(
    "/{project_id}/render-estimate",
    response_model=RenderEstimateResponse,
    responses={404: ERRORS[404], 422: ERRORS[422]},
)
async def render_estimate(
    project_id: uuid.UUID, user: CurrentUser, session: Session, context: Context
) -> RenderEstimateResponse:
    """Credits and seconds of film a render of the changes since the last render takes."""
    return await service.render_estimate(session, user, project_id, context.settings)


@router.post(
    "/{project_id}/render",
    response_model=RenderChangesResponse,
    responses={code: ERRORS[code] for code in (402, 404, 409, 422)},
)
async def render_changes(
    project_id: uuid.UUID, request: Request, user: CurrentUser, session: Session
) -> JSONResponse:
    """Render the changed scenes (the price of GET render-estimate), keeping the last render's
    seed; Idempotency-Key makes retries safe."""
    return await respond_once(
        session,
        user,
        request,
        None,
        status.HTTP_200_OK,
        lambda: service.render_changes(session, user, project_id),
    )
