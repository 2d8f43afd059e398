"""Scoring narration voices: a recogniser's word error rate and the speaking rate's stability.

What notebooks/10_voices.ipynb measures per language and voice option, so the default narrator
is chosen from numbers. The recognisers are Whisper models packaged on PyPI (the `measure`
extra, pipeline.neural.speech_models): tiny.en for English, base for the other languages,
run by faster-whisper on the CPU. Nothing is fetched.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.neural.packaged import PackagedModel, is_installed, read_file, read_joined
from pipeline.neural.speech_models import WHISPER_BASE, WHISPER_TINY_EN
from pipeline.types import AudioArray

RECOGNISER_RATE = 16_000
"""Whisper listens at 16 kHz."""
RECOGNISER_THREADS = 2


def words_of(text: str) -> list[str]:
    """Lower-case words without punctuation (what a word error rate compares)."""
    cleaned = "".join(
        " " if unicodedata.category(c).startswith(("P", "S")) else c for c in text.lower()
    )
    return [w for w in re.split(r"\s+", cleaned) if w]


def word_errors(reference: Sequence[str], heard: Sequence[str]) -> int:
    """Substitutions + deletions + insertions turning reference into heard (Levenshtein)."""
    previous = list(range(len(heard) + 1))
    for i, word in enumerate(reference, start=1):
        current = [i]
        for j, other in enumerate(heard, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1]


def word_error_rate(references: Sequence[str], heard: Sequence[str]) -> float:
    """Word errors over all sentences divided by the reference word count."""
    errors = sum(
        word_errors(words_of(r), words_of(h)) for r, h in zip(references, heard, strict=True)
    )
    total = sum(len(words_of(r)) for r in references)
    return errors / max(1, total)


def rate_variation(words: Sequence[int], seconds: Sequence[float]) -> float:
    """Coefficient of variation of the words per minute of each sentence (0: perfectly steady)."""
    rates = [60.0 * n / s for n, s in zip(words, seconds, strict=True) if s > 0]
    if len(rates) < 2:
        return 0.0
    return statistics.pstdev(rates) / statistics.fmean(rates)


def resample(audio: AudioArray, rate: int, target: int = RECOGNISER_RATE) -> AudioArray:
    """Linear resampling to the recogniser's rate (enough for recognition)."""
    if rate == target or len(audio) == 0:
        return audio.astype(np.float32)
    count = round(len(audio) * target / rate)
    positions = np.linspace(0, len(audio) - 1, count)
    return np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)


@dataclass(frozen=True)
class Recogniser:
    """A loaded Whisper model and the packaged model it came from."""

    model: Any
    spec: PackagedModel

    def transcribe(self, audio: AudioArray, rate: int, language: str) -> str:
        """The text the recogniser hears in one clip."""
        segments, _ = self.model.transcribe(
            resample(audio, rate), language=language, beam_size=1, vad_filter=False
        )
        return " ".join(segment.text.strip() for segment in segments)


def recogniser_for(language: str) -> PackagedModel:
    """tiny.en for English, base for every other language."""
    return WHISPER_TINY_EN if language == "en" else WHISPER_BASE


def recognisers_installed() -> bool:
    """True when faster-whisper and both packaged models are installed."""
    import importlib.util

    return importlib.util.find_spec("faster_whisper") is not None and all(
        is_installed(spec) for spec in (WHISPER_TINY_EN, WHISPER_BASE)
    )


def _materialise(spec: PackagedModel, folder: Path) -> Path:
    """The model laid out as a CTranslate2 folder (model.bin joined from its parts)."""
    target = folder / spec.name
    target.mkdir(parents=True, exist_ok=True)
    parts = tuple(f.path for f in spec.files if Path(f.path).name.startswith("model.bin"))
    if not (target / "model.bin").is_file():
        (target / "model.bin").write_bytes(read_joined(spec, parts))
    for item in spec.files:
        if item.path not in parts:
            (target / Path(item.path).name).write_bytes(read_file(item))
    return target


def load_recogniser(language: str, cache: Path) -> Recogniser:
    """The recogniser for a language, its files checked and laid out under cache."""
    from faster_whisper import WhisperModel

    spec = recogniser_for(language)
    folder = _materialise(spec, cache)
    model = WhisperModel(
        str(folder), device="cpu", compute_type="int8", cpu_threads=RECOGNISER_THREADS
    )
    return Recogniser(model, spec)
