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

MALE_VECTOR = "jm_kumo"
"""The only male style table the packaged model ships."""
FEMALE_VECTOR = "jf_alpha"
"""The female table used where the notebook measured no better one."""


@dataclass(frozen=True)
class KokoroLanguage:
    """What the notebook measured for one language: word error rates (0..1) of the best
    Kokoro voice mean and of espeak-ng's voices mean, and the female table it chose."""

    kokoro_wer: float
    espeak_wer: float
    female: str = FEMALE_VECTOR

    @property
    def beats_espeak(self) -> bool:
        """True when Kokoro's voices were understood better than espeak-ng's."""
        return self.kokoro_wer < self.espeak_wer


MEASURED: dict[str, KokoroLanguage] = {}
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
