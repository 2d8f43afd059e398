"""Admin routes for likeness consents: list them, revoke one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.consent import service
from app.consent.schemas import (
    ConsentListResponse,
    ConsentResponse,
    RevokeRequest,
    RevokeResponse,
)
from app.deps import AdminUser, Session
from app.schemas import PageParams, page_params
from db.models import Upload
from db.repositories import consents as consent_repo

router = APIRouter(
    prefix="/api/admin/consents",
    tags=["admin"],
    responses={
        401: {"description": "Not signed in"},
        403: {"description": "Not an administrator"},
    },
)

Paging = Annotated[PageParams, Depends(page_params)]


@router.get("", response_model=ConsentListResponse)
async def list_consents(
    _: AdminUser,
    session: Session,
    paging: Paging,
    user_id: Annotated[uuid.UUID | None, Query(description="Only this uploader's.")] = None,
    revoked: Annotated[bool | None, Query(description="Only revoked (true) or standing.")] = None,
) -> ConsentListResponse:
    """Every likeness consent, newest first."""
    page = await consent_repo.list_page(
        session, paging.offset, paging.per_page, user_id=user_id, revoked=revoked
    )
    return ConsentListResponse(
        consents=[ConsentResponse.of(consent, upload) for consent, upload in page.items],
        total=page.total,
        page=paging.page,
        per_page=paging.per_page,
    )


@router.post(
    "/{consent_id}/revoke",
    response_model=RevokeResponse,
    responses={
        404: {"description": "No such consent"},
        409: {"description": "Already revoked"},
    },
)
async def revoke_consent(
    consent_id: uuid.UUID, body: RevokeRequest, admin: AdminUser, session: Session
) -> RevokeResponse:
    """Revoke the consent for an image: the projects using it are marked, and renders of them
    (new, or queued and not yet started) are refused while they use the image."""
    consent, marked = await service.revoke(session, admin, consent_id, body.reason)
    upload = await session.get(Upload, consent.upload_id)
    assert upload is not None
    return RevokeResponse(consent=ConsentResponse.of(consent, upload), marked_projects=marked)
