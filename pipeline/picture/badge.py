"""The visible "AI-generated" disclosure: a badge in the frame's top-right corner."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from pipeline.picture.fonts import font_for
from pipeline.picture.titles import Overlay

AI_LABEL_TEXT = "AI-generated"
AI_LABEL_SECONDS = 5.0
"""How long the badge shows from the film's first frame."""
BADGE_SIZE_FRACTION = 0.04
"""Badge text height as a fraction of the frame's shorter side."""
MIN_BADGE_FONT_PX = 9
BADGE_MARGIN_FRACTION = 0.03
"""Gap between the badge and the frame's top and right edges, of the shorter side."""
BADGE_PADDING = 0.45
"""Padding around the text, as a multiple of the font size."""
BADGE_FILL = (0, 0, 0, 170)
"""A translucent dark plate, so the white text reads on any picture."""
TEXT_FILL = (255, 255, 255, 255)


def badge_overlay(width: int, height: int, text: str = AI_LABEL_TEXT) -> Overlay:
    """White text on a rounded translucent plate, placed at the top right of the frame."""
    shorter = min(width, height)
    size = max(MIN_BADGE_FONT_PX, round(shorter * BADGE_SIZE_FRACTION))
    font = font_for(text, size)
    left_px, top_px, right_px, bottom_px = (round(edge) for edge in font.getbbox(text))
    pad = max(2, round(size * BADGE_PADDING))
    plate_width = right_px - left_px + 2 * pad
    plate_height = bottom_px - top_px + 2 * pad
    plate_width += plate_width % 2
    plate_height += plate_height % 2
    plate = Image.new("RGBA", (plate_width, plate_height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(plate)
    draw.rounded_rectangle((0, 0, plate_width - 1, plate_height - 1), radius=pad, fill=BADGE_FILL)
    draw.text((pad - left_px, pad - top_px), text, font=font, fill=TEXT_FILL)
    margin = round(shorter * BADGE_MARGIN_FRACTION)
    left = width - margin - plate_width
    top = margin
    left -= left % 2
    top -= top % 2
    return Overlay(np.asarray(plate, dtype=np.uint8), max(0, left), max(0, top))
