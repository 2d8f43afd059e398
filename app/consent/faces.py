"""Is there a face in an uploaded image? The lip-sync stage's own OpenCV Haar detector."""

from __future__ import annotations

from pipeline.lipsync.faces import detect_face
from pipeline.media.images import load_rgb


def image_has_face(data: bytes, label: str, max_pixels: int) -> bool:
    """True when the frontal-face cascade finds a face in the image (a blocking call)."""
    return detect_face(load_rgb(data, label, max_pixels)) is not None
