"""Text pictures: title cards (text on a gradient) and subtitle overlays, any script.

Each is drawn once with Pillow (Raqm shaping) and then reused for every frame it shows in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.picture.fonts import font_for
from pipeline.types import Frame

TITLE_PALETTES: tuple[tuple[tuple[int, int, int], tuple[int, int, int]], ...] = (
    ((24, 32, 72), (112, 48, 96)),
    ((12, 56, 64), (32, 120, 112)),
    ((64, 24, 24), (160, 88, 40)),
    ((20, 20, 36), (72, 64, 128)),
    ((40, 56, 24), (136, 128, 56)),
    ((48, 16, 64), (184, 72, 88)),
)
"""Pairs of (top-left, bottom-right) gradient colours for title cards."""

TITLE_TEXT_COLOUR = (250, 248, 240)
TITLE_SIZE_FRACTION = 0.085
"""Title font size as a fraction of the frame's shorter side."""
TITLE_MIN_SIZE_FRACTION = 0.05
TITLE_MAX_LINES = 3
TITLE_WIDTH_FRACTION = 0.82
"""Widest a title line may be, as a fraction of the frame width."""
TITLE_SHADOW_BLUR_FRACTION = 0.012
VIGNETTE_STRENGTH = 0.35
"""How much the corners of a title card darken (0 none, 1 black)."""

CAPTION_SIZE_FRACTION = 0.055
"""Subtitle font size as a fraction of the frame's shorter side."""
CAPTION_WIDTH_FRACTION = 0.9
CAPTION_MARGIN_FRACTION = 0.06
"""Gap between the last subtitle line and the bottom of the frame, as a fraction of height."""
CAPTION_STROKE_FRACTION = 0.09
"""Outline width as a fraction of the subtitle font size."""
LINE_SPACING = 1.25
"""Line pitch as a multiple of the font size."""
ELLIPSIS = "…"

RgbaImage = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Overlay:
    """An RGBA picture to lay over a frame with its top-left corner at (left, top)."""

    rgba: RgbaImage
    left: int
    top: int


def _text_width(font: ImageFont.FreeTypeFont, text: str) -> float:
    return float(font.getlength(text))


def wrap_text(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Break text into lines no wider than max_width, at spaces where it has them."""
    words = text.split()
    if not words:
        return []
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if _text_width(font, candidate) <= max_width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return [piece for line in lines for piece in _split_overlong(line, font, max_width)]


def _split_overlong(line: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Split a line with no usable spaces (one long word, or CJK text) by characters."""
    if _text_width(font, line) <= max_width:
        return [line]
    pieces: list[str] = []
    current = ""
    for char in line:
        if current and _text_width(font, current + char) > max_width:
            pieces.append(current)
            current = char.lstrip()
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def _fit_lines(
    text: str, font: ImageFont.FreeTypeFont, max_width: float, max_lines: int
) -> list[str]:
    lines = wrap_text(text, font, max_width)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and _text_width(font, last + ELLIPSIS) > max_width:
        last = last[:-1].rstrip()
    kept[-1] = last + ELLIPSIS
    return kept


def _gradient(width: int, height: int, palette_index: int) -> npt.NDArray[np.float32]:
    top, bottom = TITLE_PALETTES[palette_index % len(TITLE_PALETTES)]
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    mix = np.clip(0.65 * ys + 0.35 * xs, 0.0, 1.0)[:, :, None]
    start = np.array(top, dtype=np.float32)
    end = np.array(bottom, dtype=np.float32)
    colour = start + (end - start) * mix
    dx = (xs - 0.5) * 2
    dy = (ys - 0.5) * 2
    vignette = 1.0 - VIGNETTE_STRENGTH * np.clip((dx * dx + dy * dy) / 2, 0.0, 1.0)
    result: npt.NDArray[np.float32] = colour * vignette[:, :, None]
    return result


def title_card(text: str, width: int, height: int, palette_index: int = 0) -> Frame:
    """An RGB title card: text centred in up to three lines on a soft diagonal gradient."""
    background = Image.fromarray(
        np.clip(_gradient(width, height, palette_index), 0, 255).astype(np.uint8)
    )
    shorter = min(width, height)
    max_width = width * TITLE_WIDTH_FRACTION
    size = round(shorter * TITLE_SIZE_FRACTION)
    min_size = max(8, round(shorter * TITLE_MIN_SIZE_FRACTION))
    clean = " ".join(text.split())
    font = font_for(clean, size, bold=True)
    lines = wrap_text(clean, font, max_width)
    while len(lines) > TITLE_MAX_LINES and size > min_size:
        size = max(min_size, round(size * 0.9))
        font = font_for(clean, size, bold=True)
        lines = wrap_text(clean, font, max_width)
    lines = _fit_lines(clean, font, max_width, TITLE_MAX_LINES)
    if not lines:
        return np.asarray(background, dtype=np.uint8)
    pitch = size * LINE_SPACING
    top = (height - pitch * len(lines)) / 2
    shadow = Image.new("L", (width, height), 0)
    text_mask = Image.new("L", (width, height), 0)
    draw_shadow = ImageDraw.Draw(shadow)
    draw_text = ImageDraw.Draw(text_mask)
    offset = max(1, round(size * 0.05))
    for number, line in enumerate(lines):
        centre_y = top + pitch * (number + 0.5)
        anchor_point = (width / 2, centre_y)
        draw_shadow.text(
            (anchor_point[0] + offset, anchor_point[1] + offset),
            line,
            font=font,
            fill=200,
            anchor="mm",
        )
        draw_text.text(anchor_point, line, font=font, fill=255, anchor="mm")
    shadow = shadow.filter(ImageFilter.GaussianBlur(max(1.0, shorter * TITLE_SHADOW_BLUR_FRACTION)))
    card = Image.composite(Image.new("RGB", (width, height), (0, 0, 0)), background, shadow)
    card = Image.composite(Image.new("RGB", (width, height), TITLE_TEXT_COLOUR), card, text_mask)
    return np.asarray(card, dtype=np.uint8)


def caption_overlay(lines: tuple[str, ...] | list[str], width: int, height: int) -> Overlay | None:
    """Subtitle lines as white outlined text, centred near the bottom of a width x height frame.

    The font shrinks when a line would not fit; None when there is no text.
    """
    texts = [line.strip() for line in lines if line.strip()]
    if not texts:
        return None
    shorter = min(width, height)
    size = max(8, round(shorter * CAPTION_SIZE_FRACTION))
    joined = " ".join(texts)
    font = font_for(joined, size)
    widest = max(_text_width(font, text) for text in texts)
    limit = width * CAPTION_WIDTH_FRACTION
    if widest > limit:
        size = max(8, int(size * limit / widest))
        font = font_for(joined, size)
    stroke = max(1, round(size * CAPTION_STROKE_FRACTION))
    pitch = round(size * LINE_SPACING)
    patch_height = pitch * len(texts) + 2 * stroke + size // 2
    patch_width = min(width, int(max(_text_width(font, text) for text in texts)) + 4 * stroke + 8)
    patch_width += patch_width % 2
    patch_height += patch_height % 2
    patch = Image.new("RGBA", (patch_width, patch_height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(patch)
    for number, text in enumerate(texts):
        draw.text(
            (patch_width / 2, stroke + pitch * (number + 0.5) + size * 0.1),
            text,
            font=font,
            fill=(255, 255, 255, 255),
            stroke_width=stroke,
            stroke_fill=(0, 0, 0, 255),
            anchor="mm",
        )
    left = (width - patch_width) // 2
    top = height - round(height * CAPTION_MARGIN_FRACTION) - patch_height
    left -= left % 2
    top -= top % 2
    return Overlay(np.asarray(patch, dtype=np.uint8), max(0, left), max(0, top))
