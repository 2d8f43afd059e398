"""Request and response bodies of the project service (field names from the seed)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.schemas import Count, LanguageCode, LineText, SpokenText
from db.enums import JobStatus, ProjectStatus, Voice
from pipeline.vocabulary import Aspect, Captions, Resolution

MAX_SCRIPT_CHARS = 100_000
MAX_IMAGES = 20
MAX_FILM_MINUTES = 40
"""The longest film any plan allows; each plan caps it lower (422 names that limit)."""

UPLOAD_REF = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[^/\\]{1,255}$"
)


def upload_id(ref: str) -> uuid.UUID:
    """The upload id inside a `<id>/<filename>` reference."""
    return uuid.UUID(ref.split("/", 1)[0])


class FilmSettings(BaseModel):
    """The choices that shape a film, shared by project creation and the AI job service."""

    script: SpokenText = Field(min_length=1, max_length=MAX_SCRIPT_CHARS)
    images: list[LineText] = Field(default_factory=list, max_length=MAX_IMAGES)
    voice: Voice = Voice.NEUTRAL
    duration: Count = Field(ge=1, le=MAX_FILM_MINUTES, description="Film length in minutes.")
    music: LineText = Field(
        default="cinematic",
        min_length=1,
        max_length=255,
        description="A style from GET /api/music/catalogue, or an uploaded track's ref.",
    )
    language: LanguageCode = "en"
    aspect: Aspect = "16:9"
    resolution: Resolution = "720p"
    ai_label: bool = Field(
        default=False,
        description='Show a visible "AI-generated" badge over the film\'s first seconds and '
        "say so in its YouTube description.",
    )
    captions: Captions = Field(
        default="none",
        description="Text burned into the picture: none (the SRT/WebVTT files only), "
        "subtitles (two-line cues) or shorts (one to three large words at a time, the spoken "
        "word highlighted, for 9:16 shorts).",
    )

    @field_validator("images")
    @classmethod
    def _image_refs(cls, value: list[str]) -> list[str]:
        for ref in value:
            if not UPLOAD_REF.match(ref):
                raise ValueError(
                    f"'{ref[:80]}' is not an image reference; upload images with "
                    "POST /api/uploads/images and use the `ref` it returns"
                )
        if len(set(value)) != len(value):
            raise ValueError("lists the same image twice")
        return value


class CreateProjectRequest(FilmSettings):
    """POST /api/projects/create."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "title": "My First Film",
                "script": "Once upon a time...",
                "images": [],
                "voice": "male",
                "duration": 2,
                "music": "cinematic",
            }
        }
    )

    title: LineText = Field(min_length=1, max_length=255)

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be blank")
        return value


class CreateProjectResponse(BaseModel):
    """The new project, pending its render."""

    id: uuid.UUID
    user_id: uuid.UUID
    title: str
    status: ProjectStatus
    created_at: datetime
    job_id: uuid.UUID
    credits_charged: int
    credits_balance: int


class ProjectResponse(BaseModel):
    """GET /api/projects/{id}: the project, its render progress and its outputs."""

    id: uuid.UUID
    user_id: uuid.UUID
    title: str
    status: ProjectStatus
    video_url: str | None = Field(description="Signed MP4 link (expires in 24 hours).")
    subtitles_url: str | None = Field(description="Signed SRT link (expires in 24 hours).")
    subtitles_vtt_url: str | None = Field(description="Signed WebVTT link.")
    script: str
    images: list[str]
    voice: Voice
    duration: int
    music: str
    language: str
    aspect: str
    resolution: str
    captions: str
    error: str | None
    ai_label: bool = False
    likeness_revoked: bool = Field(
        default=False,
        description="Consent for one of its face images was revoked: the film is marked and "
        "cannot be rendered again with that image.",
    )
    job_id: uuid.UUID | None
    job_status: JobStatus | None
    queue_position: int | None = Field(
        default=None,
        description="While the render waits: how many jobs (of all users) a worker takes "
        "first, 0 meaning next; users take turns. None once it has started.",
    )
    progress: float = Field(description="Render progress, 0-100.")
    stage: str | None
    eta_seconds: float | None
    created_at: datetime
    updated_at: datetime


class ProjectSummary(BaseModel):
    """One row of the project list."""

    id: uuid.UUID
    title: str
    status: ProjectStatus
    duration: int
    video_url: str | None = Field(description="Signed MP4 link (expires in 24 hours).")
    created_at: datetime
    updated_at: datetime


class ProjectListResponse(BaseModel):
    """A page of the user's projects."""

    projects: list[ProjectSummary]
    total: int
    page: int
    per_page: int


class RegenerateResponse(BaseModel):
    """POST /api/projects/{id}/regenerate."""

    id: uuid.UUID
    status: ProjectStatus
    job_id: uuid.UUID
    credits_charged: int
    credits_balance: int
