"""A fast estimate of how long espeak-ng takes to say a sentence, without synthesising it.

The model: seconds at the default pace = (letters + half the combining marks) x a per-language
constant + a pause per comma + a fixed time per digit and per word; other paces scale it by
(default / pace) ** RATE_EXPONENT, and each voice by its own factor. The constants were fitted
by least squares on ``pipeline.speech.samples.CALIBRATION_PASSAGES``;
``python -m pipeline.speech_calibration`` refits them and prints the table.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

MARK_WEIGHT = 0.5
"""How much a combining mark (vowel sign, virama...) counts next to a letter."""

PAUSE_CHARACTERS = ",;:—–、，；،"
"""Characters after which espeak pauses inside a sentence."""

CALIBRATION_WORDS_PER_MINUTE = 160
"""The pace the per-character constants were measured at (tts.DEFAULT_WORDS_PER_MINUTE)."""

SECONDS_PER_UNIT: dict[str, float] = {
    "en": 0.04346,
    "hi": 0.07413,
    "ta": 0.07154,
    "te": 0.09639,
    "kn": 0.08383,
    "ml": 0.07423,
    "bn": 0.07974,
    "mr": 0.08055,
    "gu": 0.08881,
    "pa": 0.07490,
    "es": 0.04426,
    "fr": 0.02973,
    "de": 0.04181,
    "it": 0.04546,
    "pt": 0.04852,
}
"""Seconds of speech per letter (marks count MARK_WEIGHT) at the calibration pace."""

SECONDS_PER_PAUSE = 0.2415
SECONDS_PER_DIGIT = 0.4465
SECONDS_PER_WORD = 0.1132
"""Shared by every language, at the calibration pace."""

RATE_EXPONENT = 1.041
"""Speech time scales as (calibration pace / pace) ** RATE_EXPONENT."""

VOICE_FACTORS: dict[str, float] = {"neutral": 1.0, "male": 0.988, "female": 1.018}
"""Each voice's speech time relative to the neutral voice."""


@dataclass(frozen=True)
class TextCounts:
    """What the model counts in a sentence."""

    units: float
    pauses: int
    digits: int
    words: int


def count(text: str) -> TextCounts:
    """Letters (+ weighted marks), pauses, digits and words of one sentence."""
    units = 0.0
    pauses = digits = 0
    for char in text:
        category = unicodedata.category(char)
        if category.startswith("L"):
            units += 1.0
        elif category.startswith("M"):
            units += MARK_WEIGHT
        elif char.isdigit():
            digits += 1
        elif char in PAUSE_CHARACTERS:
            pauses += 1
    return TextCounts(units, pauses, digits, len(text.split()))


def speech_seconds(text: str, language: str, voice: str, words_per_minute: int) -> float:
    """Estimated seconds of trimmed espeak speech for one sentence."""
    counts = count(text)
    at_calibration_pace = (
        counts.units * SECONDS_PER_UNIT[language]
        + counts.pauses * SECONDS_PER_PAUSE
        + counts.digits * SECONDS_PER_DIGIT
        + counts.words * SECONDS_PER_WORD
    )
    pace = math.pow(CALIBRATION_WORDS_PER_MINUTE / words_per_minute, RATE_EXPONENT)
    return at_calibration_pace * pace * VOICE_FACTORS[voice]
