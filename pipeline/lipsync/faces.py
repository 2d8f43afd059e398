"""Face boxes for lip-sync: padding and smoothing over frames, and the blend mask.

Faces are found by pipeline.neural.face_detector (BlazeFace when installed, else the Haar
cascade; the largest face wins). Boxes are padded so the crop holds the chin, then smoothed
with a centred moving average so the pasted mouth does not jitter.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from pipeline.neural.face_detector import FaceBox

DEFAULT_SMOOTHING_FRAMES = 5
"""Frames in the centred moving average over box corners (Wav2Lip uses 5)."""
MAX_GAP_FRAMES = 12
"""A face lost for at most this many frames keeps its last box (blinks, motion blur)."""

T = TypeVar("T")


@dataclass(frozen=True)
class FacePadding:
    """Extra margin around a detected face, as fractions of the box's width or height.

    A detected box may stop at the lips (the Haar cascade's does), so the default adds room
    below for the chin, which Wav2Lip's crop must contain.
    """

    top: float = 0.0
    bottom: float = 0.18
    left: float = 0.04
    right: float = 0.04


def pad_box(box: FaceBox, frame_width: int, frame_height: int, padding: FacePadding) -> FaceBox:
    """The box grown by the padding fractions and clipped to the frame."""
    return FaceBox(
        left=max(0, round(box.left - padding.left * box.width)),
        top=max(0, round(box.top - padding.top * box.height)),
        right=min(frame_width, round(box.right + padding.right * box.width)),
        bottom=min(frame_height, round(box.bottom + padding.bottom * box.height)),
    )


def fill_gaps(
    items: Iterable[tuple[T, FaceBox | None]], max_gap: int = MAX_GAP_FRAMES
) -> Iterator[tuple[T, FaceBox | None]]:
    """Hold the last box through up to max_gap frames without a detection; each item is
    (payload, box) and the payload travels with its box."""
    last: FaceBox | None = None
    missing = 0
    for payload, box in items:
        if box is not None:
            last, missing = box, 0
            yield payload, box
            continue
        missing += 1
        yield payload, (last if last is not None and missing <= max_gap else None)


def smooth_boxes(
    items: Iterable[tuple[T, FaceBox | None]], window: int = DEFAULT_SMOOTHING_FRAMES
) -> Iterator[tuple[T, FaceBox | None]]:
    """Centred moving average of box corners over `window` frames, streamed.

    Each item is (payload, box); the payload (e.g. the frame) travels with its box, and the
    output lags the input by window // 2 items. Frames without a box stay without one, and
    the average only mixes boxes from the same unbroken run of detections.
    """
    half = max(window, 1) // 2
    buffer: deque[tuple[T, FaceBox | None]] = deque()
    base = 0  # index (in the whole stream) of buffer[0]
    next_out = 0
    for item in items:
        buffer.append(item)
        while next_out + half < base + len(buffer):
            yield _smoothed(buffer, next_out - base, half)
            next_out += 1
            while base < next_out - half:
                buffer.popleft()
                base += 1
    while next_out < base + len(buffer):
        yield _smoothed(buffer, next_out - base, half)
        next_out += 1


def _smoothed(
    buffer: deque[tuple[T, FaceBox | None]], index: int, half: int
) -> tuple[T, FaceBox | None]:
    payload, box = buffer[index]
    if box is None:
        return payload, None
    run = [box]
    for step in (-1, 1):
        for offset in range(1, half + 1):
            position = index + step * offset
            if not 0 <= position < len(buffer):
                break
            neighbour = buffer[position][1]
            if neighbour is None:
                break
            run.append(neighbour)
    corners = np.array([[b.left, b.top, b.right, b.bottom] for b in run], dtype=np.float64)
    left, top, right, bottom = (round(v) for v in corners.mean(axis=0))
    return payload, FaceBox(left, top, right, bottom)


@lru_cache(maxsize=64)
def feather_mask(width: int, height: int, mouth_from: float = 0.5) -> npt.NDArray[np.float32]:
    """A (height, width, 1) blend weight in [0, 1]: 0 above mouth_from of the box height,
    rising smoothly to 1 over the mouth and chin, fading to 0 at the box's other edges."""
    ys = (np.arange(height, dtype=np.float32) + 0.5) / height
    xs = (np.arange(width, dtype=np.float32) + 0.5) / width
    ramp = 0.12
    vertical = np.clip((ys - mouth_from) / ramp, 0.0, 1.0) * np.clip((1.0 - ys) / 0.06, 0.0, 1.0)
    horizontal = np.clip(np.minimum(xs, 1.0 - xs) / 0.15, 0.0, 1.0)
    # Smoothstep makes the ramps' ends soft, so no seam shows at the mask's edges.
    vertical = vertical * vertical * (3 - 2 * vertical)
    horizontal = horizontal * horizontal * (3 - 2 * horizontal)
    mask = (vertical[:, None] * horizontal[None, :])[:, :, None].astype(np.float32)
    mask.flags.writeable = False  # cached and shared between frames
    return mask
