"""Upload rules: size limits, real image checks, storage under the user's folder."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from anyio import to_thread
from fastapi import UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from app.consent import service as consent_service
from app.consent.faces import image_has_face
from app.context import AppContext
from app.errors import BadRequest, NotFound, PayloadTooLarge, Unprocessable
from app.schemas import from_row
from app.storage_keys import upload_key, upload_prefix
from app.uploads.decoding import decoding_slot
from app.uploads.filenames import safe_filename
from app.uploads.image_guard import shrink_image
from app.uploads.quotas import check_room
from app.uploads.schemas import UploadResponse
from app.uploads.track_guard import check_track
from db.enums import UploadKind
from db.models import Upload, User
from db.repositories import logs as log_repo
from db.repositories import uploads as upload_repo
from pipeline.errors import InputError
from pipeline.media.images import inspect_image

MAX_FILES_PER_REQUEST = 20
READ_CHUNK_BYTES = 1024 * 1024


async def check_upload_rate(context: AppContext, user: User) -> None:
    """429 when the user has uploaded too often in the last minute."""
    await context.limiter.check("upload", str(user.id), context.settings.rate_limit_uploads)


async def delete_upload(
    session: AsyncSession, context: AppContext, user: User, upload_id: uuid.UUID
) -> None:
    """Delete the user's upload and its file; 404 for anyone else's. Films already made keep
    their copy; a render that still needs it fails and is refunded."""
    upload = await upload_repo.get_any_owned(session, user.id, upload_id)
    if upload is None:
        raise NotFound("No upload with this id in your account.")
    await upload_repo.delete(session, upload)
    await to_thread.run_sync(context.storage.delete_prefix, upload_prefix(user.id, upload_id))
    await log_repo.add(
        session, f"upload.{upload.kind}.deleted", f"Deleted {upload.filename}", user_id=user.id
    )


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
    session: AsyncSession,
    context: AppContext,
    user: User,
    files: list[UploadFile],
    consent: bool = False,
    client_address: str | None = None,
) -> list[UploadResponse]:
    """Check every image first (nothing is stored if one is bad, or shows a face without the
    uploader's likeness consent), then store them all, with a consent record per face."""
    if not files:
        raise BadRequest("Attach at least one image in the `files` field.")
    if len(files) > MAX_FILES_PER_REQUEST:
        raise BadRequest(f"Upload at most {MAX_FILES_PER_REQUEST} images at once.")
    settings = context.settings
    await check_upload_rate(context, user)
    checked = []
    for file in files:
        data = await read_limited(file, settings.max_upload_bytes)
        label = file.filename or "upload"
        try:
            async with decoding_slot(user.id, "image"):
                shrunk = await to_thread.run_sync(
                    shrink_image,
                    data,
                    label,
                    settings.max_image_pixels,
                    settings.max_image_decoded_bytes,
                )
                data = shrunk.data
                info = await to_thread.run_sync(
                    inspect_image, data, label, settings.max_image_pixels
                )
        except InputError as error:
            raise Unprocessable(str(error), code="bad_image", filename=label) from error
        face = await to_thread.run_sync(
            image_has_face, data, label, context.settings.max_image_pixels
        )
        if face:
            consent_service.require_consent(label, consent)
        checked.append((file, data, info, face))
    await check_room(session, user, sum(len(data) for _, data, _, _ in checked), len(checked))
    stored = []
    for file, data, info, face in checked:
        upload = await _store(
            session,
            context,
            user,
            UploadKind.IMAGE,
            safe_filename(file.filename, info.extension),
            data,
            f"image/{info.format.lower()}",
            f"{info.width}x{info.height}",
            width=info.width,
            height=info.height,
            face_detected=face,
        )
        consent_id = None
        if face:
            record = await consent_service.record(session, user, upload, data, client_address)
            consent_id = record.id
        stored.append(_response(upload, consent_id=consent_id))
    return stored


async def _store(
    session: AsyncSession,
    context: AppContext,
    user: User,
    kind: UploadKind,
    filename: str,
    data: bytes,
    content_type: str,
    described: str,
    width: int | None = None,
    height: int | None = None,
    face_detected: bool = False,
) -> Upload:
    """Put checked bytes in storage under the user's folder, record and log the upload."""
    upload_id = uuid.uuid4()
    key = upload_key(user.id, upload_id, filename)
    await to_thread.run_sync(context.storage.put_bytes, key, data, content_type)
    upload = await upload_repo.add(
        session,
        Upload(
            id=upload_id,
            user_id=user.id,
            kind=kind,
            filename=filename,
            storage_key=key,
            content_type=content_type,
            size_bytes=len(data),
            width=width,
            height=height,
            face_detected=face_detected,
        ),
    )
    await log_repo.add(
        session, f"upload.{kind}", f"Uploaded {filename} ({described})", user_id=user.id
    )
    return upload


def _response(
    upload: Upload, duration_s: float | None = None, consent_id: uuid.UUID | None = None
) -> UploadResponse:
    return from_row(UploadResponse, upload, duration_s=duration_s, consent_id=consent_id)


TRACK_CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
}
SECONDS_PER_MINUTE = 60


async def store_track(
    session: AsyncSession, context: AppContext, user: User, file: UploadFile
) -> UploadResponse:
    """Check a music track from its headers and a short decoded slice (the worker decodes it
    whole when a film uses it), then store it under the user's folder."""
    settings = context.settings
    await check_upload_rate(context, user)
    data = await read_limited(file, settings.max_audio_upload_bytes)
    label = file.filename or "track"
    await check_room(session, user, len(data), 1)
    with tempfile.TemporaryDirectory() as folder:
        probe_path = Path(folder) / (safe_filename(label, "", fallback="track") or "track")
        await to_thread.run_sync(probe_path.write_bytes, data)
        try:
            async with decoding_slot(user.id, "audio"):
                info = await to_thread.run_sync(
                    check_track,
                    probe_path,
                    label,
                    float(settings.max_track_minutes * SECONDS_PER_MINUTE),
                )
        except InputError as error:
            raise Unprocessable(str(error), code="bad_audio", filename=label) from error
    upload = await _store(
        session,
        context,
        user,
        UploadKind.AUDIO,
        safe_filename(label, info.extension, fallback="track"),
        data,
        TRACK_CONTENT_TYPES[info.extension],
        f"{info.duration_s:.0f} s",
    )
    return _response(upload, duration_s=round(info.duration_s, 2))
