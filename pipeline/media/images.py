"""Safe loading of user images: type, size and pixel-count checks, any mode to RGB."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from pipeline.errors import InputError
from pipeline.types import Frame

MAX_IMAGE_PIXELS = 40_000_000
"""Largest accepted image area in pixels (about 8K x 5K); bigger ones are refused as bombs."""

MIN_IMAGE_SIDE_PX = 16
"""Smallest accepted width or height in pixels."""

SUPPORTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "BMP", "GIF", "TIFF"})
"""Pillow format names accepted for character images."""

FORMAT_EXTENSIONS = {
    "JPEG": ".jpg",
    "PNG": ".png",
    "WEBP": ".webp",
    "BMP": ".bmp",
    "GIF": ".gif",
    "TIFF": ".tif",
}
"""The file extension to store each accepted format under."""


@dataclass(frozen=True)
class ImageInfo:
    """What a quick header check learned about an image."""

    format: str
    width: int
    height: int
    mode: str

    @property
    def extension(self) -> str:
        """The file extension matching the image's real format."""
        return FORMAT_EXTENSIONS[self.format]


def _open(source: Path | bytes, name: str) -> Image.Image:
    try:
        if isinstance(source, bytes):
            return Image.open(io.BytesIO(source))
        return Image.open(source)
    except FileNotFoundError as error:
        raise InputError(f"Image {name} does not exist.") from error
    except Image.DecompressionBombError as error:
        raise InputError(
            f"Image {name} has far more pixels than the limit of {MAX_IMAGE_PIXELS:,}; "
            "scale it down."
        ) from error
    except (UnidentifiedImageError, OSError) as error:
        raise InputError(
            f"Image {name} is not a readable image; use JPEG, PNG, WebP, BMP, GIF or TIFF."
        ) from error


def _check(image: Image.Image, name: str, max_pixels: int) -> ImageInfo:
    fmt = image.format or ""
    if fmt not in SUPPORTED_FORMATS:
        raise InputError(
            f"Image {name} is in {fmt or 'an unknown'} format; use JPEG, PNG, WebP, BMP, GIF or TIFF."
        )
    width, height = image.size
    if width * height > max_pixels:
        raise InputError(
            f"Image {name} has {width}x{height} pixels, more than the limit of "
            f"{max_pixels:,} pixels; scale it down."
        )
    if min(width, height) < MIN_IMAGE_SIDE_PX:
        raise InputError(
            f"Image {name} is {width}x{height} pixels; each side must be at least "
            f"{MIN_IMAGE_SIDE_PX} pixels."
        )
    return ImageInfo(format=fmt, width=width, height=height, mode=image.mode)


def inspect_image(
    source: Path | bytes, name: str = "", max_pixels: int = MAX_IMAGE_PIXELS
) -> ImageInfo:
    """Check an image's format, size and pixel count, and decode it fully to prove it is intact.

    Raises InputError with one sentence naming the problem.
    """
    return _decode(source, name, max_pixels)[0]


def load_rgb(source: Path | bytes, name: str = "", max_pixels: int = MAX_IMAGE_PIXELS) -> Frame:
    """Decode an image to an RGB uint8 array (EXIF rotation applied, alpha over white, CMYK
    and palette converted). Raises InputError for anything that is not a usable image."""
    return _decode(source, name, max_pixels)[1]


def _decode(source: Path | bytes, name: str, max_pixels: int) -> tuple[ImageInfo, Frame]:
    label = name or (source.name if isinstance(source, Path) else "upload")
    with _open(source, label) as image:
        info = _check(image, label, max_pixels)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image.load()
                ImageOps.exif_transpose(image, in_place=True)  # no copy of an upright picture
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
            raise InputError(
                f"Image {label} is damaged or truncated and cannot be decoded."
            ) from error
        return info, _to_rgb_array(image)


def _to_rgb_array(image: Image.Image) -> Frame:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))
