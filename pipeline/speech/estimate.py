"""A fast estimate of how long espeak-ng takes to say a sentence, without synthesising it.

The model counts the text as it will be spoken (:func:`spoken_form`: symbols and emoji become
the words espeak reads for them), then: seconds at the default pace = (letters + half the
combining marks) x a per-language
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


SILENT_PUNCTUATION = frozenset(
    ".,!?;:'\"()-\u2010\u2013\u2014\u2026\u00ab\u00bb\u201c\u201d\u2018\u2019\u00a1\u00bf\u0964\u0965\u3001\u3002\uff0c\uff1b\u060c"
)
"""Punctuation espeak pauses at or skips. Symbols and other "Po" punctuation (%, &, @, #, *)
are read aloud; brackets, quotes, dashes and connectors are not."""

NAME_FILLER_WORDS = frozenset({"sign", "mark", "symbol", "character"})
"""Words of a Unicode character name that espeak does not say ("percent sign" is "percent")."""


def _read_aloud(char: str) -> bool:
    category = unicodedata.category(char)
    return category.startswith("S") or (category == "Po" and char not in SILENT_PUNCTUATION)


def spoken_form(text: str) -> str:
    """The text with each symbol, emoji or read-aloud punctuation mark replaced by its name.

    espeak-ng says "%" as "percent" and an emoji as its name ("grinning face"): counting them
    as nothing let a text of symbols speak for many times its estimate. The Unicode name is a
    close, slightly long stand-in for what espeak says, so estimates err on the long side.
    """
    if not any(_read_aloud(char) for char in text):
        return text
    pieces: list[str] = []
    for char in text:
        if _read_aloud(char):
            words = unicodedata.name(char, "symbol").lower().split()
            pieces.append(" " + " ".join(w for w in words if w not in NAME_FILLER_WORDS) + " ")
        else:
            pieces.append(char)
    return "".join(pieces)


@dataclass(frozen=True)
class TextCounts:
    """What the model counts in a sentence."""

    units: float
    pauses: int
    digits: int
    words: int


def count(text: str) -> TextCounts:
    """Letters (+ weighted marks), pauses, digits and words of one sentence, as spoken."""
    text = spoken_form(text)
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
