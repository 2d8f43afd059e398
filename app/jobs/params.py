"""What each kind of job needs: written by the services, validated by the workers.

A job's `params` column holds one of these models as JSON: what its worker needs and nothing
more. The minutes of output a job makes (what it is billed on and what time estimates divide
by) are a column of their own, `jobs.output_minutes`.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from db.enums import JobKind
from db.models import Job

Params = TypeVar("Params", bound="JobParams")


class JobParams(BaseModel):
    """The common base: immutable, and unknown keys from older rows are ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    def to_column(self) -> dict[str, Any]:
        """The JSON stored in jobs.params."""
        return self.model_dump(mode="json")


SEED_MODULUS = 2**31
"""Render seeds are below this."""


def default_seed(job_id: uuid.UUID) -> int:
    """The seed of a render that names none: reproducible from its job id."""
    return job_id.int % SEED_MODULUS


class RenderParams(JobParams):
    """A project's film; everything else is read from the project when the job starts."""

    snapshot: dict[str, Any] | None = None
    """The project's film settings when the render was queued (edits are refused while it
    runs, so they are what it renders); the storyboard compares later edits with them."""
    seed: int | None = Field(default=None, ge=0, lt=SEED_MODULUS)
    """The seed for music and motion; None: default_seed(job id). A re-render of changed
    scenes keeps the previous render's seed, so the unchanged scenes come out the same."""
    previous_job_id: uuid.UUID | None = None
    """The render whose render.json lays out what a re-render of changed scenes reuses."""
    changed_scenes: list[int] | None = None
    """The paragraphs that changed since previous_job_id (None: a full render)."""


def render_seed(job: Job) -> int:
    """The seed a render job used (or will use)."""
    seed = job.params.get("seed") if isinstance(job.params, dict) else None
    return seed if isinstance(seed, int) else default_seed(job.id)


class NarrationParams(JobParams):
    """Narration of a text (POST /api/ai/audio-generate)."""

    text: str
    voice: str
    language: str


class MusicParams(JobParams):
    """A music track (POST /api/ai/music-generate)."""

    style: str
    duration_s: float = Field(gt=0)
    prompt: str | None = None


class LipSyncParams(JobParams):
    """A video lip-synced to an audio track, both stored files of the user
    (POST /api/ai/lip-sync)."""

    video_key: str
    audio_key: str
    video_s: float = Field(ge=0)


class YoutubeUploadParams(JobParams):
    """Publishing a film: the upload record holds the rest."""

    upload_id: uuid.UUID


PARAMS_BY_KIND: dict[JobKind, type[JobParams]] = {
    JobKind.RENDER: RenderParams,
    JobKind.AUDIO: NarrationParams,
    JobKind.MUSIC: MusicParams,
    JobKind.LIPSYNC: LipSyncParams,
    JobKind.YOUTUBE_UPLOAD: YoutubeUploadParams,
}
"""The params model of each job kind."""


def read_params(job: Job, model: type[Params]) -> Params:
    """The job's params as its kind's model; ValueError when the kind does not match."""
    if PARAMS_BY_KIND[job.kind] is not model:
        raise ValueError(f"A {job.kind} job has no {model.__name__}.")
    return model.model_validate(job.params)
