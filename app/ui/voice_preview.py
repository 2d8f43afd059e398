"""Hear the narration voice before generating: the opening sentence of the language's sample
passage, spoken by the renderer's own narrator (Kokoro when the voice extra is installed,
else espeak-ng), kept per voice and language, free and rate limited per creator."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
from anyio import to_thread

from app.config import Settings
from pipeline.neural.fallback import BackendLog
from pipeline.speech.samples import CALIBRATION_PASSAGES
from pipeline.speech.select import Narrator
from pipeline.speech.tts import DEFAULT_WORDS_PER_MINUTE
from pipeline.types import Sentence
from pipeline.vocabulary import TtsBackend

PREVIEW_LANGUAGE_FALLBACK = "en"
MAX_PREVIEW_CHARS = 160
"""Longest preview sentence (a few seconds of speech)."""
PREVIEW_CACHE_SIZE = 96
"""Previews kept in memory: every voice in every language fits."""
INT16_MAX = 32_767
SENTENCE_END = re.compile(r"(?<=[.!?।。॥])\s+")

AudioPreview = tuple[int, np.ndarray]


def preview_text(language: str) -> str:
    """The first sentence of the language's sample passage (English when it has none)."""
    passage = CALIBRATION_PASSAGES.get(language) or CALIBRATION_PASSAGES[PREVIEW_LANGUAGE_FALLBACK]
    return SENTENCE_END.split(passage.strip(), maxsplit=1)[0][:MAX_PREVIEW_CHARS]


@lru_cache(maxsize=4)
def _narrator(
    backend: TtsBackend, model_dir: Path, device: str | None, commercial_only: bool
) -> Narrator:
    return Narrator(backend, model_dir, device, BackendLog(), commercial_only, time_words=False)


@lru_cache(maxsize=PREVIEW_CACHE_SIZE)
def _spoken(
    backend: TtsBackend,
    model_dir: Path,
    device: str | None,
    commercial_only: bool,
    voice: str,
    language: str,
) -> AudioPreview:
    narrator = _narrator(backend, model_dir, device, commercial_only)
    sentence = Sentence(index=0, scene_index=0, text=preview_text(language))
    (clip,) = narrator.speak([sentence], voice, language, DEFAULT_WORDS_PER_MINUTE)
    samples = np.round(np.clip(clip.audio, -1.0, 1.0) * INT16_MAX).astype(np.int16)
    samples.setflags(write=False)
    return clip.sample_rate, samples


async def voice_preview(settings: Settings, voice: str, language: str) -> AudioPreview:
    """(sample rate, int16 mono samples) of the voice reading a sentence in the language,
    with the narrator a render on this studio would use."""
    device = None if settings.neural_device == "auto" else settings.neural_device
    return await to_thread.run_sync(
        _spoken,
        settings.tts_backend,
        settings.resolved_model_dir,
        device,
        settings.commercial_only,
        voice,
        language,
    )


def cached_previews() -> int:
    """How many previews are kept (for tests and metrics)."""
    return _spoken.cache_info().currsize
