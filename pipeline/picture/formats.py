"""The frame size of a film from its aspect and resolution names."""

from __future__ import annotations

from pipeline.errors import InputError
from pipeline.types import DEFAULT_FPS, VideoFormat
from pipeline.vocabulary import ASPECT_RATIOS, SHORT_SIDE_PX, Aspect, Resolution


def video_format(
    aspect: Aspect | str = "16:9", resolution: Resolution | str = "720p", fps: int = DEFAULT_FPS
) -> VideoFormat:
    """The frame size for an aspect ('16:9', '9:16', '1:1') and resolution ('720p', '1080p')."""
    if aspect not in ASPECT_RATIOS:
        raise InputError(f"Aspect {aspect} is not supported; use 16:9, 9:16 or 1:1.")
    if resolution not in SHORT_SIDE_PX:
        raise InputError(f"Resolution {resolution} is not supported; use 360p, 720p or 1080p.")
    ratio_w, ratio_h = ASPECT_RATIOS[aspect]
    short = SHORT_SIDE_PX[resolution]
    if ratio_w >= ratio_h:
        width, height = short * ratio_w // ratio_h, short
    else:
        width, height = short, short * ratio_h // ratio_w
    return VideoFormat(width=width - width % 2, height=height - height % 2, fps=fps)


def frame_count(duration_s: float, fps: int) -> int:
    """Number of frames in a film of duration_s at fps."""
    return max(1, round(duration_s * fps))
