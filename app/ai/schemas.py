"""Request bodies of the AI job service (field names from the seed)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from app.projects.schemas import FilmSettings
from app.schemas import Count, FreeText, LanguageCode, LineText, SpokenText
from db.enums import Voice

MAX_TEXT_CHARS = 20_000
MAX_MUSIC_SECONDS = 40 * 60
MIN_MUSIC_SECONDS = 5
MAX_PROMPT_CHARS = 500


class VideoGenerateRequest(FilmSettings):
    """POST /api/ai/video-generate: render a project's film with these settings."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "project_id": "00000000-0000-0000-0000-000000000000",
                "script": "Story script here...",
                "images": [],
                "voice": "female",
                "duration": 2,
                "music": "ambient",
            }
        }
    )

    project_id: uuid.UUID


class AudioGenerateRequest(BaseModel):
    """POST /api/ai/audio-generate: narration audio from text."""

    project_id: uuid.UUID
    text: SpokenText = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    voice: Voice = Voice.NEUTRAL
    language: LanguageCode = "en"


class MusicGenerateRequest(BaseModel):
    """POST /api/ai/music-generate: a background music track."""

    project_id: uuid.UUID
    prompt: FreeText = Field(default="", max_length=MAX_PROMPT_CHARS)
    duration: Count = Field(
        ge=MIN_MUSIC_SECONDS, le=MAX_MUSIC_SECONDS, description="Track length in seconds."
    )
    style: LineText = Field(
        default="cinematic", description="A style from GET /api/music/catalogue."
    )


class LipSyncRequest(BaseModel):
    """POST /api/ai/lip-sync: make the face in a video speak an audio track."""

    project_id: uuid.UUID
    video_url: LineText = Field(min_length=1, max_length=4000)
    audio_url: LineText = Field(min_length=1, max_length=4000)
