"""The face mesh points the talking-still warp uses, placed on a drawn face (tests only).

pipeline.testing.faces.draw_face draws a head of half-height `size` at (cx, cy); this puts the
mesh's lip, eye, nose and chin points where that drawing has them, and every other point at
the face's centre, so the warp can be tested without the landmark model.
"""

from __future__ import annotations

import numpy as np

from pipeline.picture.talking_still import (
    CHIN,
    EYES,
    LOWER_INNER_LIP,
    MOUTH_CORNERS,
    NOSE_BASE,
    UPPER_INNER_LIP,
)

POINTS = 468


def drawn_face_mesh(cx: float, cy: float, size: float) -> np.ndarray:
    """(468, 2) float32 points for draw_face(..., cx, cy, size)."""
    points = np.tile(np.array([cx, cy], np.float32), (POINTS, 1))
    mouth_y, half_mouth = cy + 0.45 * size, 0.3 * size
    for contour in (UPPER_INNER_LIP, LOWER_INNER_LIP):
        for number, index in enumerate(contour):
            share = number / (len(contour) - 1)
            points[index] = (cx - half_mouth + 2 * half_mouth * share, mouth_y)
    points[MOUTH_CORNERS[0]] = (cx - half_mouth, mouth_y)
    points[MOUTH_CORNERS[1]] = (cx + half_mouth, mouth_y)
    points[NOSE_BASE] = (cx, cy + 0.22 * size)
    points[CHIN] = (cx, cy + size)
    for side, (outer, upper, inner, lower) in zip((-1, 1), EYES, strict=True):
        eye_x, eye_y = cx + side * 0.33 * size, cy - 0.25 * size
        half_w, half_h = 0.17 * size, 0.09 * size
        points[outer] = (eye_x + side * half_w, eye_y)
        points[inner] = (eye_x - side * half_w, eye_y)
        for lid, sign in ((upper, -1), (lower, 1)):
            for number, index in enumerate(lid):
                angle = np.pi * (number + 1) / (len(lid) + 1)
                x = eye_x + side * half_w * np.cos(angle)
                points[index] = (x, eye_y + sign * half_h * np.sin(angle))
    return points
