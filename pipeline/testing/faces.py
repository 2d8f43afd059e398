"""A procedurally drawn face that OpenCV's frontal-face Haar cascade detects.

Drawn for the tests (no photo, no licence): a light oval head on a darker background, dark
brows and eyes, a light nose ridge and a dark mouth, softened with a blur. The cascade keys
on exactly those light/dark bands, and it was checked to fire for face sizes from 40 to
140 px high.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.types import Frame

SKIN = (225, 190, 160)
BACKGROUND = (60, 90, 120)


def draw_face(
    width: int = 320, height: int = 180, cx: int = 160, cy: int = 95, size: int = 50
) -> Frame:
    """An RGB image with one face centred at (cx, cy); size is half the head's height."""
    image = np.full((height, width, 3), BACKGROUND, np.uint8)
    cv2.ellipse(image, (cx, cy), (int(size * 0.75), size), 0, 0, 360, SKIN, -1)
    for side in (-1, 1):
        eye_x = cx + side * int(size * 0.33)
        eye_y = cy - int(size * 0.25)
        brow = (int(size * 0.2), int(size * 0.05))
        cv2.ellipse(image, (eye_x, eye_y - int(size * 0.17)), brow, 0, 0, 360, (70, 50, 40), -1)
        eye = (int(size * 0.17), int(size * 0.09))
        cv2.ellipse(image, (eye_x, eye_y), eye, 0, 0, 360, (40, 30, 30), -1)
    nose_top, nose_bottom = (cx, cy - int(size * 0.1)), (cx, cy + int(size * 0.2))
    cv2.line(image, nose_top, nose_bottom, (190, 150, 130), max(1, size // 15))
    mouth = (int(size * 0.3), int(size * 0.08))
    cv2.ellipse(image, (cx, cy + int(size * 0.45)), mouth, 0, 0, 360, (120, 40, 50), -1)
    return np.ascontiguousarray(cv2.GaussianBlur(image, (0, 0), size / 30))


def blank_image(width: int = 320, height: int = 180) -> Frame:
    """A smooth gradient with no face in it."""
    ramp = np.linspace(40, 200, width, dtype=np.float32)
    image = np.repeat(ramp[None, :, None], height, axis=0).repeat(3, axis=2)
    return image.astype(np.uint8)
