"""A partial render of a film with a title and a talking character: the talking stills and
the title cards are drawn segment by segment, so an edit still redraws only its scene."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from pipeline.cache.store import LocalCacheStore
from pipeline.film import FilmResult, render_film
from pipeline.film_request import FilmRequest
from pipeline.neural.face_landmarks import landmarks_available
from pipeline.storyboard import previous_layout
from pipeline.testing.faces import draw_face
from tests.pipeline.render_media import write_picture
from tests.pipeline.test_partial_render import frame_md5s

SMALL = (320, 180)
SCENES = [
    "ANNA: The lighthouse stood alone on the cliff above the grey sea.",
    "The gulls cried over the rocks as the evening came in.",
    "ANNA: A boat came in from the north, its lamp swinging in the wind.",
    "The waves broke white against the harbour wall below.",
    "ANNA: The keeper climbed the stairs and lit the great lamp again.",
]
EDITED = 2
"""A talking scene in the middle: its crossfades reach scenes 1 and 3, not 0 and 4."""

pytestmark = pytest.mark.skipif(
    not landmarks_available(),
    reason="the face landmark model is extracted by `make install` (filmstudio models "
    "download 'mediapipe-*')",
)


def _report(result: FilmResult) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(result.report.read_text(encoding="utf-8"))
    return loaded


def test_talking_stills_and_title_cards_are_reused_around_an_edit(tmp_path: Path) -> None:
    face = tmp_path / "anna.png"
    Image.fromarray(draw_face(640, 360, 320, 150, 110)).save(face)
    scenery = write_picture(tmp_path / "sea.png", seed=2)
    request = FilmRequest(
        script="\n\n".join(SCENES),
        images=(face, scenery),
        duration_s=25.0,
        size=SMALL,
        seed=3,
        title="The Lighthouse",
    )
    cache = LocalCacheStore(tmp_path / "cache")
    first = render_film(request, tmp_path / "first", cache=cache)
    record = _report(first)
    assert record["cache"]["video"] == {"reused": 0, "made": len(SCENES)}

    scenes = list(SCENES)
    scenes[EDITED] = SCENES[EDITED].replace("north", "south")
    edited_request = dataclasses.replace(
        request, script="\n\n".join(scenes), previous=previous_layout(record)
    )
    edited = render_film(edited_request, tmp_path / "edit", cache=cache)
    after = _report(edited)
    assert after["partial"] == {"full": False, "reason": None}
    reused = [s["reused"]["video"] for s in after["scenes"]]
    assert reused[EDITED] is False, "the talking still follows the new line's sound"
    assert reused[0] is True and reused[-1] is True, "scenes away from the edit are kept"
    redrawn = {
        frame
        for scene, was_reused in zip(after["scenes"], reused, strict=True)
        if not was_reused
        for frame in range(scene["first_frame"], scene["first_frame"] + scene["frames"])
    }
    before, later = frame_md5s(first.video), frame_md5s(edited.video)
    assert len(before) == len(later)
    differing = [n for n, (a, b) in enumerate(zip(before, later, strict=True)) if a != b]
    assert differing and set(differing) <= redrawn

    retitled = render_film(
        dataclasses.replace(edited_request, title="The Keeper", previous=previous_layout(after)),
        tmp_path / "retitled",
        cache=cache,
    )
    reused = [s["reused"]["video"] for s in _report(retitled)["scenes"]]
    assert reused[0] is False and reused[-1] is False, "the cards show the title"
