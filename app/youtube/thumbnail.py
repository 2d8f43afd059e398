"""Take a thumbnail from the film: a frame near 10 % of its length as a 1280x720 JPEG < 2 MB."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from app.youtube.errors import PublishInputError

THUMBNAIL_SIZE = (1280, 720)
"""Width and height YouTube recommends for custom thumbnails, in pixels."""
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024
"""YouTube's size limit for a custom thumbnail."""
DEFAULT_POSITION = 0.10
"""Where in the film the thumbnail frame is taken, as a fraction of its duration."""
FALLBACK_POSITIONS = (0.25, 0.5)
"""Where to look next when the first frame is almost black (a fade-in, a title card)."""
DARK_FRAME_MEAN_LUMA = 24.0
"""Mean luma (0-255) below which a frame counts as almost black."""
JPEG_QUALITIES = (90, 80, 70, 60, 50)
"""JPEG qualities tried in turn until the file fits THUMBNAIL_MAX_BYTES."""
ASPECT_TOLERANCE = 0.01
"""A frame within 1 % of 16:9 is scaled; anything else is letterboxed over a blurred copy."""
BACKDROP_BLUR_RADIUS_PX = 24
BACKDROP_BRIGHTNESS = 0.6


def extract_thumbnail(
    video_path: Path,
    output_path: Path,
    *,
    position: float = DEFAULT_POSITION,
    size: tuple[int, int] = THUMBNAIL_SIZE,
) -> Path:
    """Write a JPEG thumbnail of `video_path` to `output_path` and return that path.

    The frame is the first one at `position` (a fraction of the duration) that is not almost
    black, trying FALLBACK_POSITIONS after it, else the brightest of them.
    """
    if not 0.0 <= position < 1.0:
        raise ValueError("The thumbnail position must be a fraction in [0, 1).")
    frame = _pick_frame(video_path, (position, *FALLBACK_POSITIONS))
    image = fit_to_frame(frame, size)
    output_path.write_bytes(encode_jpeg(image, THUMBNAIL_MAX_BYTES))
    return output_path


def fit_to_frame(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """`image` scaled to `size`; another aspect ratio sits centred over a blurred, dimmed fill."""
    width, height = size
    source_aspect = image.width / image.height
    if abs(source_aspect / (width / height) - 1.0) <= ASPECT_TOLERANCE:
        return image.resize(size, Image.Resampling.LANCZOS)
    cover_scale = max(width / image.width, height / image.height)
    cover = image.resize(
        (round(image.width * cover_scale), round(image.height * cover_scale)),
        Image.Resampling.BILINEAR,
    )
    left, top = (cover.width - width) // 2, (cover.height - height) // 2
    backdrop = cover.crop((left, top, left + width, top + height))
    backdrop = backdrop.filter(ImageFilter.GaussianBlur(BACKDROP_BLUR_RADIUS_PX))
    backdrop = ImageEnhance.Brightness(backdrop).enhance(BACKDROP_BRIGHTNESS)
    contain_scale = min(width / image.width, height / image.height)
    inner = image.resize(
        (round(image.width * contain_scale), round(image.height * contain_scale)),
        Image.Resampling.LANCZOS,
    )
    backdrop.paste(inner, ((width - inner.width) // 2, (height - inner.height) // 2))
    return backdrop


def encode_jpeg(image: Image.Image, max_bytes: int) -> bytes:
    """`image` as a JPEG of at most `max_bytes`, at the best quality in JPEG_QUALITIES that fits."""
    for quality in JPEG_QUALITIES:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True)
        if buffer.tell() <= max_bytes:
            return buffer.getvalue()
    raise PublishInputError(
        f"The thumbnail cannot be made smaller than {max_bytes} bytes as a JPEG."
    )


def mean_luma(image: Image.Image) -> float:
    """Average brightness of `image` on the 0-255 luma scale."""
    return float(np.asarray(image.convert("L"), dtype=np.float32).mean())


def _pick_frame(video_path: Path, positions: Sequence[float]) -> Image.Image:
    try:
        container = av.open(str(video_path))
    except (av.error.FFmpegError, OSError) as error:
        raise PublishInputError(f"Cannot read the film {video_path.name} ({error}).") from error
    with container:
        if not container.streams.video:
            raise PublishInputError(f"The film {video_path.name} has no video stream.")
        stream = container.streams.video[0]
        duration_s = _duration_s(container, stream)
        brightest: tuple[float, Image.Image] | None = None
        for fraction in positions:
            image = _frame_at(container, stream, duration_s * fraction)
            if image is None:
                continue
            luma = mean_luma(image)
            if luma >= DARK_FRAME_MEAN_LUMA:
                return image
            if brightest is None or luma > brightest[0]:
                brightest = (luma, image)
    if brightest is None:
        raise PublishInputError(f"The film {video_path.name} has no decodable video frame.")
    return brightest[1]


def _duration_s(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> float:
    if container.duration is not None:
        return float(container.duration) / av.time_base
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return 0.0


def _frame_at(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, time_s: float
) -> Image.Image | None:
    """The first frame shown at or after `time_s` (the last frame if the film ends first)."""
    if stream.time_base is not None and time_s > 0:
        container.seek(int(time_s / stream.time_base), stream=stream, backward=True)
    else:
        container.seek(0, stream=stream)
    last: av.VideoFrame | None = None
    for frame in container.decode(stream):
        last = frame
        if frame.time is None or frame.time >= time_s:
            break
    return Image.fromarray(last.to_ndarray(format="rgb24")) if last is not None else None
