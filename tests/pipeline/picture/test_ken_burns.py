"""The fast Ken Burns plane: the exact warp's picture, in phase with the move, in place."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from pipeline.media.yuv import FrameBuffer
from pipeline.picture.formats import video_format
from pipeline.picture.ken_burns import PHASE_TOLERANCE_PX, KenBurnsPlane, _axis_plan
from pipeline.picture.shot_plan import MAX_ZOOM
from pipeline.picture.visuals import prepare_image, warp_into
from tests.pipeline.render_media import textured_rgb

HD = video_format("16:9", "720p")
WARP_FLAGS = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP


def _exact(
    source: np.ndarray, scale: float, x: float, y: float, shape: tuple[int, int]
) -> np.ndarray:
    """The reference: OpenCV's bilinear warp, as the renderer drew every frame before."""
    matrix = np.array([[scale, 0.0, x], [0.0, scale, y]])
    size = (shape[1], shape[0])
    return np.asarray(
        cv2.warpAffine(source, matrix, size, flags=WARP_FLAGS, borderMode=cv2.BORDER_REPLICATE)
    )


def test_planes_match_the_exact_warp_over_random_moves() -> None:
    source = prepare_image(textured_rgb(1920, 1280, seed=3), HD).y
    planes = KenBurnsPlane()
    rng = np.random.default_rng(5)
    out = np.empty((HD.height, HD.width), np.uint8)
    resized = 0
    for _ in range(40):
        scale = float(rng.uniform(1.0, MAX_ZOOM))
        x = float(rng.uniform(0.0, max(0.0, source.shape[1] - HD.width * scale - 1)))
        y = float(rng.uniform(0.0, source.shape[0] - HD.height * scale - 1))
        planes.draw(source, scale, x, y, out)
        difference = np.abs(out.astype(np.int16) - _exact(source, scale, x, y, out.shape))
        assert difference.mean() < 0.5, (scale, x, y)
        assert np.percentile(difference, 99.9) <= 8, (scale, x, y)
        columns = _axis_plan(scale, x, HD.width, source.shape[1])
        rows = _axis_plan(scale, y, HD.height, source.shape[0])
        resized += columns is not None and rows is not None
    assert resized >= 30, "most moves are drawn by the resize, not the warp"


def test_a_plan_lands_within_the_phase_tolerance() -> None:
    for scale in np.linspace(1.003, 1.12, 97):
        for offset in (0.0, 3.37, 40.91, 120.5):
            plan = _axis_plan(float(scale), offset, 1280, 1434)
            if plan is None:
                continue
            shift = plan.crop - plan.skip
            landed = plan.start + (shift + 0.5) * scale - 0.5
            assert abs(landed - offset) <= PHASE_TOLERANCE_PX + 1e-9
            assert plan.start >= 0
            assert round(plan.size / scale) >= plan.crop + 1280 - plan.skip
            assert plan.start + plan.size <= 1434


STRIPE_PERIOD_PX = 23.7
"""Period (source pixels of the 1920-wide picture) of the stripes that measure motion."""


def _stripe_phase(luma: np.ndarray, period: float) -> float:
    """Phase (radians) of vertical stripes of `period` output pixels: a precise position that
    a uniform change of level does not move."""
    row = luma.astype(np.float64).mean(axis=0)
    weights = np.hanning(len(row))
    waves = np.exp(-2j * np.pi * np.arange(len(row)) / period)
    return float(np.angle(np.sum((row - row.mean()) * weights * waves)))


@pytest.mark.parametrize("zoom", [1.013, 1.047, 1.0791, 1.1])
def test_a_slow_pan_moves_by_even_sub_pixel_steps_at_720p(zoom: float) -> None:
    row = 128 + 80 * np.sin(2 * np.pi * np.arange(1920) / STRIPE_PERIOD_PX)
    rgb = np.repeat(np.repeat(row[None, :, None], 1080, 0), 3, 2).astype(np.uint8)
    source = prepare_image(rgb, HD)
    buffer = FrameBuffer(HD.width, HD.height)
    planes = KenBurnsPlane()
    scale = zoom / MAX_ZOOM
    room = source.width - HD.width / scale
    period = STRIPE_PERIOD_PX * source.width / 1920 * scale
    step_px = 0.11
    phases = []
    for index in range(24):
        warp_into(source, zoom, 0.3 + index * step_px / (room * scale), 0.5, buffer, planes)
        phases.append(_stripe_phase(buffer.y, period))
    moved = np.abs(np.unwrap(phases) - phases[0]) / (2 * np.pi) * period
    steps = np.diff(moved)
    assert np.all(steps > 0), "the picture moves every frame, always the same way"
    assert np.abs(steps - step_px).max() < 2 * PHASE_TOLERANCE_PX + 0.01, steps
    assert np.abs(moved - step_px * np.arange(24)).max() < PHASE_TOLERANCE_PX + 0.02, moved


def test_draws_into_views_of_a_frame_buffer_in_place() -> None:
    source = prepare_image(textured_rgb(960, 640, seed=1), HD)
    buffer = FrameBuffer(HD.width, HD.height)
    buffer.data[:] = 0
    warp_into(source, 1.04, 0.37, 0.61, buffer, KenBurnsPlane())
    assert buffer.y.min() > 0 and buffer.u.min() > 0 and buffer.v.min() > 0
