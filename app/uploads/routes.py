"""Upload routes: character images (multipart)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status

from app.deps import Context, CurrentUser, Session
from app.uploads import service
from app.uploads.schemas import ImageUploadResponse, UploadResponse

router = APIRouter(prefix="/api/uploads", tags=["uploads"])


@router.post(
    "/images",
    status_code=status.HTTP_201_CREATED,
    response_model=ImageUploadResponse,
    responses={413: {"description": "File too large"}, 422: {"description": "Not a usable image"}},
)
async def upload_images(
    files: Annotated[list[UploadFile], File(description="One or more JPEG/PNG/WebP images.")],
    user: CurrentUser,
    session: Session,
    context: Context,
) -> ImageUploadResponse:
    """Store character images; name a file after a character (e.g. `Arjun.jpg`) to make the
    screenplay line `ARJUN: ...` show that image while Arjun speaks."""
    return ImageUploadResponse(images=await service.store_images(session, context, user, files))


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
