"""Calling render_film with what a re-render reuses: the stage cache and the last layout."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from pipeline.cache.store import CacheStore
from pipeline.film import FilmResult, render_film
from pipeline.film_request import FilmRequest
from pipeline.storyboard import previous_layout
from pipeline.types import ProgressCallback


def run_render(
    request: FilmRequest,
    out_dir: Path,
    progress: ProgressCallback,
    cache: CacheStore | None,
    previous: dict[str, Any] | None,
) -> FilmResult:
    """render_film through the stage cache, laid out after the previous render's render.json
    (its scenes keep their place where an edit allows) when there is one."""
    if previous is not None:
        request = dataclasses.replace(request, previous=previous_layout(previous))
    return render_film(request, out_dir, progress, cache=cache)
