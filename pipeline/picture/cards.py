"""The film's opening and end cards: its title over the first picture, and over the last.

The opening card lays the title, on a soft dark band, over the first OPENING_S seconds when
the film opens on a picture (a film opening on a text card keeps that card alone). The end
card darkens the picture after the last spoken word and shows the title again, for at most
END_S seconds and only when at least END_MIN_S of silence is left. Both fade in and out.

Each card is drawn once (Pillow) and blended by a pure function of the frame's index, the
film's length and the end of its speech, so any frame can be drawn on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

from pipeline.media.yuv import FrameBuffer, rgb_to_yuv
from pipeline.picture.fonts import font_for
from pipeline.picture.titles import LINE_SPACING, TITLE_TEXT_COLOUR, wrap_text
from pipeline.types import Timeline

OPENING_S = 3.5
"""How long the title shows over the first picture (fades included)."""
OPENING_SHARE = 0.3
"""The opening card never covers more than this share of the film."""
END_S = 3.0
"""Longest end card."""
END_MIN_S = 1.0
"""Shortest end card: with less silence after the last word there is none."""
END_GAP_S = 0.3
"""Silence kept between the last word and the end card's first frame."""
FADE_IN_S = 0.5
FADE_OUT_S = 0.7
"""Each card fades in and out over these."""
OPENING_SIZE_FRACTION = 0.09
END_SIZE_FRACTION = 0.075
"""Title type size as a fraction of the frame's shorter side."""
TEXT_WIDTH_FRACTION = 0.8
MAX_LINES = 3
BAND_ALPHA = 0.45
"""Darkness of the band behind the opening title (0 clear, 1 black)."""
END_DARKEN = 0.65
"""How far the end card darkens the whole picture."""
LAYER_STRIP_ROWS = 64
"""Rows of a card layer worked out at a time (bounds its float temporaries)."""
SHADOW_BLUR_FRACTION = 0.01

Plane = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class CardTimes:
    """Frames the cards cover: opening [0, opening_end), end [end_first, total)."""

    opening_end: int
    end_first: int
    total: int


def card_times(timeline: Timeline, fps: int, total_frames: int) -> CardTimes:
    """When the cards show: the opening only over a first shot with a picture, the end card
    only when the silence after the last word is long enough."""
    opens_on_picture = bool(timeline.shots) and timeline.shots[0].image is not None
    opening = min(round(OPENING_S * fps), round(OPENING_SHARE * total_frames))
    last_word_s = max((span.end_s for span in timeline.speech), default=0.0)
    end_first = max(round((last_word_s + END_GAP_S) * fps), total_frames - round(END_S * fps))
    if total_frames - end_first < round(END_MIN_S * fps):
        end_first = total_frames
    return CardTimes(opening if opens_on_picture else 0, end_first, total_frames)


@dataclass
class _Layer:
    """A card drawn once: premultiplied-free Y/U/V colour and 0..255 coverage per plane."""

    y: Plane
    u: Plane
    v: Plane
    alpha_y: npt.NDArray[np.float32]
    alpha_c: npt.NDArray[np.float32]
    top: int


class FilmCards:
    """Draws the opening and end cards of one film into its frames."""

    def __init__(self, title: str, timeline: Timeline, width: int, height: int, fps: int,
                 total_frames: int) -> None:  # fmt: skip
        self.times = card_times(timeline, fps, total_frames)
        self._title = " ".join(title.split())
        self._width, self._height, self._fps = width, height, fps
        self._opening: _Layer | None = None
        self._end: _Layer | None = None

    @property
    def title(self) -> str:
        """The title the cards show (spaces collapsed)."""
        return self._title

    def apply(self, index: int, out: FrameBuffer) -> None:
        """Blend the card showing at frame `index` (if any) into out."""
        if not self._title:
            return
        times = self.times
        if index < times.opening_end:
            if self._opening is None:
                self._opening = self._layer(OPENING_SIZE_FRACTION, BAND_ALPHA, full=False)
            _blend(out, self._opening, self._gain(index, 0, times.opening_end))
        elif index >= times.end_first:
            if self._end is None:
                self._end = self._layer(END_SIZE_FRACTION, END_DARKEN, full=True)
            _blend(out, self._end, self._gain(index, times.end_first, times.total, fade_out=False))

    def _gain(self, index: int, first: int, end: int, fade_out: bool = True) -> float:
        fade_in = max(1, round(FADE_IN_S * self._fps))
        fade_out_frames = max(1, round(FADE_OUT_S * self._fps))
        gain = min(1.0, (index - first + 0.5) / fade_in)
        if fade_out:
            gain = min(gain, (end - index - 0.5) / fade_out_frames)
        return max(0.0, gain)

    def _layer(self, size_fraction: float, darken: float, full: bool) -> _Layer:
        rgba = title_layer(self._title, self._width, self._height, size_fraction, darken, full)
        alpha = rgba[:, :, 3]
        rows = np.flatnonzero(alpha.max(axis=1))
        top = int(rows[0]) - int(rows[0]) % 2 if rows.size else 0
        bottom = int(rows[-1]) + 1 if rows.size else 2
        bottom += bottom % 2
        part = np.ascontiguousarray(rgba[top:bottom])
        yuv = rgb_to_yuv(np.ascontiguousarray(part[:, :, :3]))
        half = (yuv.u.shape[1], yuv.u.shape[0])
        chroma_alpha = cv2.resize(part[:, :, 3], half, interpolation=cv2.INTER_AREA)
        return _Layer(
            y=yuv.y,
            u=yuv.u,
            v=yuv.v,
            alpha_y=part[:, :, 3].astype(np.float32) / 255.0,
            alpha_c=chroma_alpha.astype(np.float32) / 255.0,
            top=top,
        )


def title_layer(
    title: str, width: int, height: int, size_fraction: float, darken: float, full: bool
) -> npt.NDArray[np.uint8]:
    """An RGBA layer: the title centred in white with a soft shadow, over a dark band (or,
    with full, over the whole frame darkened by `darken`)."""
    shorter = min(width, height)
    size = max(10, round(shorter * size_fraction))
    font = font_for(title, size, bold=True)
    lines = wrap_text(title, font, width * TEXT_WIDTH_FRACTION)[:MAX_LINES]
    pitch = size * LINE_SPACING
    block = pitch * len(lines)
    top = (height - block) / 2
    rows = np.arange(height, dtype=np.float32)[:, None]
    if full:
        shade = np.full((height, 1), darken, np.float32)
    else:
        centre, reach = height / 2, block / 2 + size * 1.2
        shade = np.clip(1.5 - np.abs(rows - centre) / reach, 0.0, 1.0) * darken
    text = Image.new("L", (width, height), 0)
    shadow = Image.new("L", (width, height), 0)
    draw_text, draw_shadow = ImageDraw.Draw(text), ImageDraw.Draw(shadow)
    offset = max(1, round(size * 0.05))
    for number, line in enumerate(lines):
        point = (width / 2, top + pitch * (number + 0.5))
        draw_shadow.text((point[0] + offset, point[1] + offset), line, font=font, fill=220,
                         anchor="mm")  # fmt: skip
        draw_text.text(point, line, font=font, fill=255, anchor="mm")
    blurred = shadow.filter(ImageFilter.GaussianBlur(max(1.0, shorter * SHADOW_BLUR_FRACTION)))
    return _composed(np.asarray(text), np.asarray(blurred), shade)


def _composed(
    text: npt.NDArray[np.uint8], shadow: npt.NDArray[np.uint8], shade: npt.NDArray[np.float32]
) -> npt.NDArray[np.uint8]:
    """White text over its shadow and the shade (one value per row), as RGBA; worked out in
    strips of rows, so a full-frame card needs a few MB of float temporaries, not 50."""
    height, width = text.shape
    rgba = np.empty((height, width, 4), np.uint8)
    white = np.array(TITLE_TEXT_COLOUR, np.float32)
    for first in range(0, height, LAYER_STRIP_ROWS):
        rows = slice(first, min(height, first + LAYER_STRIP_ROWS))
        text_alpha = text[rows].astype(np.float32) / 255.0
        dark_alpha = np.maximum(shade[rows], shadow[rows].astype(np.float32) / 255.0)
        alpha = text_alpha + dark_alpha * (1.0 - text_alpha)
        safe = np.where(alpha > 0, alpha, 1.0)
        colour = white * (text_alpha / safe)[:, :, None]
        rgba[rows, :, :3] = np.clip(colour, 0, 255).round()
        rgba[rows, :, 3] = np.clip(alpha * 255.0, 0, 255).round()
    return rgba


def _blend(out: FrameBuffer, layer: _Layer, gain: float) -> None:
    if gain <= 0.0:
        return
    height = layer.y.shape[0]
    top = layer.top
    _blend_plane(out.y[top : top + height], layer.y, layer.alpha_y, gain)
    half_top, half_height = top // 2, layer.u.shape[0]
    _blend_plane(out.u[half_top : half_top + half_height], layer.u, layer.alpha_c, gain)
    _blend_plane(out.v[half_top : half_top + half_height], layer.v, layer.alpha_c, gain)


def _blend_plane(region: Plane, colour: Plane, alpha: npt.NDArray[np.float32], gain: float) -> None:
    """region += (colour - region) * alpha * gain, rounded; in place. OpenCV's per-pixel blend
    divides by the sum of its two weights, so weights 1/gain - alpha and alpha give exactly that
    (one float temporary, half the time of the same arithmetic in NumPy)."""
    keep = np.subtract(np.float32(1.0 / gain), alpha)
    cv2.blendLinear(region, colour, keep, alpha, dst=region)
