"""Fonts for title cards and subtitles: the right family for each script, with real glyphs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.picture import fonts
from pipeline.picture.fonts import font_file_for, font_for, missing_font

SAMPLES = {
    "en": "The quick brown fox jumps over the lazy dog.",
    "hi": "नमस्ते दुनिया, क्षत्रिय और ज्ञान की कहानी।",
    "ta": "வணக்கம் உலகம், இது ஒரு கதை.",
    "te": "నమస్కారం ప్రపంచం, ఇది ఒక కథ.",
    "es": "¿Dónde está el niño? ¡Añejo!",
    "fr": "Où est l'élève ? Ça, c'est très bœuf.",
    "de": "Grüße aus Köln: Straße, Äpfel, Öl.",
}
PRIVATE_USE = "\ue000"
"""A code point no font has: it draws the 'missing glyph' box."""


def _bitmap(text: str, language_text: str) -> np.ndarray:
    font = font_for(language_text, 40)
    image = Image.new("L", (120, 80), 0)
    ImageDraw.Draw(image).text((10, 10), text, font=font, fill=255)
    return np.asarray(image)


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_every_character_of_each_language_has_a_glyph(language: str) -> None:
    text = SAMPLES[language]
    missing = _bitmap(PRIVATE_USE, text)
    assert missing.any(), "the missing-glyph box is visible"
    for char in sorted(set(text) - {" "}):
        assert not np.array_equal(_bitmap(char, text), missing), f"{char!r} ({language}) is missing"


def test_the_font_follows_the_main_script() -> None:
    assert "Devanagari" in font_file_for(SAMPLES["hi"]).name
    assert "Tamil" in font_file_for(SAMPLES["ta"]).name
    assert "Telugu" in font_file_for(SAMPLES["te"]).name
    assert font_file_for(SAMPLES["fr"]).name.startswith("NotoSans[")
    assert "Devanagari" in font_file_for("Chapter 1: नमस्ते").name


def test_bold_titles_are_heavier_than_subtitles() -> None:
    regular = font_for("Title", 60)
    bold = font_for("Title", 60, bold=True)
    ink = []
    for font in (regular, bold):
        image = Image.new("L", (300, 100), 0)
        ImageDraw.Draw(image).text((5, 5), "Title", font=font, fill=255)
        ink.append(np.asarray(image, dtype=np.float64).sum())
    assert ink[1] > ink[0] * 1.15


def test_a_script_without_an_installed_font_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIRS", (Path("/nonexistent"),))
    fonts._system_file.cache_clear()
    try:
        assert missing_font("ನಮಸ್ಕಾರ") == "Kannada"
        assert missing_font(SAMPLES["hi"]) is None
        assert missing_font(SAMPLES["en"]) is None
        assert font_file_for("ನಮಸ್ಕಾರ").name.startswith("NotoSans[")
    finally:
        fonts._system_file.cache_clear()
