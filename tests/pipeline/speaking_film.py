"""A small film with a narrated scene and a speaking character (MAYA, a drawn face), rendered
with given backends: what the talking-character and lip-sync film tests share."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PIL import Image

from pipeline.backends import BackendChoice
from pipeline.film import render_film
from pipeline.film_request import FilmRequest
from pipeline.music.choice import MusicChoice
from pipeline.testing.faces import draw_face
from tests.pipeline.render_media import write_picture

SMALL = (320, 180)


def render_speaking_film(
    tmp_path: Path, backends: BackendChoice, folder: str, screenplay: str, duration_s: float
) -> tuple[Path, dict[str, Any], list[str]]:
    """Render the screenplay over a sea picture and Maya's portrait into tmp_path / folder:
    (the film, its backends record, its warnings)."""
    sea = write_picture(tmp_path / "sea.png", 480, 270, 3)
    maya = tmp_path / "Maya.png"
    Image.fromarray(draw_face(240, 320, cx=120, cy=130, size=70)).save(maya)
    request = FilmRequest(
        script=screenplay,
        images=(sea, maya),
        voice="female",
        duration_s=duration_s,
        music=MusicChoice.named("cinematic"),
        size=SMALL,
        seed=3,
        backends=backends,
    )
    result = render_film(request, tmp_path / folder)
    record = json.loads(result.report.read_text(encoding="utf-8"))
    return result.video, result.backends, record["warnings"]
