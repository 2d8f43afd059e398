"""Upload routes: character images (multipart)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile, status

from app.consent.statement import STATEMENT
from app.deps import Context, CurrentUser, Session, client_address
from app.uploads import service
from app.uploads.schemas import ImageUploadResponse, UploadResponse

router = APIRouter(prefix="/api/uploads", tags=["uploads"])


@router.post(
    "/images",
    status_code=status.HTTP_201_CREATED,
    response_model=ImageUploadResponse,
    responses={
        413: {"description": "File too large"},
        422: {
            "description": "Not a usable image, or an image with a face sent without "
            "`consent=true` (code `consent_required`, with the statement)"
        },
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
    responses={413: {"description": "File too large"}, 422: {"description": "Not usable audio"}},
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
