"""Parallax in a film's frames with the packaged segmentation and face models (installed by
`make install`): a picture of a person is layered, a picture without one keeps the plain move."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from pipeline.media.yuv import FrameBuffer
from pipeline.neural.person_segmentation import segmentation_available
from pipeline.parallax_shots import ParallaxShots
from pipeline.picture.visuals import FilmFrames
from pipeline.testing.faces import blank_image, draw_face
from pipeline.types import Shot, Timeline, VideoFormat

FORMAT = VideoFormat(width=640, height=360, fps=30)

pytestmark = pytest.mark.skipif(
    not segmentation_available(),
    reason="the segmentation model is extracted by `make install` (filmstudio models "
    "download 'mediapipe-*')",
)


def test_a_person_is_layered_and_scenery_is_not(tmp_path: Path) -> None:
    person = draw_face(640, 360, 320, 140, 90)
    cv2.ellipse(person, (320, 360), (170, 130), 0, 180, 360, (90, 40, 40), -1)
    Image.fromarray(person).save(tmp_path / "person.png")
    Image.fromarray(blank_image(640, 360)).save(tmp_path / "field.png")
    shots = (Shot(0.0, 2.0, 0, tmp_path / "person.png"), Shot(2.0, 4.0, 1, tmp_path / "field.png"))
    timeline = Timeline(4.0, (), shots)
    hook = ParallaxShots(FORMAT)
    layered = FilmFrames(timeline, FORMAT, pictures=hook)
    plain = FilmFrames(timeline, FORMAT)
    shown, reference = FrameBuffer(640, 360), FrameBuffer(640, 360)
    for index in (20, 45):
        layered.render(index, shown)
        plain.render(index, reference)
        assert np.abs(shown.y.astype(int) - reference.y).mean() > 0.2, "the person moved"
    assert hook.layered_pictures == 1
    layered.render(100, shown)
    plain.render(100, reference)
    assert np.array_equal(shown.y, reference.y), "no person: the plain move"
