"""Face boxes for lip-sync: OpenCV's shipped Haar cascade, padding, smoothing over frames.

Detection runs on a grey, down-scaled copy of the frame (the cascade is scale-invariant and
a small image is much faster); the largest face wins. Boxes are padded so the crop holds the
chin, then smoothed with a centred moving average so the pasted mouth does not jitter.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import import_module
from typing import Any, TypeVar

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.types import Frame

CASCADE_FILE = "haarcascade_frontalface_default.xml"
"""The frontal-face cascade shipped inside opencv-python(-headless) < 5."""
DETECTION_MAX_SIDE_PX = 480
"""Frames are down-scaled so their longer side is at most this before detection."""
MIN_FACE_FRACTION = 0.08
"""Smallest face searched for, as a fraction of the frame's shorter side."""
SCALE_FACTOR = 1.1
"""Cascade pyramid step between scales."""
MIN_NEIGHBOURS = 5
"""Overlapping hits a detection needs; higher means fewer false faces."""
DEFAULT_SMOOTHING_FRAMES = 5
"""Frames in the centred moving average over box corners (Wav2Lip uses 5)."""
MAX_GAP_FRAMES = 12
"""A face lost for at most this many frames keeps its last box (blinks, motion blur)."""

T = TypeVar("T")


@dataclass(frozen=True)
class FaceBox:
    """A face rectangle in pixels: columns left..right-1, rows top..bottom-1."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        """Width in pixels."""
        return self.right - self.left

    @property
    def height(self) -> int:
        """Height in pixels."""
        return self.bottom - self.top


@dataclass(frozen=True)
class FacePadding:
    """Extra margin around a detected face, as fractions of the box's width or height.

    The Haar box runs from the brows to just under the lips, so the default adds room
    below for the chin, which Wav2Lip's crop must contain.
    """

    top: float = 0.0
    bottom: float = 0.18
    left: float = 0.04
    right: float = 0.04


@cache
def _cascade() -> Any:
    folder: str = import_module("cv2.data").haarcascades  # cv2's stubs omit cv2.data
    path = folder + CASCADE_FILE
    classifier = cv2.CascadeClassifier(path)
    if classifier.empty():
        raise RuntimeError(f"OpenCV's face cascade {path} could not be loaded.")
    return classifier


def detect_face(frame: Frame) -> FaceBox | None:
    """The largest frontal face in an RGB frame, or None when there is none."""
    height, width = frame.shape[:2]
    scale = min(1.0, DETECTION_MAX_SIDE_PX / max(height, width))
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    if scale < 1.0:
        grey = cv2.resize(
            grey, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
        )
    min_side = max(12, round(min(grey.shape) * MIN_FACE_FRACTION))
    hits: Any = ()
    # Try the frame as it is, then with its histogram equalised (helps dim or flat lighting).
    for candidate in (grey, cv2.equalizeHist(grey)):
        hits = _cascade().detectMultiScale(
            candidate,
            scaleFactor=SCALE_FACTOR,
            minNeighbors=MIN_NEIGHBOURS,
            minSize=(min_side, min_side),
        )
        if len(hits):
            break
    if len(hits) == 0:
        return None
    x, y, w, h = max((tuple(int(v) for v in hit) for hit in hits), key=lambda r: r[2] * r[3])
    return FaceBox(
        left=round(x / scale),
        top=round(y / scale),
        right=min(width, round((x + w) / scale)),
        bottom=min(height, round((y + h) / scale)),
    )


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
