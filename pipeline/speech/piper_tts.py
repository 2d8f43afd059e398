"""Neural narration with piper voices (VITS exported to ONNX, run by ONNX Runtime).

A voice is two files in the voices folder: ``NAME.onnx`` and ``NAME.onnx.json`` (piper's
config: sample rate, espeak voice, phoneme id map, speakers). Loading and inference go through
the piper-tts package itself (``PiperVoice.load`` / ``PiperVoice.synthesize``); phonemes come
from the espeak-ng library and data that the piper-tts wheel bundles, so nothing is fetched.

The narration rate: piper's ``length_scale`` stretches every phoneme. Each voice's natural
rate is measured once (a fixed calibration sentence at length_scale 1) and the requested
words per minute become ``length_scale = natural_wpm / requested_wpm``.

Public API (what the TTS stage calls; voices_dir = voices_folder(MODEL_DIR)):
    voice_for(language, voice) -> PiperVoiceChoice         # InputError / BackendUnavailableError
    missing_files(voices_dir, language, voice) -> list[str]
    is_available(voices_dir, language, voice) -> bool
    load_voice(model_path, use_cuda=False) -> PiperVoice   # cached per process
    synthesize_sentence(text, language, voice, words_per_minute, voices_dir) -> (audio, rate)
    synthesize(sentences, voice, language, words_per_minute, voices_dir, progress)
        -> list[SpokenSentence]                            # same contract as pipeline.speech.tts
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pipeline.errors import BackendUnavailableError, InputError
from pipeline.neural.piper_voices import PIPER_VOICES, PiperVoiceChoice
from pipeline.neural.weight_files import missing_paths, require_complete
from pipeline.types import (
    AudioArray,
    ProgressCallback,
    Sentence,
    SpokenSentence,
    no_progress,
)
from pipeline.vocabulary import VOICES

if TYPE_CHECKING:
    from piper import PiperVoice

STAGE = "tts"

MIN_LENGTH_SCALE = 0.5
"""Fastest stretch piper is asked for (twice the voice's natural rate)."""
MAX_LENGTH_SCALE = 2.0
"""Slowest stretch piper is asked for (half the voice's natural rate)."""
PEAK_LEVEL = 10 ** (-1.0 / 20)
"""Each sentence is peak-normalised to -1 dBFS (piper's own normalisation goes to 0 dBFS)."""

CALIBRATION_TEXT: Mapping[str, str] = {
    "en": "The quiet river carried the old boat slowly past the sleeping village.",
    "hi": "शांत नदी पुरानी नाव को धीरे धीरे सोते हुए गाँव के पास से ले गई।",
    "te": "నిశ్శబ్దమైన నది పాత పడవను నిద్రపోతున్న గ్రామం దాటి నెమ్మదిగా తీసుకెళ్ళింది.",
    "ml": "ശാന്തമായ നദി പഴയ വള്ളത്തെ ഉറങ്ങുന്ന ഗ്രാമത്തിനരികിലൂടെ പതുക്കെ കൊണ്ടുപോയി.",
    "es": "El río tranquilo llevó el viejo barco despacio junto al pueblo dormido.",
    "fr": "La rivière calme portait lentement le vieux bateau près du village endormi.",
    "de": "Der ruhige Fluss trug das alte Boot langsam am schlafenden Dorf vorbei.",
    "it": "Il fiume tranquillo portava piano la vecchia barca oltre il villaggio addormentato.",
    "pt": "O rio calmo levou o velho barco devagar pela aldeia adormecida.",
}
"""A sentence per language, synthesised once per voice to learn its natural rate."""


_LOAD_LOCK = threading.Lock()


def _language_key(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


def voice_for(language: str, voice: str) -> PiperVoiceChoice:
    """The piper voice for a language and narrator voice.

    InputError for a voice name other than male/female/neutral; BackendUnavailableError when
    piper has no voice for the language.
    """
    if voice not in VOICES:
        raise InputError(f"Voice {voice!r} is not supported; choose one of: {', '.join(VOICES)}.")
    voices = PIPER_VOICES.get(_language_key(language))
    if voices is None:
        raise BackendUnavailableError(f"Piper has no voice for language {language!r}.")
    return voices[voice]


def voices_folder(model_dir: Path) -> Path:
    """Where the registry puts piper voices under MODEL_DIR (all voices share one folder)."""
    from pipeline.neural.piper_voices import PIPER_FOLDER

    return model_dir / PIPER_FOLDER


def voice_paths(voices_dir: Path, model: str) -> tuple[Path, Path]:
    """The ONNX model file and its JSON config for a piper voice name."""
    return voices_dir / f"{model}.onnx", voices_dir / f"{model}.onnx.json"


def missing_files(voices_dir: Path, language: str, voice: str) -> list[str]:
    """Files the voice needs that are absent from voices_dir (empty list: ready to use)."""
    choice = voice_for(language, voice)
    return missing_paths(voices_dir, [f"{choice.model}.onnx", f"{choice.model}.onnx.json"])


def is_available(voices_dir: Path, language: str, voice: str) -> bool:
    """True when piper can narrate this language with this voice from voices_dir."""
    try:
        return not missing_files(voices_dir, language, voice)
    except (BackendUnavailableError, InputError):
        return False


def load_voice(model_path: Path, use_cuda: bool = False) -> PiperVoice:
    """Load a piper voice (ONNX session + config) once per process; later calls share it.

    The ONNX session is read-only after loading, so one voice serves concurrent jobs.
    """
    with _LOAD_LOCK:
        return _load_voice_cached(model_path.resolve(), use_cuda)


@cache
def _load_voice_cached(model_path: Path, use_cuda: bool) -> PiperVoice:
    from piper import PiperVoice

    config_path = model_path.with_name(model_path.name + ".json")
    require_complete(
        model_path.parent,
        missing_paths(model_path.parent, [model_path.name, config_path.name]),
        "Piper voice",
    )
    return PiperVoice.load(model_path, config_path=config_path, use_cuda=use_cuda)


def _speaker_id(piper_voice: PiperVoice, speaker: str | None) -> int | None:
    if speaker is None or piper_voice.config.num_speakers <= 1:
        return None
    speaker_ids = piper_voice.config.speaker_id_map
    if speaker not in speaker_ids:
        raise BackendUnavailableError(
            f"Piper voice has no speaker {speaker!r}; it has {sorted(speaker_ids)}."
        )
    return int(speaker_ids[speaker])


def render_text(
    piper_voice: PiperVoice, text: str, length_scale: float = 1.0, speaker_id: int | None = None
) -> AudioArray:
    """Synthesise text with a loaded voice: mono float32 at the voice's sample rate, peak -1 dBFS.

    Piper splits text into sentences itself; the pieces are joined in order.
    """
    from piper import SynthesisConfig

    config = SynthesisConfig(
        speaker_id=speaker_id, length_scale=length_scale, normalize_audio=False
    )
    pieces = [chunk.audio_float_array for chunk in piper_voice.synthesize(text, syn_config=config)]
    if not pieces:
        raise InputError(f"Nothing speakable in the sentence {text[:60]!r}.")
    audio = np.concatenate(pieces).astype(np.float32)
    audio = np.nan_to_num(audio, nan=0.0, posinf=0.0, neginf=0.0)
    peak = float(np.max(np.abs(audio)))
    if peak > 1e-8:
        audio *= np.float32(PEAK_LEVEL / peak)
    return audio


def natural_words_per_minute(
    model_path: Path, language: str, speaker_id: int | None = None, use_cuda: bool = False
) -> float:
    """How fast a voice speaks at length_scale 1, in words per minute.

    Measured once per voice, language and speaker by synthesising a calibration sentence.
    """
    return _natural_rate_cached(model_path.resolve(), _language_key(language), speaker_id, use_cuda)


@cache
def _natural_rate_cached(
    model_path: Path, language: str, speaker_id: int | None, use_cuda: bool
) -> float:
    piper_voice = load_voice(model_path, use_cuda=use_cuda)
    text = CALIBRATION_TEXT.get(language, CALIBRATION_TEXT["en"])
    audio = render_text(piper_voice, text, 1.0, speaker_id)
    seconds = len(audio) / piper_voice.config.sample_rate
    return len(text.split()) * 60.0 / seconds


def length_scale_for(words_per_minute: float, natural_words_per_minute: float) -> float:
    """Piper's length_scale that turns the voice's natural rate into the requested one."""
    if words_per_minute <= 0:
        raise InputError(
            f"The speaking rate must be positive, got {words_per_minute} words per minute."
        )
    scale = natural_words_per_minute / words_per_minute
    return float(min(MAX_LENGTH_SCALE, max(MIN_LENGTH_SCALE, scale)))


def synthesize_sentence(
    text: str,
    language: str,
    voice: str,
    words_per_minute: float,
    voices_dir: Path,
    use_cuda: bool = False,
) -> tuple[AudioArray, int]:
    """One sentence of narration: (mono float32 audio, sample rate).

    BackendUnavailableError when the voice files are missing (the stage then uses espeak-ng).
    """
    choice = voice_for(language, voice)
    model_path, _ = voice_paths(voices_dir, choice.model)
    require_complete(
        voices_dir, missing_files(voices_dir, language, voice), f"Piper voice {choice.model}"
    )
    piper_voice = load_voice(model_path, use_cuda=use_cuda)
    speaker_id = _speaker_id(piper_voice, choice.speaker)
    natural = natural_words_per_minute(model_path, language, speaker_id, use_cuda)
    scale = length_scale_for(words_per_minute, natural)
    return render_text(piper_voice, text, scale, speaker_id), int(piper_voice.config.sample_rate)


def synthesize(
    sentences: Sequence[Sentence],
    voice: str,
    language: str,
    words_per_minute: int,
    voices_dir: Path,
    progress: ProgressCallback = no_progress,
    use_cuda: bool = False,
) -> list[SpokenSentence]:
    """Narrate every sentence with piper; same result type as pipeline.speech.tts.synthesize."""
    spoken: list[SpokenSentence] = []
    for done, sentence in enumerate(sentences, start=1):
        audio, rate = synthesize_sentence(
            sentence.text, language, voice, words_per_minute, voices_dir, use_cuda=use_cuda
        )
        spoken.append(SpokenSentence(sentence=sentence, audio=audio, sample_rate=rate))
        progress(STAGE, done / len(sentences))
    return spoken
