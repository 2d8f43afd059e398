"""Response bodies of the upload service."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from db.enums import UploadKind


class UploadResponse(BaseModel):
    """One stored upload; put `ref` in a project's `images` (or `music` for a track)."""

    id: uuid.UUID
    ref: str
    kind: UploadKind
    filename: str
    content_type: str
    size_bytes: int
    width: int | None
    height: int | None
    created_at: datetime
    duration_s: float | None = None
    face_detected: bool = False
    """A face was found: the upload carries the uploader's likeness consent."""
    consent_id: uuid.UUID | None = None


class ImageUploadResponse(BaseModel):
    """POST /api/uploads/images."""

    images: list[UploadResponse]


class StorageUsage(BaseModel):
    """GET /api/uploads/usage: what the account's uploads take against its plan's quota."""

    bytes_used: int
    bytes_limit: int
    files_used: int
    files_limit: int
