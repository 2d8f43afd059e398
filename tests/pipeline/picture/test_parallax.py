"""Two-layer parallax: the person is cut out and the hole filled, the person slides against
the background on an eased clock, and a frame is a pure function of its progress."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.media.yuv import FrameBuffer
from pipeline.picture.parallax import DEPTH_SHIFT, draw_parallax, eased, person_layers
from pipeline.picture.shot_plan import KenBurns
from pipeline.picture.visuals import prepare_rgb
from pipeline.types import VideoFormat

FMT = VideoFormat(320, 180, 30)
STILL = KenBurns(1.05, 1.05, 0.5, 0.5, 0.5, 0.5)
"""A move that does not move, so only the parallax does."""


def _picture() -> tuple[np.ndarray, np.ndarray]:
    rgb = np.zeros((180, 320, 3), np.uint8)
    rgb[:, :] = (40, 90, 140)
    rgb[:, ::16] = (220, 220, 90)  # a striped background
    mask = np.zeros((180, 320), np.float32)
    cv2.ellipse(mask, (160, 110), (40, 70), 0, 0, 360, 1.0, -1)
    rgb[mask > 0.5] = (200, 60, 50)  # the person
    prepared = prepare_rgb(rgb, FMT)
    size = (prepared.shape[1], prepared.shape[0])
    return prepared, cv2.resize(mask, size, interpolation=cv2.INTER_LINEAR)


def _person_centre(frame: FrameBuffer) -> float:
    red = frame.v > 170  # the person's red shows in V
    return 2.0 * float(np.nonzero(red)[1].mean())  # chroma is half size


def test_the_hole_behind_the_person_is_filled_with_the_background() -> None:
    rgb, mask = _picture()
    layers = person_layers(rgb, mask)
    assert layers is not None
    inside = mask > 0.9
    assert float(layers.background.v[inside[::2, ::2]].mean()) < 150, "no red left"
    assert float(layers.picture.v[inside[::2, ::2]].mean()) > 170


def test_no_layers_for_a_tiny_or_huge_mask() -> None:
    rgb, mask = _picture()
    assert person_layers(rgb, np.zeros_like(mask)) is None
    assert person_layers(rgb, np.ones_like(mask)) is None


def test_the_person_slides_against_the_background() -> None:
    rgb, mask = _picture()
    layers = person_layers(rgb, mask)
    assert layers is not None
    start, end = FrameBuffer(320, 180), FrameBuffer(320, 180)
    draw_parallax(layers, STILL, 0.0, start)
    draw_parallax(layers, STILL, 1.0, end)
    moved = _person_centre(end) - _person_centre(start)
    assert abs(abs(moved) - DEPTH_SHIFT * 320) < 2.0, moved
    stripes_start = start.y[5, :].astype(int)
    stripes_end = end.y[5, :].astype(int)
    assert np.abs(stripes_start - stripes_end).max() <= 2, "the background holds still"
    again = FrameBuffer(320, 180)
    draw_parallax(layers, STILL, 1.0, again)
    assert np.array_equal(again.y, end.y), "pure in its progress"


def test_the_clock_eases_in_and_out() -> None:
    assert eased(0.0) == 0.0 and eased(1.0) == 1.0 and eased(0.5) == 0.5
    assert eased(0.05) < 0.05 and eased(0.95) > 0.95


@pytest.mark.parametrize("size", [(1280, 720)])
def test_a_parallax_frame_depends_only_on_its_arguments(size: tuple[int, int]) -> None:
    width, height = size
    rgb, mask = _picture()
    big = cv2.resize(rgb, (int(width * 1.12) + 1, int(height * 1.12) + 1))
    big_mask = cv2.resize(mask, (big.shape[1], big.shape[0]))
    layers = person_layers(big[: big.shape[0] // 2 * 2, : big.shape[1] // 2 * 2],
                           big_mask[: big.shape[0] // 2 * 2, : big.shape[1] // 2 * 2])  # fmt: skip
    assert layers is not None
    out = FrameBuffer(width, height)
    draw_parallax(layers, STILL, 0.5, out)
    first = out.y.copy()
    draw_parallax(layers, STILL, 0.0, out)
    draw_parallax(layers, STILL, 0.5, out)
    assert np.array_equal(out.y, first)  # a frame depends only on its arguments
