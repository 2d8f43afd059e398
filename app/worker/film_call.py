"""Calling render_film with what a re-render reuses: the stage cache and the last layout.

render_film takes `cache=` and FilmRequest takes `previous=` once the pipeline supports
partial renders; until then both are left out, so one worker runs against either pipeline.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline import film_request as film_request_module
from pipeline.cache.store import CacheStore
from pipeline.film import FilmResult, render_film
from pipeline.film_request import FilmRequest
from pipeline.types import ProgressCallback

PREVIOUS_LAYOUT = "previous_layout"
"""pipeline.film_request's function that reads a render.json record into a layout."""
PREVIOUS_FIELD = "previous"
"""FilmRequest's field holding that layout."""


def supports_cache() -> bool:
    """Whether this pipeline's render_film takes a stage cache."""
    return "cache" in inspect.signature(render_film).parameters


def supports_previous() -> bool:
    """Whether this pipeline lays a re-render out after the previous render.json."""
    fields = {item.name for item in dataclasses.fields(FilmRequest)}
    return PREVIOUS_FIELD in fields and callable(
        getattr(film_request_module, PREVIOUS_LAYOUT, None)
    )


def with_previous(request: FilmRequest, record: dict[str, Any] | None) -> FilmRequest:
    """The request laid out after the previous render's record, where the pipeline can."""
    if record is None or not supports_previous():
        return request
    make_layout: Callable[[dict[str, Any]], object] = getattr(film_request_module, PREVIOUS_LAYOUT)
    changes: dict[str, Any] = {PREVIOUS_FIELD: make_layout(record)}
    return dataclasses.replace(request, **changes)


def run_render(
    request: FilmRequest,
    out_dir: Path,
    progress: ProgressCallback,
    cache: CacheStore | None,
    previous: dict[str, Any] | None,
) -> FilmResult:
    """render_film, reading and writing the cache and reusing the previous layout when the
    pipeline supports them."""
    request = with_previous(request, previous)
    if cache is not None and supports_cache():
        call: Any = render_film
        result: FilmResult = call(request, out_dir, progress, cache=cache)
        return result
    return render_film(request, out_dir, progress)
