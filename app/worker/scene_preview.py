"""A scene's draft preview, rendered in a process of its own so that its caller can stop it.

    python -m app.worker.scene_preview spec.json

spec.json names the scene's text (its paragraph, directions included), the image files, the
voice, language, aspect, music style (or none), seed, length in seconds and the output folder.
Writes film.mp4 (360p, narration and music) there; bad input prints one sentence, exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.film import render_film
from pipeline.film_request import FilmRequest
from pipeline.music.choice import MusicChoice

PREVIEW_RESOLUTION = "360p"
INPUT_ERROR_STATUS = 2


def render_preview(spec: dict[str, Any]) -> Path:
    """Render the spec's scene alone at 360p; the MP4's path."""
    music = spec.get("music")
    request = FilmRequest(
        script=str(spec["script"]),
        images=tuple(Path(path) for path in spec.get("images", [])),
        voice=str(spec["voice"]),
        language=str(spec["language"]),
        duration_s=float(spec["duration_s"]),
        music=MusicChoice.named(music) if music else MusicChoice.silence(),
        aspect=str(spec["aspect"]),
        resolution=PREVIEW_RESOLUTION,
        seed=int(spec.get("seed", 0)),
    )
    result = render_film(request, Path(spec["out"]), lambda _stage, _fraction: None)
    return result.video


def main(argv: list[str]) -> int:
    """Render the preview a spec file describes."""
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    try:
        render_preview(spec)
    except InputError as error:
        print(str(error), file=sys.stderr)
        return INPUT_ERROR_STATUS
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
