"""The work of a render job: fetch inputs, render the film, store the outputs (a thread)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.storage import Storage
from app.worker.inputs import StoredFile, fetch_files
from pipeline.backends import BackendChoice
from pipeline.film import render_film
from pipeline.film_request import FilmRequest
from pipeline.music.choice import MusicChoice
from pipeline.types import ProgressCallback

SECONDS_PER_MINUTE = 60
SEED_MODULUS = 2**31
OUTPUT_TYPES = {
    "film.mp4": "video/mp4",
    "film.srt": "application/x-subrip",
    "film.vtt": "text/vtt",
    "render.json": "application/json",
}


@dataclass(frozen=True)
class RenderInputs:
    """What a render job needs, read from the database before the work starts."""

    job_id: uuid.UUID
    project_id: uuid.UUID
    script: str
    images: tuple[StoredFile, ...]
    voice: str
    language: str
    minutes: int
    music_style: str | None
    music_track: StoredFile | None
    aspect: str
    resolution: str
    size: tuple[int, int] | None = None
    captions: str = "none"


@dataclass(frozen=True)
class RenderOutputs:
    """Where the film's files were stored and what the render reported."""

    keys: dict[str, str]
    locations: dict[str, str]
    duration_s: float
    warnings: tuple[str, ...]
    stage_seconds: dict[str, float]
    details: dict[str, Any] = field(default_factory=dict)


def output_prefix(project_id: uuid.UUID, job_id: uuid.UUID) -> str:
    """Storage prefix of one render's outputs: keyed by job, so a retry overwrites, never adds."""
    return f"projects/{project_id}/jobs/{job_id}/"


def seed_for(job_id: uuid.UUID) -> int:
    """A reproducible seed for the job's procedural music and motion."""
    return job_id.int % SEED_MODULUS


def render_project(
    inputs: RenderInputs,
    storage: Storage,
    folder: Path,
    progress: ProgressCallback,
    backends: BackendChoice | None = None,
) -> RenderOutputs:
    """Render the project's film in folder and store film.mp4/.srt/.vtt and render.json.

    backends chooses each stage's engine (the CPU defaults without it)."""
    images = fetch_files(storage, inputs.images, folder / "images")
    music = MusicChoice.named(inputs.music_style) if inputs.music_style else MusicChoice.silence()
    if inputs.music_track is not None:
        music = MusicChoice.from_track(
            fetch_files(storage, [inputs.music_track], folder / "music")[0]
        )
    request = FilmRequest(
        script=inputs.script,
        images=tuple(images),
        voice=inputs.voice,
        language=inputs.language,
        duration_s=float(inputs.minutes * SECONDS_PER_MINUTE),
        music=music,
        aspect=inputs.aspect,
        resolution=inputs.resolution,
        seed=seed_for(inputs.job_id),
        size=inputs.size,
        backends=backends or BackendChoice(),
        captions=inputs.captions,
    )
    result = render_film(request, folder / "out", progress)
    prefix = output_prefix(inputs.project_id, inputs.job_id)
    keys: dict[str, str] = {}
    for name, path in (
        ("film.mp4", result.video),
        ("film.srt", result.srt),
        ("film.vtt", result.vtt),
        ("render.json", result.report),
    ):
        keys[name] = prefix + name
        storage.put_file(keys[name], path, OUTPUT_TYPES[name])
    return RenderOutputs(
        keys=keys,
        locations={name: storage.location(key) for name, key in keys.items()},
        duration_s=result.duration_s,
        warnings=result.warnings,
        stage_seconds=result.stage_seconds,
        details={
            "width": result.facts.video.width if result.facts.video else None,
            "height": result.facts.video.height if result.facts.video else None,
            "size_bytes": result.video.stat().st_size,
            "backends": result.backends,
            "captions": result.settings.get("captions"),
        },
    )
