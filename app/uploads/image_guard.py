"""Character images decoded under a memory budget and stored no bigger than a film needs.

A small file can claim a huge picture (a 113 KB PNG of 6300x6300 decodes to over 100 MB, and
more at 16 bits a sample). Before decoding, the header's size, channels and bit depth give the
bytes the decode would take; over the budget, the image is refused. JPEGs are decoded at a
reduced scale (draft mode) when they are larger than needed, and every image is stored shrunk
to fit the largest film frame, so neither the API nor a render ever holds a big one again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from pipeline.errors import InputError
from pipeline.media.images import SUPPORTED_FORMATS

STORED_MAX_SIDE_PX = 1920
"""The longest side a stored image keeps: a 1080p frame is 1920 wide (16:9) or tall (9:16)."""

JPEG_QUALITY = 92
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_BIT_DEPTH_OFFSET = 24
BITS_PER_BYTE = 8
MIB = 1024 * 1024

BYTES_PER_PIXEL: dict[str, int] = {
    "1": 1, "L": 1, "P": 1, "LA": 2, "PA": 2, "La": 2, "I;16": 2, "I;16B": 2, "I;16L": 2,
    "I;16N": 2, "RGB": 3, "YCbCr": 3, "LAB": 3, "HSV": 3, "RGBA": 4, "RGBa": 4, "RGBX": 4,
    "CMYK": 4, "I": 4, "F": 4,
}  # fmt: skip
"""Bytes Pillow holds per pixel in each mode (at least; conversions add a copy)."""


@dataclass(frozen=True)
class ShrunkImage:
    """The bytes to store (the original when already small and upright)."""

    data: bytes
    width: int
    height: int


def decoded_bytes(image: Image.Image, data: bytes) -> int:
    """Bytes a full decode of this image takes, from its header: size x channels x depth."""
    width, height = image.size
    per_pixel = BYTES_PER_PIXEL.get(image.mode, 4)
    if data.startswith(PNG_SIGNATURE) and len(data) > PNG_BIT_DEPTH_OFFSET:
        depth = data[PNG_BIT_DEPTH_OFFSET]  # 16-bit samples are decoded through wider buffers
        per_pixel = max(per_pixel, len(image.getbands()) * max(1, depth // BITS_PER_BYTE))
    return width * height * per_pixel


def shrink_image(data: bytes, name: str, max_pixels: int, max_decoded_bytes: int) -> ShrunkImage:
    """Decode the image within the budget and shrink it to STORED_MAX_SIDE_PX; InputError with
    one sentence for an image that is not usable or would take too much memory."""
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise InputError(
            f"Image {name} has far more pixels than the limit of {max_pixels:,}; scale it down."
        ) from error
    except (UnidentifiedImageError, OSError) as error:
        raise InputError(
            f"Image {name} is not a readable image; use JPEG, PNG, WebP, BMP, GIF or TIFF."
        ) from error
    with image:
        if image.format not in SUPPORTED_FORMATS:
            raise InputError(
                f"Image {name} is in {image.format or 'an unknown'} format; "
                "use JPEG, PNG, WebP, BMP, GIF or TIFF."
            )
        width, height = image.size
        if width * height > max_pixels:
            raise InputError(
                f"Image {name} has {width}x{height} pixels, more than the limit of "
                f"{max_pixels:,} pixels; scale it down."
            )
        original_format = image.format
        if original_format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale when that is enough
            image.draft(image.mode, (STORED_MAX_SIDE_PX, STORED_MAX_SIDE_PX))
        needed = decoded_bytes(image, data)
        if needed > max_decoded_bytes:
            raise InputError(
                f"Image {name} is {width}x{height} pixels and would take {needed / MIB:.0f} MB "
                f"to decode, more than the limit of {max_decoded_bytes / MIB:.0f} MB; "
                "scale it down."
            )
        try:
            image.load()
            rotated = image.getexif().get(ExifTags.Base.Orientation, 1) not in (0, 1)
            upright = ImageOps.exif_transpose(image) if rotated else image
        except (OSError, SyntaxError, ValueError) as error:
            raise InputError(
                f"Image {name} is damaged or truncated and cannot be decoded."
            ) from error
        changed = rotated or upright.size != (width, height)  # draft mode already shrank it
        if max(upright.size) > STORED_MAX_SIDE_PX:
            upright.thumbnail(  # reduce() by whole factors first: small intermediate copies
                (STORED_MAX_SIDE_PX, STORED_MAX_SIDE_PX), Image.Resampling.LANCZOS, reducing_gap=2.0
            )
            changed = True
        if not changed:
            return ShrunkImage(data, width, height)
        return ShrunkImage(_encode(upright, original_format), *upright.size)


def _encode(image: Image.Image, original_format: str | None) -> bytes:
    out = io.BytesIO()
    if original_format == "JPEG" and image.mode in ("RGB", "L", "CMYK"):
        image.save(out, "JPEG", quality=JPEG_QUALITY)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        image.save(out, "PNG")
    return out.getvalue()
