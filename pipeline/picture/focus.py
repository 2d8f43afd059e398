"""Where a picture's subject is: the largest face's centre, for Ken Burns moves to hold it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from pipeline.media.images import load_rgb
from pipeline.neural.face_detector import detect_face
from pipeline.types import Frame

FOCUS_SIDE_PX = 640
"""Pictures are scaled so their longer side is at most this before faces are looked for."""


@dataclass(frozen=True)
class Focus:
    """A subject's centre in 0..1 of the picture, and the picture's width / height."""

    x: float
    y: float
    aspect: float


def find_focus(path: Path) -> Focus | None:
    """The largest face's centre in the picture at path, or None when it shows no face."""
    return focus_of(load_rgb(path, path.name))


def focus_of(rgb: Frame) -> Focus | None:
    """The largest face's centre in a decoded RGB picture, or None when it shows no face."""
    height, width = rgb.shape[:2]
    scale = min(1.0, FOCUS_SIDE_PX / max(height, width))
    small: Frame = rgb
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    face = detect_face(small)
    if face is None:
        return None
    small_h, small_w = small.shape[:2]
    return Focus(
        x=(face.left + face.right) / 2 / small_w,
        y=(face.top + face.bottom) / 2 / small_h,
        aspect=width / height,
    )
