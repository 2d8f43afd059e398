"""RGB <-> planar YUV 4:2:0 (BT.709, TV range), the pixel format the encoder takes as is.

Frames are built straight in this format so ffmpeg does no conversion: one contiguous buffer
holds the full-size Y plane followed by the half-size U and V planes (ffmpeg's `yuv420p`).
Chroma samples sit at the centre of each 2x2 luma block.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.types import Frame

KR = 0.2126
"""BT.709 red weight in luma."""
KB = 0.0722
"""BT.709 blue weight in luma."""
KG = 1.0 - KR - KB

LUMA_BLACK = 16
"""TV-range code of black in Y."""
LUMA_RANGE = 219
"""TV-range span of Y codes (16..235)."""
CHROMA_ZERO = 128
"""Code of zero colour difference in U and V."""
CHROMA_RANGE = 224
"""TV-range span of U/V codes (16..240)."""

STRIP_ROWS = 128
"""Rows converted at a time (even)."""

Plane = npt.NDArray[np.uint8]

_RGB_TO_YUV = np.array(
    [
        [KR * LUMA_RANGE / 255, KG * LUMA_RANGE / 255, KB * LUMA_RANGE / 255, LUMA_BLACK],
        [
            -KR / (2 * (1 - KB)) * CHROMA_RANGE / 255,
            -KG / (2 * (1 - KB)) * CHROMA_RANGE / 255,
            0.5 * CHROMA_RANGE / 255,
            CHROMA_ZERO,
        ],
        [
            0.5 * CHROMA_RANGE / 255,
            -KG / (2 * (1 - KR)) * CHROMA_RANGE / 255,
            -KB / (2 * (1 - KR)) * CHROMA_RANGE / 255,
            CHROMA_ZERO,
        ],
    ],
    dtype=np.float32,
)


@dataclass(frozen=True)
class YuvImage:
    """A picture as three planes: y (h, w), u and v (h/2, w/2); width and height are even."""

    y: Plane
    u: Plane
    v: Plane

    @property
    def width(self) -> int:
        """Width of the luma plane in pixels."""
        return int(self.y.shape[1])

    @property
    def height(self) -> int:
        """Height of the luma plane in pixels."""
        return int(self.y.shape[0])


class FrameBuffer:
    """One yuv420p frame in a single contiguous byte buffer, with writable plane views."""

    def __init__(self, width: int, height: int) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"Frame size {width}x{height} must be even in both directions.")
        self.width = width
        self.height = height
        luma = width * height
        chroma = luma // 4
        self.data: Plane = np.empty(luma + 2 * chroma, dtype=np.uint8)
        self.y: Plane = self.data[:luma].reshape(height, width)
        self.u: Plane = self.data[luma : luma + chroma].reshape(height // 2, width // 2)
        self.v: Plane = self.data[luma + chroma :].reshape(height // 2, width // 2)

    def fill(self, image: YuvImage) -> None:
        """Copy a same-sized picture into this buffer."""
        np.copyto(self.y, image.y)
        np.copyto(self.u, image.u)
        np.copyto(self.v, image.v)

    def as_image(self) -> YuvImage:
        """The planes of this buffer (views, not copies)."""
        return YuvImage(self.y, self.u, self.v)


def frame_bytes(width: int, height: int) -> int:
    """Size in bytes of one yuv420p frame."""
    return width * height * 3 // 2


def rgb_to_yuv(rgb: Frame) -> YuvImage:
    """Convert an RGB image with even sides to BT.709 TV-range 4:2:0 planes.

    Works in strips of rows so a large picture needs little temporary memory.
    """
    height, width = rgb.shape[:2]
    if width % 2 or height % 2:
        raise ValueError(f"Image size {width}x{height} must be even in both directions.")
    y = np.empty((height, width), np.uint8)
    u = np.empty((height // 2, width // 2), np.uint8)
    v = np.empty((height // 2, width // 2), np.uint8)
    for top in range(0, height, STRIP_ROWS):
        bottom = min(height, top + STRIP_ROWS)
        strip = cv2.transform(rgb[top:bottom].astype(np.float32), _RGB_TO_YUV)
        y[top:bottom] = np.clip(strip[:, :, 0] + 0.5, 0, 255)
        chroma = cv2.resize(
            np.ascontiguousarray(strip[:, :, 1:]),
            (width // 2, (bottom - top) // 2),
            interpolation=cv2.INTER_AREA,
        )
        u[top // 2 : bottom // 2] = np.clip(chroma[:, :, 0] + 0.5, 0, 255)
        v[top // 2 : bottom // 2] = np.clip(chroma[:, :, 1] + 0.5, 0, 255)
    return YuvImage(y, u, v)


def yuv_to_rgb(image: YuvImage) -> Frame:
    """Convert 4:2:0 BT.709 TV-range planes back to RGB (for previews, notebooks and tests)."""
    height, width = image.height, image.width
    y = (image.y.astype(np.float32) - LUMA_BLACK) * (255 / LUMA_RANGE)
    planar = np.dstack([image.u, image.v]).astype(np.float32)
    chroma = cv2.resize(planar, (width, height), interpolation=cv2.INTER_LINEAR)
    cb = (chroma[:, :, 0] - CHROMA_ZERO) * (255 / CHROMA_RANGE)
    cr = (chroma[:, :, 1] - CHROMA_ZERO) * (255 / CHROMA_RANGE)
    r = y + 2 * (1 - KR) * cr
    b = y + 2 * (1 - KB) * cb
    g = (y - KR * r - KB * b) / KG
    rgb = np.dstack([r, g, b])
    return np.clip(rgb + 0.5, 0, 255).astype(np.uint8)


def split_frame(data: Plane, width: int, height: int) -> YuvImage:
    """View a contiguous yuv420p frame buffer as its three planes."""
    luma = width * height
    chroma = luma // 4
    return YuvImage(
        data[:luma].reshape(height, width),
        data[luma : luma + chroma].reshape(height // 2, width // 2),
        data[luma + chroma : luma + 2 * chroma].reshape(height // 2, width // 2),
    )
