"""Upload rules: size limits, real image checks, storage under the user's folder."""

from __future__ import annotations

import uuid

from anyio import to_thread
from fastapi import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from app.context import AppContext
from app.errors import BadRequest, PayloadTooLarge, Unprocessable
from app.uploads.filenames import safe_filename
from app.uploads.schemas import UploadResponse
from db.enums import UploadKind
from db.models import Upload, User
from db.repositories import logs as log_repo
from db.repositories import uploads as upload_repo
from pipeline.errors import InputError
from pipeline.images import inspect_image

MAX_FILES_PER_REQUEST = 20
READ_CHUNK_BYTES = 1024 * 1024


def upload_key(user_id: uuid.UUID, upload_id: uuid.UUID, filename: str) -> str:
    """The storage key of an upload."""
    return f"users/{user_id}/uploads/{upload_id}/{filename}"


async def read_limited(file: UploadFile, max_bytes: int) -> bytes:
    """The upload's bytes; 413 as soon as it passes max_bytes."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await file.read(READ_CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(
                f"{file.filename or 'The file'} is larger than the {max_bytes // (1024 * 1024)} MB "
                "upload limit.",
                max_bytes=max_bytes,
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def store_images(
    session: AsyncSession, context: AppContext, user: User, files: list[UploadFile]
) -> list[UploadResponse]:
    """Check every image first (nothing is stored if one is bad), then store them all."""
    if not files:
        raise BadRequest("Attach at least one image in the `files` field.")
    if len(files) > MAX_FILES_PER_REQUEST:
        raise BadRequest(f"Upload at most {MAX_FILES_PER_REQUEST} images at once.")
    checked = []
    for file in files:
        data = await read_limited(file, context.settings.max_upload_bytes)
        label = file.filename or "upload"
        try:
            info = await to_thread.run_sync(
                inspect_image, data, label, context.settings.max_image_pixels
            )
        except InputError as error:
            raise Unprocessable(str(error), code="bad_image", filename=label) from error
        checked.append((file, data, info))
    stored = []
    for file, data, info in checked:
        upload_id = uuid.uuid4()
        filename = safe_filename(file.filename, info.extension)
        key = upload_key(user.id, upload_id, filename)
        content_type = f"image/{info.format.lower()}"
        await to_thread.run_sync(context.storage.put_bytes, key, data, content_type)
        upload = await upload_repo.add(
            session,
            Upload(
                id=upload_id,
                user_id=user.id,
                kind=UploadKind.IMAGE,
                filename=filename,
                storage_key=key,
                content_type=content_type,
                size_bytes=len(data),
                width=info.width,
                height=info.height,
            ),
        )
        await log_repo.add(
            session,
            "upload.image",
            f"Uploaded {filename} ({info.width}x{info.height})",
            user_id=user.id,
        )
        stored.append(upload)
    await session.flush()
    return [
        UploadResponse(
            id=upload.id,
            ref=upload.ref,
            kind=upload.kind,
            filename=upload.filename,
            content_type=upload.content_type,
            size_bytes=upload.size_bytes,
            width=upload.width,
            height=upload.height,
            created_at=upload.created_at,
        )
        for upload in stored
    ]
