"""Refit the speech-length estimate's constants (pipeline.speech.estimate) on real espeak speech.

``python -m pipeline.speech_calibration`` synthesises the calibration passages of every
language, fits the constants by non-negative least squares and prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls

from pipeline.script.scenes import split_sentences
from pipeline.speech.estimate import CALIBRATION_WORDS_PER_MINUTE, count
from pipeline.speech.samples import CALIBRATION_PASSAGES
from pipeline.speech.tts import speak


@dataclass(frozen=True)
class FittedModel:
    """Constants fitted from real synthesis."""

    seconds_per_unit: dict[str, float]
    seconds_per_pause: float
    seconds_per_digit: float
    seconds_per_word: float


def fit(passages: dict[str, str], voice: str = "neutral") -> FittedModel:
    """Fit the model's constants by non-negative least squares on real espeak speech."""
    languages = sorted(passages)
    rows: list[list[float]] = []
    seconds: list[float] = []
    for language in languages:
        for sentence in split_sentences(passages[language]):
            counts = count(sentence)
            row = [0.0] * len(languages)
            row[languages.index(language)] = counts.units
            rows.append([*row, counts.pauses, counts.digits, counts.words])
            clip = speak(sentence, voice, language, CALIBRATION_WORDS_PER_MINUTE)
            seconds.append(len(clip.audio) / clip.sample_rate)
    solution, _ = nnls(np.array(rows), np.array(seconds))
    per_unit = {language: float(solution[i]) for i, language in enumerate(languages)}
    pause, digit, word = (float(value) for value in solution[len(languages) :])
    return FittedModel(per_unit, pause, digit, word)


def main() -> None:
    """Refit the constants on the calibration passages and print them."""
    model = fit(CALIBRATION_PASSAGES)
    for language, value in model.seconds_per_unit.items():
        print(f'    "{language}": {value:.5f},')
    print(f"SECONDS_PER_PAUSE = {model.seconds_per_pause:.4f}")
    print(f"SECONDS_PER_DIGIT = {model.seconds_per_digit:.4f}")
    print(f"SECONDS_PER_WORD = {model.seconds_per_word:.4f}")


if __name__ == "__main__":
    main()
