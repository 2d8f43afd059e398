"""GET /api/projects/{id}/provenance: the film's Content Credentials (C2PA)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from app.deps import Context, CurrentUser, Session
from app.provenance import service
from app.provenance.schemas import ProvenanceResponse

router = APIRouter(prefix="/api/projects", tags=["projects"])


@router.get(
    "/{project_id}/provenance",
    response_model=ProvenanceResponse,
    responses={
        404: {"description": "No such project in your account"},
        409: {"description": "The project has no film yet, or its file is missing"},
    },
)
async def provenance(
    project_id: uuid.UUID, user: CurrentUser, session: Session, context: Context
) -> ProvenanceResponse:
    """The manifest embedded in the stored film and its validation, read back from the file
    with the C2PA reader (never from the database). `present: false` for a film without one."""
    return await service.film_provenance(
        session, user, project_id, context.storage, context.settings
    )
