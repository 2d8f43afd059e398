"""The Ken Burns view of a still: one plane scaled and moved by a sub-pixel amount, drawn fast.

A frame of a Ken Burns move samples its source at x = a*i + b (and y = a*j + c) for output
pixel (i, j), bilinearly, pixel centres at integer coordinates. OpenCV's `warpAffine` does
this exactly, at about 1.7 ns a pixel. `resize` (separable, SIMD) does the same arithmetic
at under half that cost, but it can only start at a whole source pixel: its column j samples
x0 + (j + 0.5)*a - 0.5 for an integer x0, a fixed sub-pixel phase. The phase it lands on
changes by `a` with every output column it is shifted by, so this module shifts the resize
against the frame by the cheapest amount that brings its phase within PHASE_TOLERANCE_PX of
the move's: it either resizes a few columns more and drops them (`crop`), or starts a few
columns into the frame (`skip`) and lets the exact warp draw those; rows likewise. The scale
is never changed, so the picture keeps its true zoom and every frame is off by at most
PHASE_TOLERANCE_PX (warpAffine itself rounds positions to 1/32 of a pixel). When no shift
fits (a scale within about 1/(MAX_CROP_PX + MAX_SKIP_PX) of 1, or a source that does not
cover the view), the whole plane is drawn by the warp.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.media.yuv import Plane

PHASE_TOLERANCE_PX = 1.0 / 64.0
"""Largest sub-pixel misplacement of the resized part (half of warpAffine's 1/32 px step)."""
MAX_CROP_PX = 128
"""Most extra columns (and rows) resized and dropped to bring the resize into phase."""
MAX_SKIP_PX = 64
"""Most leading columns (and rows) left to the exact warp to bring the resize into phase."""
SKIP_COST = 6.0
"""Cost of a column drawn by the warp against one resized and dropped (measured at 720p)."""

_WARP_FLAGS = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
_SHIFTS = np.arange(-MAX_SKIP_PX, MAX_CROP_PX + 1, dtype=np.float64)
"""Resized column (or row) j lands on output i = j - shift: shift > 0 crops, < 0 skips."""
_SHIFT_COSTS = np.where(_SHIFTS >= 0, _SHIFTS, -_SHIFTS * SKIP_COST)


@dataclass(frozen=True)
class _AxisPlan:
    """Along one axis: the resize's source window [start, start + size), the resized pixels
    dropped before the first one used (crop), and the leading output pixels that the exact
    warp draws instead (skip); one of crop and skip is 0."""

    start: int
    size: int
    crop: int
    skip: int


def _axis_plan(scale: float, offset: float, out_size: int, source_size: int) -> _AxisPlan | None:
    """Where a resize along one axis reproduces x = scale*i + offset within the tolerance."""
    starts = np.rint(offset + 0.5 - (_SHIFTS + 0.5) * scale)
    errors = np.abs(starts + (_SHIFTS + 0.5) * scale - 0.5 - offset)
    fitting = (errors <= PHASE_TOLERANCE_PX) & (starts >= 0)
    if not fitting.any():
        return None
    best = int(np.argmin(np.where(fitting, _SHIFT_COSTS, np.inf)))
    shift = int(_SHIFTS[best])
    start = int(starts[best])
    crop, skip = max(0, shift), max(0, -shift)
    resized = crop + out_size - skip
    size = min(source_size - start, math.ceil((resized + 0.5) * scale) + 1)
    if size < 1 or round(size / scale) < resized:
        return None
    return _AxisPlan(start, size, crop, skip)


class KenBurnsPlane:
    """Draws scaled, sub-pixel-shifted views of planes; holds the resize's scratch memory
    (reused from frame to frame, so drawing allocates nothing)."""

    def __init__(self) -> None:
        self._scratch = np.empty(0, np.uint8)

    def draw(self, source: Plane, scale: float, x: float, y: float, out: Plane) -> None:
        """out[j, i] = source sampled at (scale*i + x, scale*j + y), bilinear, edges repeated."""
        height, width = out.shape
        columns = _axis_plan(scale, x, width, source.shape[1])
        rows = _axis_plan(scale, y, height, source.shape[0])
        if columns is None or rows is None:
            _warp(source, scale, x, y, out)
            return
        window = source[
            rows.start : rows.start + rows.size, columns.start : columns.start + columns.size
        ]
        inverse = 1.0 / scale
        resized_w, resized_h = round(columns.size * inverse), round(rows.size * inverse)
        if self._scratch.size < resized_w * resized_h:
            self._scratch = np.empty(resized_w * resized_h, np.uint8)
        target = self._scratch[: resized_w * resized_h].reshape(resized_h, resized_w)
        resized = cv2.resize(
            window, None, dst=target, fx=inverse, fy=inverse, interpolation=cv2.INTER_LINEAR
        )
        left, top = columns.skip, rows.skip
        out[top:, left:] = resized[
            rows.crop : rows.crop + height - top, columns.crop : columns.crop + width - left
        ]
        if left:
            _warp(source, scale, x, y, out[:, :left])
        if top:
            _warp(source, scale, x + left * scale, y, out[:top, left:])


def _warp(source: Plane, scale: float, x: float, y: float, out: Plane) -> None:
    matrix = np.array([[scale, 0.0, x], [0.0, scale, y]])
    size = (out.shape[1], out.shape[0])
    cv2.warpAffine(
        source, matrix, size, dst=out, flags=_WARP_FLAGS, borderMode=cv2.BORDER_REPLICATE
    )
