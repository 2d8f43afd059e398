"""Upload routes: character images and music tracks (multipart), usage, deletion."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile, status

from app.consent.statement import STATEMENT
from app.deps import Context, CurrentUser, Session, client_address
from app.uploads import quotas, service
from app.uploads.schemas import ImageUploadResponse, StorageUsage, UploadResponse

router = APIRouter(prefix="/api/uploads", tags=["uploads"])


@router.post(
    "/images",
    status_code=status.HTTP_201_CREATED,
    response_model=ImageUploadResponse,
    responses={
        409: {"description": "The plan's storage quota is used up"},
        413: {"description": "File too large"},
        422: {
            "description": "Not a usable image, or an image with a face sent without "
            "`consent=true` (code `consent_required`, with the statement)"
        },
        429: {"description": "Too many uploads"},
    },
)
async def upload_images(
    files: Annotated[list[UploadFile], File(description="One or more JPEG/PNG/WebP images.")],
    user: CurrentUser,
    session: Session,
    context: Context,
    request: Request,
    consent: Annotated[
        bool,
        Form(description=f'Required when an image shows a face: you confirm "{STATEMENT}"'),
    ] = False,
) -> ImageUploadResponse:
    """Store character images; name a file after a character (e.g. `Arjun.jpg`) to make the
    screenplay line `ARJUN: ...` show that image while Arjun speaks. An image in which a face
    is found needs `consent=true`; the consent is recorded with the upload."""
    stored = await service.store_images(
        session, context, user, files, consent, client_address(request)
    )
    return ImageUploadResponse(images=stored)


@router.post(
    "/audio",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadResponse,
    responses={
        409: {"description": "The plan's storage quota is used up"},
        413: {"description": "File too large"},
        422: {"description": "Not usable audio"},
        429: {"description": "Too many uploads"},
    },
)
async def upload_audio(
    file: Annotated[UploadFile, File(description="A WAV, MP3, OGG or FLAC music track.")],
    user: CurrentUser,
    session: Session,
    context: Context,
) -> UploadResponse:
    """Store a music track; put its `ref` in a project's `music` to score the film with it
    (looped or trimmed to the film's length, with fades)."""
    return await service.store_track(session, context, user, file)


@router.get("/usage", response_model=StorageUsage)
async def usage(user: CurrentUser, session: Session) -> StorageUsage:
    """What your uploads take against your plan's storage quota (bytes and files)."""
    return await quotas.usage(session, user)


@router.delete(
    "/{upload_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "No such upload in your account"}},
)
async def delete_upload(
    upload_id: uuid.UUID, user: CurrentUser, session: Session, context: Context
) -> Response:
    """Delete one of your uploads and its file (frees quota)."""
    await service.delete_upload(session, context, user, upload_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
