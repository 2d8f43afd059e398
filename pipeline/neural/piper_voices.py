"""Piper voices: which voice speaks each language and narrator voice, and their registry entries.

The table is data the registry and the piper backend share; voice weights carry their
training data's licence, recorded per voice below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.languages import SUPPORTED_LANGUAGES
from pipeline.neural.model_spec import CommercialUse, ModelFile, ModelSpec, hf_url


@dataclass(frozen=True)
class PiperVoiceChoice:
    """A piper voice file name and, for multi-speaker voices, the speaker to use."""

    model: str
    speaker: str | None = None


PIPER_VOICES: Mapping[str, Mapping[str, PiperVoiceChoice]] = {
    "en": {
        "male": PiperVoiceChoice("en_US-ryan-medium"),
        "female": PiperVoiceChoice("en_US-amy-medium"),
        "neutral": PiperVoiceChoice("en_US-lessac-medium"),
    },
    "hi": {
        "male": PiperVoiceChoice("hi_IN-pratham-medium"),
        "female": PiperVoiceChoice("hi_IN-priyamvada-medium"),
        "neutral": PiperVoiceChoice("hi_IN-rohan-medium"),
    },
    "te": {
        "male": PiperVoiceChoice("te_IN-venkatesh-medium"),
        "female": PiperVoiceChoice("te_IN-padmavathi-medium"),
        "neutral": PiperVoiceChoice("te_IN-maya-medium"),
    },
    "ml": {
        "male": PiperVoiceChoice("ml_IN-arjun-medium"),
        "female": PiperVoiceChoice("ml_IN-meera-medium"),
        "neutral": PiperVoiceChoice("ml_IN-meera-medium"),
    },
    "es": {
        "male": PiperVoiceChoice("es_ES-davefx-medium"),
        "female": PiperVoiceChoice("es_ES-sharvard-medium", speaker="F"),
        "neutral": PiperVoiceChoice("es_ES-sharvard-medium", speaker="M"),
    },
    "fr": {
        "male": PiperVoiceChoice("fr_FR-tom-medium"),
        "female": PiperVoiceChoice("fr_FR-siwis-medium"),
        "neutral": PiperVoiceChoice("fr_FR-upmc-medium"),
    },
    "de": {
        "male": PiperVoiceChoice("de_DE-thorsten-medium"),
        "female": PiperVoiceChoice("de_DE-kerstin-low"),
        "neutral": PiperVoiceChoice("de_DE-thorsten_emotional-medium", speaker="neutral"),
    },
    "it": {
        "male": PiperVoiceChoice("it_IT-riccardo-x_low"),
        "female": PiperVoiceChoice("it_IT-paola-medium"),
        "neutral": PiperVoiceChoice("it_IT-paola-medium"),
    },
}
"""Piper voice per language and narrator voice. Languages without a piper voice for each of
the three narrator voices (e.g. Tamil, Portuguese) are absent: the stage keeps espeak-ng."""

PIPER_REPO = "rhasspy/piper-voices"
PIPER_FOLDER = "piper"
"""All piper voices share one folder, as the piper backend expects (NAME.onnx + .json)."""

PIPER_VOICE_SIZES_MB = {"x_low": 21, "low": 63, "medium": 63, "high": 114}
"""Approximate ONNX file size of a piper voice by quality."""

_NON_COMMERCIAL: CommercialUse = "no"
_COMMERCIAL: CommercialUse = "yes"
_UNKNOWN: CommercialUse = "unknown"
PIPER_VOICE_LICENCES: dict[str, tuple[str, CommercialUse]] = {
    "en_US-lessac-medium": ("Blizzard 2013 Lessac licence (restricted)", _NON_COMMERCIAL),
    "hi_IN-pratham-medium": ("CC-BY-NC-SA-4.0", _NON_COMMERCIAL),
    "hi_IN-priyamvada-medium": ("CC-BY-NC-SA-4.0", _NON_COMMERCIAL),
    "hi_IN-rohan-medium": ("IIT Madras IndicTTS licence (terms unresolved)", _UNKNOWN),
    "te_IN-venkatesh-medium": ("CC-BY-4.0", _COMMERCIAL),
    "te_IN-padmavathi-medium": ("CC-BY-4.0", _COMMERCIAL),
    "te_IN-maya-medium": ("IIT Madras IndicTTS licence (terms unresolved)", _UNKNOWN),
}
"""Voice-weight licences as their MODEL_CARDs state them; voices not listed are "unknown".
The MODEL_CARD is downloaded beside each voice: it is the authority."""


def languages_without_piper_voice() -> dict[str, str]:
    """Studio languages (code -> name) that have no piper voice mapping: their narration
    stays on espeak-ng. Piper's collection has no Tamil, Kannada, Bengali, Marathi, Gujarati
    or Punjabi voice, and only male Portuguese ones."""
    return {
        code: language.name
        for code, language in SUPPORTED_LANGUAGES.items()
        if code not in PIPER_VOICES
    }


def _piper_voice(model: str, language: str) -> ModelSpec:
    locale, speaker, quality = model.split("-", 2)
    remote = f"{locale.split('_')[0]}/{locale}/{speaker}/{quality}"
    licence, commercial = PIPER_VOICE_LICENCES.get(
        model, ("see the voice's MODEL_CARD (depends on its dataset)", "unknown")
    )

    def url(name: str) -> tuple[str, ...]:
        return (hf_url(PIPER_REPO, f"{remote}/{name}"),)

    return ModelSpec(
        name=f"piper-{model}",
        stage="tts",
        backend="piper",
        source=f"hf:{PIPER_REPO} {remote}",
        folder=PIPER_FOLDER,
        files=(
            ModelFile(f"{model}.onnx", url(f"{model}.onnx")),
            ModelFile(f"{model}.onnx.json", url(f"{model}.onnx.json")),
            ModelFile(f"{model}.MODEL_CARD", url("MODEL_CARD"), optional=True),
        ),
        entry=f"{model}.onnx",
        approx_size_mb=PIPER_VOICE_SIZES_MB.get(quality, 63),
        licence=licence,
        commercial_use=commercial,
        licence_note="Piper voices carry their training data's licence; read the MODEL_CARD.",
        language=language,
    )


def piper_specs() -> tuple[ModelSpec, ...]:
    seen: dict[str, ModelSpec] = {}
    for language, voices in PIPER_VOICES.items():
        for choice in voices.values():
            if choice.model not in seen:
                seen[choice.model] = _piper_voice(choice.model, language)
    return tuple(seen.values())
