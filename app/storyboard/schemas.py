"""Request and response bodies of the storyboard routes."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field, field_validator

from app.projects.schemas import UPLOAD_REF
from app.schemas import Count, LineText, SpokenText
from db.enums import ProjectStatus, Voice

MAX_SCENE_CHARS = 20_000
"""Longest text of one scene, in characters."""
MAX_SPEAKER_CHARS = 32
"""Longest speaker name (the script parser reads no longer label as a name)."""


class SceneResponse(BaseModel):
    """One scene: a paragraph of the script, and where it sits in the last render."""

    index: int
    text: str = Field(description="What the scene says (its image and voice lines left out).")
    speaker: str | None = Field(description="Who speaks first in the scene; None: the narrator.")
    speakers: list[str]
    image: str | None = Field(description="The upload ref of the image pinned to the scene.")
    images: list[str] = Field(description="Refs of every image shown during the scene.")
    voice: Voice | None = Field(description="The scene's own voice; None: the film's voice.")
    start_s: float | None = Field(description="Start in the last render; None if not in it.")
    duration_s: float | None = Field(description="Length in the last render; None if not in it.")
    thumbnail_url: str | None = Field(description="Signed link to a frame of the last render.")
    changed: bool = Field(description="Whether a render now would draw this scene again.")


class SceneListResponse(BaseModel):
    """GET /api/projects/{id}/scenes and the answer to every scene edit."""

    project_id: uuid.UUID
    status: ProjectStatus
    rendered_job_id: uuid.UUID | None = Field(description="The render the scenes compare with.")
    full_render: bool = Field(description="Whether the next render must redo the whole film.")
    scenes: list[SceneResponse]


class SceneFields(BaseModel):
    """What a scene edit may set; a field left out keeps its value."""

    text: SpokenText | None = Field(default=None, min_length=1, max_length=MAX_SCENE_CHARS)
    image: LineText | None = Field(
        default=None,
        description='An uploaded image\'s ref to pin to the scene; null or "" unpins it.',
    )
    speaker: LineText | None = Field(
        default=None,
        max_length=MAX_SPEAKER_CHARS,
        description='Who speaks the whole scene ("" makes it narration); written in capitals '
        "unless an uploaded image is named after them.",
    )
    voice: Voice | None = Field(default=None, description="null: the film's voice.")

    @field_validator("image")
    @classmethod
    def _image_ref(cls, value: str | None) -> str | None:
        if value and not UPLOAD_REF.match(value):
            raise ValueError(
                f"'{value[:80]}' is not an image reference; upload images with "
                "POST /api/uploads/images and use the `ref` it returns"
            )
        return value

    @field_validator("speaker")
    @classmethod
    def _speaker_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = " ".join(value.split())
        if value and (len(value.split()) > 3 or not all(c.isalpha() or c in " .'-" for c in value)):
            raise ValueError("must be a name of at most three words (letters, spaces, . ' -)")
        if value and not value[0].isalpha():
            raise ValueError("must start with a letter")
        return value


class SceneEditRequest(SceneFields):
    """PATCH /api/projects/{id}/scenes/{index}."""


class SceneInsertRequest(SceneFields):
    """POST /api/projects/{id}/scenes: a new scene at position (default: last)."""

    text: SpokenText = Field(min_length=1, max_length=MAX_SCENE_CHARS)
    position: Count | None = Field(default=None, ge=0, description="0 puts it first.")


class SceneMoveRequest(BaseModel):
    """POST /api/projects/{id}/scenes/{index}/move."""

    to: Count = Field(ge=0, description="The scene's new index.")


class RenderEstimateResponse(BaseModel):
    """GET /api/projects/{id}/render-estimate: what rendering the changes costs."""

    credits: int
    seconds: float = Field(description="Length of film that is drawn again, in seconds.")
    estimated_time_s: float = Field(description="Expected wait plus render time, in seconds.")
    full_render: bool
    reason: str = Field(description="Why the render is full or partial, in one sentence.")
    changed_scenes: list[int]


class RenderChangesResponse(BaseModel):
    """POST /api/projects/{id}/render."""

    id: uuid.UUID
    status: ProjectStatus
    job_id: uuid.UUID
    credits_charged: int
    credits_balance: int
    full_render: bool
    changed_scenes: list[int]


class ScenePreviewResponse(BaseModel):
    """POST /api/projects/{id}/scenes/{index}/preview: a short 360p MP4 of the scene alone."""

    index: int
    url: str = Field(description="Signed MP4 link (expires in 24 hours).")
    duration_s: float
    width: int
    height: int
