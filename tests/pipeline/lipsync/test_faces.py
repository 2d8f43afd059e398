"""Face boxes for lip-sync: padding, gap filling, smoothing, the mask."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.lipsync.faces import FacePadding, feather_mask, fill_gaps, pad_box, smooth_boxes
from pipeline.neural.face_detector import FaceBox


def test_padding_grows_the_box_and_stays_inside_the_frame() -> None:
    box = FaceBox(10, 10, 110, 110)
    padded = pad_box(box, 320, 180, FacePadding(top=0.1, bottom=0.2, left=0.05, right=0.05))
    assert padded == FaceBox(5, 0, 115, 130)
    at_edge = pad_box(FaceBox(250, 100, 320, 180), 320, 180, FacePadding())
    assert at_edge.right == 320
    assert at_edge.bottom == 180


def test_short_gaps_keep_the_last_box_and_long_ones_do_not() -> None:
    box = FaceBox(0, 0, 50, 50)
    boxes = [box, None, None, None, box, *([None] * 5)]
    out = [b for _, b in fill_gaps(enumerate(boxes), max_gap=3)]
    assert out[:5] == [box, box, box, box, box]
    assert out[5:8] == [box, box, box]
    assert out[8:] == [None, None]


def test_smoothing_streams_every_item_in_order_and_calms_jitter() -> None:
    rng = np.random.default_rng(3)
    jitter = rng.integers(-6, 7, size=(60, 2))
    boxes = [FaceBox(100 + dx, 50 + dy, 200 + dx, 150 + dy) for dx, dy in jitter]
    smoothed = list(smooth_boxes(enumerate(boxes), window=5))
    assert [index for index, _ in smoothed] == list(range(60))
    lefts = np.array([b.left for _, b in smoothed if b is not None])
    assert len(lefts) == 60
    assert np.std(np.diff(lefts)) < 0.6 * np.std(np.diff([b.left for b in boxes]))


def test_smoothing_lags_by_half_a_window_and_keeps_missing_faces_missing() -> None:
    box = FaceBox(0, 0, 10, 10)
    source = iter([(0, box), (1, None), (2, box), (3, box)])
    stream = smooth_boxes(source, window=5)
    first = next(stream)  # needs items 0..2 to be read
    assert first == (0, box)
    assert [item for item in stream] == [(1, None), (2, box), (3, box)]


def test_smoothing_does_not_mix_boxes_across_a_missing_frame() -> None:
    a, b = FaceBox(0, 0, 10, 10), FaceBox(100, 100, 110, 110)
    out = [box for _, box in smooth_boxes(enumerate([a, a, None, b, b]), window=5)]
    assert out == [a, a, None, b, b]


def test_feather_mask_covers_the_mouth_and_fades_out() -> None:
    mask = feather_mask(120, 100)
    assert mask.shape == (100, 120, 1)
    assert mask.dtype == np.float32
    assert mask.min() >= 0.0
    assert mask.max() <= 1.0
    assert (mask[:50] == 0).all()  # the eyes and above are never touched
    assert mask[80, 60, 0] == pytest.approx(1.0)  # the middle of the mouth is replaced
    assert mask[:, 0].max() < 0.1  # soft at the sides
    assert mask[-1].max() < 0.1
