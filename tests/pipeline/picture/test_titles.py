"""Title cards and subtitle overlays: wrapping, fitting and placement."""

from __future__ import annotations

import numpy as np

from pipeline.picture.fonts import font_for
from pipeline.picture.titles import TITLE_MAX_LINES, caption_overlay, title_card, wrap_text


def test_wrap_breaks_at_spaces_within_the_width() -> None:
    font = font_for("words", 30)
    text = "a title that is much too long to sit on one line of a small card"
    lines = wrap_text(text, font, 200)
    assert len(lines) > 1
    assert " ".join(lines) == text
    assert all(font.getlength(line) <= 200 for line in lines)


def test_a_word_wider_than_the_line_is_split_by_characters() -> None:
    font = font_for("x", 30)
    lines = wrap_text("supercalifragilisticexpialidocious", font, 120)
    assert len(lines) > 1
    assert "".join(lines) == "supercalifragilisticexpialidocious"


def test_title_card_is_a_gradient_with_centred_light_text() -> None:
    card = title_card("The beginning", 320, 180, palette_index=2)
    assert card.shape == (180, 320, 3)
    assert card.dtype == np.uint8
    bright = np.argwhere(card.min(axis=2) > 200)
    assert len(bright) > 50
    centre_row, centre_col = bright.mean(axis=0)
    assert abs(centre_row - 90) < 15
    assert abs(centre_col - 160) < 20
    assert not np.array_equal(card[5, 5], card[-5, -5]), "the background is a gradient"


def test_very_long_titles_are_shortened_with_an_ellipsis() -> None:
    words = " ".join(["word"] * 80)
    card = title_card(words, 320, 180)
    assert card.shape == (180, 320, 3)
    font = font_for(words, 14, bold=True)
    assert len(wrap_text(words, font, 320 * 0.82)) > TITLE_MAX_LINES


def test_caption_sits_at_the_bottom_centre_and_fits_the_width() -> None:
    overlay = caption_overlay(("A first subtitle line here", "and the second"), 320, 180)
    assert overlay is not None
    height, width = overlay.rgba.shape[:2]
    assert overlay.top + height <= 180
    assert overlay.top > 90
    assert overlay.left + width <= 320
    assert abs((overlay.left + width / 2) - 160) <= 2
    assert overlay.left % 2 == 0, "aligned to the chroma grid"
    assert overlay.top % 2 == 0, "aligned to the chroma grid"
    long_line = caption_overlay(("x" * 42,), 320, 180)
    assert long_line is not None
    assert long_line.rgba.shape[1] <= 320
    assert caption_overlay(("", "  "), 320, 180) is None
