"""The work of a render job: fetch inputs, render the film, store the outputs (a thread)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.jobs.params import default_seed
from app.provenance.films import sign_film
from app.provenance.keys import SigningKeys
from app.storage import Storage, StorageError
from app.storage_keys import FilmKeys, film_keys
from app.worker.film_call import run_render
from app.worker.inputs import StoredFile, fetch_files
from pipeline.backends import BackendChoice
from pipeline.cache.store import CacheStore
from pipeline.film_request import FilmRequest
from pipeline.music.choice import MusicChoice
from pipeline.types import ProgressCallback

SECONDS_PER_MINUTE = 60
MP4_TYPE = "video/mp4"
SRT_TYPE = "application/x-subrip"
VTT_TYPE = "text/vtt"
JSON_TYPE = "application/json"


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
    ai_label: bool = False
    """Draw the visible "AI-generated" badge over the film's first seconds."""
    captions: str = "none"
    title: str | None = None
    """The project's title, for the film's opening and end cards."""
    seed: int | None = None
    """The render's seed; None: seed_for(job_id). A re-render keeps the previous one."""
    previous_report: str | None = None
    """Storage key of the previous render's render.json, whose layout a re-render reuses."""


@dataclass(frozen=True)
class RenderOutputs:
    """Where the film's files were stored and what the render reported."""

    keys: FilmKeys
    duration_s: float
    warnings: tuple[str, ...]
    stage_seconds: dict[str, float]
    details: dict[str, Any] = field(default_factory=dict)


def seed_for(job_id: uuid.UUID) -> int:
    """A reproducible seed for the job's procedural music and motion."""
    return default_seed(job_id)


def render_project(
    inputs: RenderInputs,
    storage: Storage,
    folder: Path,
    progress: ProgressCallback,
    backends: BackendChoice | None = None,
    signing: SigningKeys | None = None,
    cache: CacheStore | None = None,
) -> RenderOutputs:
    """Render the project's film in folder, sign it (C2PA) and store film.mp4/.srt/.vtt and
    render.json.

    backends chooses each stage's engine (the CPU defaults without it); signing is the C2PA
    certificate that signs the film's Content Credentials (unsigned without it); cache holds
    stage outputs a render reuses."""
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
        seed=seed_for(inputs.job_id) if inputs.seed is None else inputs.seed,
        size=inputs.size,
        ai_label=inputs.ai_label,
        backends=backends or BackendChoice(),
        captions=inputs.captions,
        title=inputs.title,
    )
    previous = _previous_record(storage, inputs.previous_report, folder)
    result = run_render(request, folder / "out", progress, cache, previous)
    provenance: dict[str, Any] = {"signed": False}
    if signing is not None:
        inputs_used = [*images, *([music.track] if music.track is not None else [])]
        signed = sign_film(
            result.video,
            signing,
            result.backends.get("used", {}),
            inputs_used,
            composite=bool(images),
            disclosure_label=inputs.ai_label,
        )
        provenance = signed.record()
    keys = film_keys(inputs.project_id, inputs.job_id)
    for key, path, content_type in (
        (keys.video, result.video, MP4_TYPE),
        (keys.srt, result.srt, SRT_TYPE),
        (keys.vtt, result.vtt, VTT_TYPE),
        (keys.report, result.report, JSON_TYPE),
    ):
        storage.put_file(key, path, content_type)
    return RenderOutputs(
        keys=keys,
        duration_s=result.duration_s,
        warnings=result.warnings,
        stage_seconds=result.stage_seconds,
        details={
            "width": result.facts.video.width if result.facts.video else None,
            "height": result.facts.video.height if result.facts.video else None,
            "size_bytes": result.video.stat().st_size,
            "backends": result.backends,
            "provenance": provenance,
            "captions": result.settings.get("captions"),
        },
    )


def _previous_record(storage: Storage, key: str | None, folder: Path) -> dict[str, Any] | None:
    """The previous render's render.json, or None (a missing one makes a full render)."""
    if key is None:
        return None
    path = folder / "previous-render.json"
    try:
        storage.download(key, path)
        record = json.loads(path.read_text(encoding="utf-8"))
    except (StorageError, OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None
