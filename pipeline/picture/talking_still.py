"""Talking stills without weights: a character's jaw and lips move with their speech, and
their eyes blink, by warping the face mesh's mouth and eye regions of the still.

The mouth: the lower lip, the jaw and the chin move down and the upper lip a little up, each
column of the mouth region shifted vertically by a field that is zero at the region's edges
(the nose, the jaw line, below the chin), so nothing tears at the face's border. Between the
lips the warp splits the picture open (most at the mouth's middle, not at all at its corners)
and the gap is painted as the inside of a mouth. The eyes: the upper lid slides down to the
lower one, squashing the eye between them.

The warped regions are made once per shot for MOUTH_LEVELS openings and EYE_LEVELS
closures (a few milliseconds each) and a frame only copies the two regions it needs into
the still, so a frame costs well under a millisecond and is a pure function of the shot and
its time (mouth_track gives the opening per frame from the speech's loudness).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
import numpy.typing as npt

from pipeline.media.yuv import YuvImage, rgb_to_yuv
from pipeline.types import AudioArray, Frame

MOUTH_LEVELS = 24
EYE_LEVELS = 8
"""Openings / closures made per shot; a frame takes the nearest."""
INVERSE_COLUMNS = 96
"""Columns on which a warp's inverse is solved exactly (the rest are interpolated)."""
JAW_DROP = 0.24
"""The lower lip's drop at full opening, as a share of the lip line to chin distance."""
LIP_RAISE = 0.06
"""The upper lip's rise at full opening, same unit."""
NECK_SHARE = 0.6
"""Below the chin the jaw's drop fades out over this share of the lip-to-chin distance."""
JAW_WIDTH_SHARE = 1.9
"""The jaw moves over this many mouth widths (fading out at its sides)."""
MOUTH_INSIDE_RGB = (52, 18, 22)
TEETH_RGB = (214, 204, 192)
TEETH_SHARE = 0.28
"""The top of an open mouth shows teeth over this share of the gap (when it is wide)."""
TEETH_MIN_GAP_PX = 6.0
"""Teeth show only in a gap at least this tall."""
BROW_SHARE = 0.9
"""Above the upper lid the skin stretches down over this many eye heights."""

ENVELOPE_WINDOW_S = 0.04
"""Loudness is measured over windows this long around each frame."""
SILENCE_BELOW_DB = 26.0
"""Speech this far under the line's loud level keeps the mouth shut."""
OPEN_RANGE_DB = 24.0
"""From the silence level, this many decibels open the mouth fully."""
LOUD_PERCENTILE = 95.0
ATTACK = 0.75
RELEASE = 0.45
"""Per-frame smoothing of the opening: it opens fast and closes a little slower."""

# The 468-point face mesh's indices used here (mediapipe's topology).
UPPER_INNER_LIP = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LOWER_INNER_LIP = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
MOUTH_CORNERS = (61, 291)
NOSE_BASE = 2
CHIN = 152
EYES = (
    # (outer corner, upper lid from outer to inner, inner corner, lower lid from outer to inner)
    (33, (246, 161, 160, 159, 158, 157, 173), 133, (7, 163, 144, 145, 153, 154, 155)),
    (263, (466, 388, 387, 386, 385, 384, 398), 362, (249, 390, 373, 374, 380, 381, 382)),
)

Points = npt.NDArray[np.float32]


@dataclass(frozen=True)
class _Region:
    """A rectangle of the still (even edges) and its pictures, one per level, in Y/U/V."""

    top: int
    left: int
    levels: tuple[YuvImage, ...]


class TalkingStill:
    """A prepared still (the cover fit a Ken Burns move pans over) whose mouth and eyes move.

    points: the face mesh in the still's pixels. frame(opening, blink) returns the still with
    the mouth opened by `opening` and the eyes closed by `blink` (0..1 each); the returned
    picture is reused by the next call (draw it before asking for another).
    """

    def __init__(self, rgb: Frame, points: Points) -> None:
        still = rgb_to_yuv(rgb)
        self._mouth = _mouth_region(rgb, still, points)
        self._eyes = [_eye_region(rgb, still, points, eye) for eye in EYES]
        # Every frame pastes a whole mouth and eye region over the last one, so the still
        # itself is the working picture (no copy of a picture up to 1.5 frames tall).
        self._working = still

    def frame(self, opening: float, blink: float) -> YuvImage:
        """The still with this mouth opening and eye closure (pure in its two arguments)."""
        _paste(self._working, self._mouth, opening)
        for eye in self._eyes:
            _paste(self._working, eye, blink)
        return self._working

    @property
    def mouth_box(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) of the region the mouth's warp changes."""
        region = self._mouth
        height, width = region.levels[0].y.shape
        return region.left, region.top, region.left + width, region.top + height


def _paste(out: YuvImage, region: _Region, amount: float) -> None:
    count = len(region.levels)
    level = region.levels[min(count - 1, max(0, round(amount * (count - 1))))]
    height, width = level.y.shape
    top, left = region.top, region.left
    out.y[top : top + height, left : left + width] = level.y
    out.u[top // 2 : (top + height) // 2, left // 2 : (left + width) // 2] = level.u
    out.v[top // 2 : (top + height) // 2, left // 2 : (left + width) // 2] = level.v


def _box(rgb: Frame, left: float, top: float, right: float, bottom: float) -> tuple[int, ...]:
    height, width = rgb.shape[:2]
    x0 = max(0, int(np.floor(left)) // 2 * 2)
    y0 = max(0, int(np.floor(top)) // 2 * 2)
    x1 = min(width, (int(np.ceil(right)) + 1) // 2 * 2)
    y1 = min(height, (int(np.ceil(bottom)) + 1) // 2 * 2)
    return x0, y0, x1, y1


def _curve(points: Points, indices: tuple[int, ...], columns: npt.NDArray[np.float32]) -> Points:
    """The y of a contour through the given mesh points at each column (flat beyond its ends)."""
    xy = points[list(indices)]
    order = np.argsort(xy[:, 0])
    curve: Points = np.interp(columns, xy[order, 0], xy[order, 1]).astype(np.float32)
    return curve


def _inverse_rows(forward: Points, rows: Points) -> Points:
    """Per column, the source row each output row comes from, given forward[row, column] (the
    output row of each source row; non-decreasing down a column).

    The warps change smoothly from column to column, so the inverse is found on at most
    INVERSE_COLUMNS columns (in one interpolation, each column shifted into its own band of
    values) and interpolated linearly between them."""
    height, width = forward.shape
    count = min(width, INVERSE_COLUMNS)
    position = np.linspace(0.0, width - 1.0, count)
    sampled = np.round(position).astype(np.int64)
    band = 4.0 * height + 4.0  # forward stays within [-height, 2 * height] of its column
    offsets = np.arange(count, dtype=np.float64) * band
    known = (forward[:, sampled].astype(np.float64) + offsets[None, :]).T.ravel()
    wanted = (rows.astype(np.float64)[:, None] + offsets[None, :]).T.ravel()
    inverse = np.interp(wanted, known, np.tile(rows.astype(np.float64), count))
    coarse = inverse.reshape(count, height).T
    if count == width:
        exact: Points = coarse.astype(np.float32)
        return exact
    at = np.interp(np.arange(width, dtype=np.float64), sampled, np.arange(count, dtype=np.float64))
    low = np.minimum(np.floor(at).astype(np.int64), count - 2)
    fraction = at - low
    result: Points = (coarse[:, low] * (1.0 - fraction) + coarse[:, low + 1] * fraction).astype(
        np.float32
    )
    return result


def _mouth_region(rgb: Frame, still: YuvImage, points: Points) -> _Region:
    corner_l, corner_r = points[MOUTH_CORNERS[0]], points[MOUTH_CORNERS[1]]
    centre_x = float(corner_l[0] + corner_r[0]) / 2
    half_mouth = max(2.0, float(abs(corner_r[0] - corner_l[0])) / 2)
    lip_y = float(points[13][1] + points[14][1]) / 2
    nose_y = float(points[NOSE_BASE][1])
    chin_y = float(points[CHIN][1])
    reach = max(4.0, chin_y - lip_y)
    neck = NECK_SHARE * reach
    half_jaw = JAW_WIDTH_SHARE * half_mouth
    x0, y0, x1, y1 = _box(
        rgb, centre_x - half_jaw, min(nose_y, lip_y - 2), centre_x + half_jaw, chin_y + neck
    )
    crop = _Crop(still, x0, y0, x1, y1)
    rows = np.arange(y1 - y0, dtype=np.float32)
    columns = np.arange(x0, x1, dtype=np.float32)
    upper = _curve(points, UPPER_INNER_LIP, columns) - y0
    lower = _curve(points, LOWER_INNER_LIP, columns) - y0
    line = (upper + lower) / 2
    across = np.clip(np.abs(columns - centre_x) / half_mouth, 0.0, 1.0)
    split = np.sqrt(1.0 - across**2)  # the lips part most at the middle, not at the corners
    jaw = _raised_cosine(np.abs(columns - centre_x), half_mouth, half_jaw)
    source = rows[:, None]
    top = max(0.0, nose_y - y0)
    band = max(1.0, reach / 2)
    rise = np.clip((source - top) / np.maximum(line - top, 1.0), 0.0, 1.0)
    below = source - line
    hold = np.clip(1.0 - (source - (chin_y - y0)) / neck, 0.0, 1.0)
    soft = split + (1.0 - split) * np.clip(below / band, 0.0, 1.0)
    levels = []
    for level in range(MOUTH_LEVELS):
        amount = level / (MOUTH_LEVELS - 1)
        up = LIP_RAISE * reach * amount * split
        down = JAW_DROP * reach * amount * jaw
        forward = np.where(below < 0, source - up * rise, source + down * soft * hold)
        map_y = _inverse_rows(forward.astype(np.float32), rows)
        warped = crop.remap(map_y)
        gap_top, gap = line - up, up + down * split
        _paint_inside(warped, rows, gap_top, gap)
        levels.append(warped)
    return _Region(y0, x0, tuple(levels))


def _paint_inside(warped: YuvImage, rows: Points, gap_top: Points, gap: Points) -> None:
    """Paint the opened mouth (dark, with teeth at its top when wide) with soft edges, over
    the band of (even-aligned) rows the gap spans."""
    if float(gap.max()) < 0.5:
        return
    first = max(0, int(np.floor(float(gap_top.min()))) - 2) // 2 * 2
    last = min(len(rows), (int(np.ceil(float((gap_top + gap).max()))) + 3) // 2 * 2)
    band = rows[first:last, None]
    inside = np.clip(np.minimum(band - gap_top + 0.5, gap_top + gap - band + 0.5), 0.0, 1.0)
    inside = np.minimum(inside, np.clip(gap, 0.0, 1.0))
    teeth_depth = np.where(gap >= TEETH_MIN_GAP_PX, gap * TEETH_SHARE, 0.0)
    teeth = np.clip(gap_top + teeth_depth - band, 0.0, 1.0) * inside
    dark, white = _yuv_colour(MOUTH_INSIDE_RGB), _yuv_colour(TEETH_RGB)
    half = (inside.shape[1] // 2, inside.shape[0] // 2)
    inside_half = cv2.resize(inside.astype(np.float32), half, interpolation=cv2.INTER_AREA)
    teeth_half = cv2.resize(teeth.astype(np.float32), half, interpolation=cv2.INTER_AREA)
    planes = (
        (warped.y[first:last], inside, teeth, 0),
        (warped.u[first // 2 : last // 2], inside_half, teeth_half, 1),
        (warped.v[first // 2 : last // 2], inside_half, teeth_half, 2),
    )
    for plane, inside_mask, teeth_mask, channel in planes:
        colour = plane.astype(np.float32)
        colour += (dark[channel] - colour) * inside_mask
        colour += (white[channel] - colour) * teeth_mask
        plane[...] = np.clip(colour + 0.5, 0, 255).astype(np.uint8)


@cache
def _yuv_colour(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    patch = rgb_to_yuv(np.full((2, 2, 3), rgb, np.uint8))
    return float(patch.y[0, 0]), float(patch.u[0, 0]), float(patch.v[0, 0])


class _Crop:
    """An even-edged rectangle of a Y/U/V still, resampled along its columns on demand."""

    def __init__(self, still: YuvImage, x0: int, y0: int, x1: int, y1: int) -> None:
        self.y = np.ascontiguousarray(still.y[y0:y1, x0:x1])
        self.u = np.ascontiguousarray(still.u[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2])
        self.v = np.ascontiguousarray(still.v[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2])
        height, width = self.y.shape
        self._map_x = np.tile(np.arange(width, dtype=np.float32), (height, 1))
        self._map_x_half = np.tile(np.arange(width // 2, dtype=np.float32), (height // 2, 1))

    def remap(self, map_y: Points) -> YuvImage:
        """Output pixel (r, c) from source row map_y[r, c] of column c; chroma rows follow
        the luma map at the chroma pixels' centres."""
        height, width = self.y.shape
        half = (width // 2, height // 2)
        map_y_half = (cv2.resize(map_y, half, interpolation=cv2.INTER_AREA) - 0.5) / 2.0
        border, linear = cv2.BORDER_REPLICATE, cv2.INTER_LINEAR
        return YuvImage(
            _plane(cv2.remap(self.y, self._map_x, map_y, linear, borderMode=border)),
            _plane(cv2.remap(self.u, self._map_x_half, map_y_half, linear, borderMode=border)),
            _plane(cv2.remap(self.v, self._map_x_half, map_y_half, linear, borderMode=border)),
        )


def _plane(values: object) -> npt.NDArray[np.uint8]:
    return np.asarray(values, dtype=np.uint8)


def _eye_region(
    rgb: Frame,
    still: YuvImage,
    points: Points,
    eye: tuple[int, tuple[int, ...], int, tuple[int, ...]],
) -> _Region:
    outer, upper_ids, inner, lower_ids = eye
    corner_a, corner_b = points[outer], points[inner]
    left, right = float(min(corner_a[0], corner_b[0])), float(max(corner_a[0], corner_b[0]))
    lids = points[[*upper_ids, *lower_ids]]
    lid_top, lid_bottom = float(lids[:, 1].min()), float(lids[:, 1].max())
    height = max(2.0, lid_bottom - lid_top)
    x0, y0, x1, y1 = _box(
        rgb, left - 2, lid_top - BROW_SHARE * height - 2, right + 2, lid_bottom + 2
    )
    crop = _Crop(still, x0, y0, x1, y1)
    rows = np.arange(y1 - y0, dtype=np.float32)
    columns = np.arange(x0, x1, dtype=np.float32)
    ends = (np.float32(points[outer][1]), np.float32(points[inner][1]))
    upper = _lid(points, (outer, *upper_ids, inner), columns, left, right, ends) - y0
    lower = _lid(points, (outer, *lower_ids, inner), columns, left, right, ends) - y0
    opening = np.maximum(lower - upper, 0.0)
    brow = upper - BROW_SHARE * height
    source = rows[:, None]
    levels = []
    for level in range(EYE_LEVELS):
        amount = level / (EYE_LEVELS - 1)
        shift = amount * opening
        above = source + shift * np.clip((source - brow) / np.maximum(upper - brow, 1.0), 0, 1)
        between = upper + shift + (source - upper) * (1.0 - amount)
        forward = np.where(source < upper, above, np.where(source < lower, between, source))
        map_y = _inverse_rows(forward.astype(np.float32), rows)
        levels.append(crop.remap(map_y))
    return _Region(y0, x0, tuple(levels))


def _lid(
    points: Points,
    indices: tuple[int, ...],
    columns: Points,
    left: float,
    right: float,
    ends: tuple[np.float32, np.float32],
) -> Points:
    """A lid's y at each column; outside the eye's corners both lids meet at the corners."""
    curve = _curve(points, indices, columns)
    corner = np.interp(columns, [left, right], sorted(ends, key=float)).astype(np.float32)
    return np.where((columns < left) | (columns > right), corner, curve).astype(np.float32)


def _raised_cosine(distance: Points, flat: float, zero: float) -> Points:
    """1 up to `flat`, easing to 0 at `zero`."""
    t = np.clip((distance - flat) / max(zero - flat, 1e-6), 0.0, 1.0)
    eased: Points = (0.5 + 0.5 * np.cos(np.pi * t)).astype(np.float32)
    return eased


def mouth_track(audio: AudioArray, rate: int, fps: int, frames: int) -> Points:
    """The mouth opening (0..1) at each of `frames` frames from the speech placed from the
    shot's first frame: its loudness around each frame against the speech's own loud level,
    opened fast and closed a little slower."""
    opening = np.zeros(frames, np.float32)
    if audio.size == 0 or frames <= 0:
        return opening
    half = max(1, round(ENVELOPE_WINDOW_S * rate / 2))
    squared = np.concatenate([[0.0], np.cumsum(audio.astype(np.float64) ** 2)])
    centres = np.round((np.arange(frames) + 0.5) * rate / fps).astype(np.int64)
    low = np.clip(centres - half, 0, audio.size)
    high = np.clip(centres + half, 0, audio.size)
    energy = (squared[high] - squared[low]) / np.maximum(high - low, 1)
    level_db = 10.0 * np.log10(np.maximum(energy, 1e-12))
    voiced = level_db[energy > 1e-9]
    if voiced.size == 0:
        return opening
    loud = float(np.percentile(voiced, LOUD_PERCENTILE))
    target = np.clip((level_db - (loud - SILENCE_BELOW_DB)) / OPEN_RANGE_DB, 0.0, 1.0)
    value = 0.0
    for index, wanted in enumerate(target):
        rate_of_change = ATTACK if wanted > value else RELEASE
        value += (float(wanted) - value) * rate_of_change
        opening[index] = value
    return opening
