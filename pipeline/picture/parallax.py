"""A two-layer parallax for pictures of people: the person moves a little more than the
background behind them, as if the camera drifted past.

Once per picture: the person is cut out with a segmentation mask (pipeline.neural.
person_segmentation), the hole they leave is filled by OpenCV inpainting (Telea, on a
reduced copy, so only the hole's surroundings matter), and the mask is feathered into an
alpha. Per frame: the background takes the shot's Ken Burns move, the person the same move
plus a small extra shift and zoom, both on an eased (smoothstep) clock, blended by the warped
alpha. A frame is a pure function of the picture's layers, the shot's move and the frame's
progress through the shot. Pictures whose mask is too small or too large keep the plain move.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.media.yuv import FrameBuffer, Plane, YuvImage, rgb_to_yuv
from pipeline.picture.shot_plan import MAX_ZOOM, KenBurns
from pipeline.types import Frame

PERSON_MIN_SHARE = 0.03
PERSON_MAX_SHARE = 0.7
"""A picture is layered only when its person mask covers this share of it."""
MASK_THRESHOLD = 0.5
HOLE_GROW_SHARE = 0.015
"""The hole inpainted behind the person is their mask grown by this share of the shorter side
(so no fringe of them is left on the background)."""
FEATHER_SHARE = 0.004
"""The person's edge is softened over this share of the shorter side."""
INPAINT_SIDE_PX = 400
"""Inpainting runs on a copy whose longer side is this; the result fills only the hole."""
INPAINT_RADIUS_PX = 6
DEPTH_SHIFT = 0.025
"""Over a shot the person slides this share of the frame's width more than the background."""
DEPTH_ZOOM = 0.025
"""... and grows by this much more."""

_WARP_FLAGS = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP


@dataclass(frozen=True)
class PersonLayers:
    """A prepared picture split in two: the background (person inpainted away), the picture
    itself, and the person's alpha at full and chroma resolution."""

    background: YuvImage
    picture: YuvImage
    alpha: Plane
    alpha_half: Plane
    box: tuple[int, int, int, int]
    """(left, top, right, bottom) of the alpha's non-zero pixels in the picture."""


def person_layers(rgb: Frame, mask: npt.NDArray[np.float32]) -> PersonLayers | None:
    """The two layers of a prepared picture, or None when its mask is not a person's."""
    hard = mask > MASK_THRESHOLD
    share = float(hard.mean())
    if not PERSON_MIN_SHARE <= share <= PERSON_MAX_SHARE:
        return None
    height, width = rgb.shape[:2]
    shorter = min(height, width)
    grow = max(1, round(HOLE_GROW_SHARE * shorter))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
    hole = cv2.dilate(hard.astype(np.uint8) * 255, kernel)
    scale = min(1.0, INPAINT_SIDE_PX / max(height, width))
    small_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = cv2.resize(rgb, small_size, interpolation=cv2.INTER_AREA)
    small_hole = cv2.resize(hole, small_size, interpolation=cv2.INTER_NEAREST)
    filled = cv2.inpaint(small, small_hole, INPAINT_RADIUS_PX, cv2.INPAINT_TELEA)
    filled = cv2.resize(filled, (width, height), interpolation=cv2.INTER_LINEAR)
    background = np.where(hole[:, :, None] > 0, filled, rgb).astype(np.uint8)
    feather = max(0.5, FEATHER_SHARE * shorter)
    soft = cv2.GaussianBlur(np.clip(mask, 0.0, 1.0), (0, 0), feather)
    alpha = np.clip(soft * 255.0 + 0.5, 0, 255).astype(np.uint8)
    alpha_half = cv2.resize(alpha, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    rows, columns = np.flatnonzero(alpha.max(axis=1)), np.flatnonzero(alpha.max(axis=0))
    return PersonLayers(
        background=rgb_to_yuv(np.ascontiguousarray(background)),
        picture=rgb_to_yuv(rgb),
        alpha=alpha,
        alpha_half=np.asarray(alpha_half, np.uint8),
        box=(int(columns[0]), int(rows[0]), int(columns[-1]) + 1, int(rows[-1]) + 1),
    )


def eased(progress: float) -> float:
    """Smoothstep: the move starts and ends gently."""
    t = min(1.0, max(0.0, progress))
    return t * t * (3.0 - 2.0 * t)


def draw_parallax(layers: PersonLayers, move: KenBurns, progress: float, out: FrameBuffer) -> None:
    """The frame at progress 0..1 through a shot with this move, into out: the background
    over the whole frame, the person warped and blended only inside their box."""
    clock = eased(progress)
    zoom, x, y = move.at(clock)
    background = layers.background
    luma, chroma = _matrices(background, out.width, out.height, zoom, x, y, 0.0)
    _warp_planes(background, luma, chroma, out.y, out.u, out.v)
    pan = 1.0 if move.x_end >= move.x_start else -1.0
    shift = -pan * DEPTH_SHIFT * out.width * (clock - 0.5)
    person_zoom = zoom * (1.0 + DEPTH_ZOOM * clock)
    luma, chroma = _matrices(layers.picture, out.width, out.height, person_zoom, x, y, shift)
    left, top, right, bottom = _output_box(layers.box, luma, out.width, out.height)
    if right <= left or bottom <= top:
        return
    luma[:, 2] += luma[:, :2] @ np.array([left, top], np.float64)
    chroma[:, 2] += chroma[:, :2] @ np.array([left / 2, top / 2], np.float64)
    width, height = right - left, bottom - top
    person = FrameBuffer(width, height)
    _warp_planes(layers.picture, luma, chroma, person.y, person.u, person.v)
    alpha = np.empty((height, width), np.uint8)
    alpha_half = np.empty((height // 2, width // 2), np.uint8)
    constant = cv2.BORDER_CONSTANT
    cv2.warpAffine(layers.alpha, luma, (width, height), dst=alpha, flags=_WARP_FLAGS,
                   borderMode=constant, borderValue=0)  # fmt: skip
    cv2.warpAffine(layers.alpha_half, chroma, (width // 2, height // 2), dst=alpha_half,
                   flags=_WARP_FLAGS, borderMode=constant, borderValue=0)  # fmt: skip
    _blend(out.y[top:bottom, left:right], person.y, alpha)
    half = (slice(top // 2, bottom // 2), slice(left // 2, right // 2))
    _blend(out.u[half], person.u, alpha_half)
    _blend(out.v[half], person.v, alpha_half)


def _matrices(
    source: YuvImage, out_w: int, out_h: int, zoom: float, x: float, y: float, shift: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Inverse maps (output pixel -> source pixel) for luma and chroma, as
    pipeline.picture.visuals.warp_into, with the picture shifted by `shift` output pixels."""
    scale = zoom / MAX_ZOOM
    view_w, view_h = out_w / scale, out_h / scale
    centre_x = view_w / 2 + x * max(0.0, source.width - view_w) - shift / scale
    centre_y = view_h / 2 + y * max(0.0, source.height - view_h)
    inverse = 1.0 / scale
    luma = np.array(
        [
            [inverse, 0.0, (0.5 - out_w / 2) * inverse + centre_x - 0.5],
            [0.0, inverse, (0.5 - out_h / 2) * inverse + centre_y - 0.5],
        ]
    )
    chroma = np.array(
        [
            [inverse, 0.0, (0.5 - out_w / 4) * inverse + centre_x / 2 - 0.5],
            [0.0, inverse, (0.5 - out_h / 4) * inverse + centre_y / 2 - 0.5],
        ]
    )
    return luma, chroma


def _output_box(
    box: tuple[int, int, int, int], luma: npt.NDArray[np.float64], width: int, height: int
) -> tuple[int, int, int, int]:
    """The source box's place in the output (even edges, inside the frame)."""
    left, top, right, bottom = box
    step = luma[0, 0]
    out_left = (left - luma[0, 2]) / step
    out_right = (right - luma[0, 2]) / step
    out_top = (top - luma[1, 2]) / step
    out_bottom = (bottom - luma[1, 2]) / step
    x0 = max(0, int(np.floor(out_left)) - 2) // 2 * 2
    y0 = max(0, int(np.floor(out_top)) - 2) // 2 * 2
    x1 = min(width, (int(np.ceil(out_right)) + 3) // 2 * 2)
    y1 = min(height, (int(np.ceil(out_bottom)) + 3) // 2 * 2)
    return x0, y0, x1, y1


def _warp_planes(
    source: YuvImage,
    luma: npt.NDArray[np.float64],
    chroma: npt.NDArray[np.float64],
    y_out: Plane,
    u_out: Plane,
    v_out: Plane,
) -> None:
    size = (y_out.shape[1], y_out.shape[0])
    half = (u_out.shape[1], u_out.shape[0])
    border = cv2.BORDER_REPLICATE
    cv2.warpAffine(source.y, luma, size, dst=y_out, flags=_WARP_FLAGS, borderMode=border)
    cv2.warpAffine(source.u, chroma, half, dst=u_out, flags=_WARP_FLAGS, borderMode=border)
    cv2.warpAffine(source.v, chroma, half, dst=v_out, flags=_WARP_FLAGS, borderMode=border)


def _blend(base: Plane, top: Plane, alpha: Plane) -> None:
    """base = base + (top - base) * alpha / 255, in place."""
    mixed = base.astype(np.uint16) * (255 - alpha) + top.astype(np.uint16) * alpha + 127
    np.floor_divide(mixed, 255, out=mixed)
    base[...] = mixed.astype(np.uint8)
