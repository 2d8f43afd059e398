"""A music track picked in the studio, stored through the same upload service as the API."""

from __future__ import annotations

from pathlib import Path

from anyio import to_thread
from fastapi import UploadFile

from app.context import AppContext
from app.ui.runtime import SignedIn
from app.uploads.schemas import UploadResponse
from app.uploads.service import store_track

TRACK_TYPES = [".mp3", ".wav", ".ogg", ".flac"]


async def store_track_file(signed: SignedIn, context: AppContext, path: str) -> UploadResponse:
    """Check and store the track Gradio received, exactly as POST /api/uploads/audio does."""
    handle = await to_thread.run_sync(Path(path).open, "rb")
    try:
        upload = UploadFile(file=handle, filename=Path(path).name)
        return await store_track(signed.session, context, signed.user, upload)
    finally:
        await to_thread.run_sync(handle.close)


def track_choice_label(filename: str) -> str:
    """How an uploaded track appears among the music choices."""
    return f"My track: {filename}"
