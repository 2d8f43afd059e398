"""The visible "AI-generated" badge: in the top-right corner for the first seconds only."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from pipeline.film import render_film
from pipeline.film_request import FilmRequest
from pipeline.music.choice import MusicChoice
from pipeline.picture.badge import AI_LABEL_SECONDS, badge_overlay
from tests.pipeline.render_media import write_picture

SMALL = (320, 180)
SCRIPT = "The sea rolled under the cliff, grey and slow, all through the long night."


def test_the_badge_sits_in_the_top_right_corner() -> None:
    overlay = badge_overlay(1280, 720)
    height, width = overlay.rgba.shape[:2]
    assert overlay.left + width <= 1280 and overlay.left > 1280 // 2
    assert overlay.top < 720 // 8 and overlay.top % 2 == 0 and overlay.left % 2 == 0
    assert width % 2 == 0 and height % 2 == 0
    assert overlay.rgba[:, :, 3].max() == 255  # the text is opaque


def _frames(path: Path, times_s: tuple[float, ...]) -> list[np.ndarray]:
    wanted = list(times_s)
    frames: list[np.ndarray] = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if wanted and frame.time is not None and frame.time >= wanted[0]:
                frames.append(frame.to_ndarray(format="rgb24"))
                wanted.pop(0)
    return frames


@pytest.mark.parametrize("label", [True, False])
def test_a_labelled_film_shows_the_badge_then_not(tmp_path: Path, label: bool) -> None:
    picture = write_picture(tmp_path / "sea.png", 480, 270, 3)
    request = FilmRequest(
        script=SCRIPT,
        images=(picture,),
        duration_s=8.0,
        music=MusicChoice.silence(),
        size=SMALL,
        ai_label=label,
    )
    result = render_film(request, tmp_path / "out", lambda _s, _f: None)
    assert json.loads(result.report.read_text())["settings"]["ai_label"] is label
    overlay = badge_overlay(*SMALL)
    height, width = overlay.rgba.shape[:2]
    during, after = _frames(result.video, (2.0, AI_LABEL_SECONDS + 1.0))
    corner = (slice(overlay.top, overlay.top + height), slice(overlay.left, overlay.left + width))
    # The badge's plate is dark and its text white: a labelled corner spans far more contrast.
    spread_during = float(np.ptp(during[corner].mean(axis=2)))
    dark_during = float(np.mean(during[corner] < 60))
    dark_after = float(np.mean(after[corner] < 60))
    if label:
        assert dark_during > 0.4 and spread_during > 150
        assert dark_after < dark_during / 2
    else:
        assert dark_during < 0.4
