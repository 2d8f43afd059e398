"""GET /api/projects/{id}/quality: the checks a film must pass before it is published."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from app.deps import Context, CurrentUser, Session
from app.quality import service
from app.quality.schemas import CheckResponse, QualityResponse

router = APIRouter(prefix="/api/projects", tags=["projects"])


@router.get(
    "/{project_id}/quality",
    response_model=QualityResponse,
    responses={
        404: {"description": "No such project in your account"},
        409: {"description": "The project has no film yet"},
    },
)
async def quality(
    project_id: uuid.UUID, user: CurrentUser, session: Session, context: Context
) -> QualityResponse:
    """Check the stored film's contract (length, loudness, true peak, subtitle rules), its
    Content Credentials and the likeness consent of every face image; publishing to YouTube
    is refused (409, `quality_gate_failed`) while any check fails."""
    project, checks = await service.project_checks(
        session, user, project_id, context.storage, context.settings
    )
    bodies = [CheckResponse(name=c.name, passed=c.passed, reason=c.reason) for c in checks]
    return QualityResponse(
        project_id=project.id,
        publishable=all(check.passed for check in checks),
        checks=bodies,
        failed=[body for body in bodies if not body.passed],
    )
