"""Is there a face in an uploaded image? The studio's face detector (BlazeFace, else Haar)."""

from __future__ import annotations

from pipeline.media.images import load_rgb
from pipeline.neural.face_detector import detect_face


def image_has_face(data: bytes, label: str, max_pixels: int) -> bool:
    """True when a face is found in the image (a blocking call)."""
    return detect_face(load_rgb(data, label, max_pixels)) is not None
