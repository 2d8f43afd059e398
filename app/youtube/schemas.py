"""Request and response bodies of the YouTube service (seed fields first, extras after)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from app.schemas import LineText
from app.youtube.metadata import DEFAULT_PRIVACY, Privacy
from db.enums import UploadStatus

MAX_TAGS = 50
"""Tags a request may carry; YouTube's 500-character budget usually keeps fewer."""
MAX_TAG_CHARS = 100

YouTubeId = Annotated[
    LineText, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)
]
Tag = Annotated[
    LineText, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TAG_CHARS)
]


class ConnectResponse(BaseModel):
    """Where to send the user to grant the studio access to their channel."""

    authorization_url: str = Field(description="Google's consent page; open it in the browser.")
    expires_in: int = Field(description="Seconds the user has to finish the consent.")


class ChannelResponse(BaseModel):
    """The user's connected YouTube channel, or why there is none."""

    connected: bool
    channel_id: str | None = None
    channel_title: str | None = None
    channel_url: str | None = None
    thumbnail_url: str | None = None
    granted_scopes: list[str] = Field(default_factory=list)
    connected_at: datetime | None = None
    disconnected_at: datetime | None = None
    disconnect_reason: str | None = Field(
        default=None, description="Why the channel was disconnected (e.g. access revoked)."
    )


class UploadRequest(BaseModel):
    """POST /api/youtube/upload: publish a completed project's film."""

    project_id: uuid.UUID
    channel_id: YouTubeId = Field(description="Must be the connected channel's id.")
    privacy: Privacy = Field(default=DEFAULT_PRIVACY)
    made_for_kids: bool = False
    playlist_id: YouTubeId | None = Field(
        default=None, description="Add the video to this playlist (default: the configured one)."
    )
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    contains_synthetic_media: bool | None = Field(
        default=None,
        description=(
            "YouTube's altered-or-synthetic-content disclosure; default: true for films with "
            "generated or lip-synced faces (any film with character images)."
        ),
    )


class UploadWarning(BaseModel):
    """A step after the upload that did not happen; the video is published anyway."""

    step: str
    code: str
    message: str


class VideoResponse(BaseModel):
    """One upload of a film to YouTube and where it stands."""

    id: uuid.UUID
    video_id: str | None = Field(description="YouTube's video id; null until the upload is done.")
    playlist_id: str | None
    upload_status: UploadStatus
    job_id: uuid.UUID | None
    project_id: uuid.UUID
    project_title: str
    channel_id: str
    youtube_url: str | None
    failure_reason: str | None = Field(
        description="quota_exceeded, access_revoked, rejected_file, rejected_metadata, "
        "transient, cancelled ... when upload_status is failed."
    )
    failure_message: str | None
    privacy: str
    made_for_kids: bool
    contains_synthetic_media: bool
    tags: list[str]
    caption_id: str | None
    thumbnail_set: bool
    warnings: list[UploadWarning]
    progress: float = Field(description="0-100.")
    created_at: datetime
    updated_at: datetime


class VideoListResponse(BaseModel):
    """GET /api/youtube/videos: the user's uploads, newest first."""

    videos: list[VideoResponse]
    total: int
    page: int
    per_page: int
