"""Narration with Indic Parler-TTS: one clip per sentence, in the Indian languages it speaks.

Parler-TTS speaks a transcript in the voice a sentence of English describes. Each studio voice
is one of the model card's recommended speakers for the language (a named speaker keeps the
voice the same from sentence to sentence), or, where the card names none of that kind, a
described voice without a name; neutral takes the language's first recommended speaker. The
pace is said in words (slightly slow, moderate, slightly fast) from the requested words per
minute: the model has no speed control, so clip lengths follow the model, not the plan.

Each sentence is drawn with a seed made from its text, voice and language (a re-render says it
the same way), trimmed to its sound and peak-normalised to -1 dBFS like the other engines.
The model gives no word timings: the narrator adds them by forced alignment with Whisper when
its weights are installed (pipeline.speech.timed_words), else the studio spreads the words over
each clip, as it does for piper. Progress is reported after every decoder position (a callback that raises, such as a
cancelled render's, stops between positions).

Public API:
    LANGUAGES                                   # codes Indic Parler-TTS narrates
    serves(language) -> bool
    model_folder(model_dir) -> Path
    describe(language, voice, words_per_minute) -> str
    synthesize(model, sentences, voice, language, words_per_minute, progress)
        -> list[SpokenSentence]                 # same contract as pipeline.speech.tts
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.errors import BackendUnavailableError, InputError
from pipeline.languages import get_language
from pipeline.neural.torch_device import free_cuda, is_out_of_memory
from pipeline.speech import parler_generate
from pipeline.speech.parler_model import ParlerModel
from pipeline.speech.tts import check_voice, trim_silence
from pipeline.types import ProgressCallback, Sentence, SpokenSentence, no_progress

STAGE = "tts"
FOLDER = "indic-parler-tts"
"""The registry folder (pipeline.neural.registry.INDIC_PARLER_TTS) under MODEL_DIR."""
PEAK_LEVEL = 10 ** (-1.0 / 20)
SLOW_BELOW_WPM = 145
FAST_ABOVE_WPM = 180
"""Paces below and above which the description asks for slightly slow or fast speech."""
MIN_SECONDS = 4.0
SECONDS_PER_CHARACTER = 0.2
"""The longest clip drawn for a sentence: MIN_SECONDS plus this much per character (about
three times a usual pace), so a model that never ends a sentence cannot run on for minutes."""


@dataclass(frozen=True)
class Speakers:
    """The card's recommended speakers of a language by kind (None: the card names none)."""

    male: str | None
    female: str | None


SPEAKERS: Mapping[str, Speakers] = {
    "hi": Speakers("Rohit", "Divya"),
    "ta": Speakers(None, "Jaya"),
    "te": Speakers("Prakash", "Lalitha"),
    "kn": Speakers("Suresh", "Anu"),
    "ml": Speakers("Harish", "Anjali"),
    "bn": Speakers("Arjun", "Aditi"),
    "mr": Speakers("Sanjay", "Sunita"),
    "gu": Speakers("Yash", "Neha"),
}
"""The studio's languages that Indic Parler-TTS officially speaks, with the model card's
recommended speakers (Tamil's are both women). Kokoro narrates none of them in the studio: it
has no voice for the Dravidian and eastern languages and measured worse than espeak-ng in
Hindi (pipeline.speech.kokoro_choice)."""

LANGUAGES: tuple[str, ...] = tuple(SPEAKERS)


def serves(language: str) -> bool:
    """True when Indic Parler-TTS narrates this language under TTS_BACKEND=parler."""
    return get_language(language).code in SPEAKERS


def model_folder(model_dir: Path) -> Path:
    return model_dir / FOLDER


def _pace(words_per_minute: float) -> str:
    if words_per_minute < SLOW_BELOW_WPM:
        return "a slightly slow"
    if words_per_minute > FAST_ABOVE_WPM:
        return "a slightly fast"
    return "a moderate"


def describe(language: str, voice: str, words_per_minute: float) -> str:
    """The voice description for a studio voice in a language at a pace."""
    check_voice(voice)
    code = get_language(language).code
    if code not in SPEAKERS:
        raise InputError(f"Indic Parler-TTS does not narrate {get_language(language).name}.")
    speakers = SPEAKERS[code]
    named = {"male": speakers.male, "female": speakers.female}.get(voice)
    if voice == "neutral":
        named = speakers.male or speakers.female
    who = named if named is not None else f"A {voice} speaker"
    return (
        f"{who} speaks at {_pace(words_per_minute)} pace with a clear, expressive voice. "
        "The recording is very high quality, close up, with no background noise."
    )


def sentence_seed(text: str, voice: str, language: str) -> int:
    """A seed that depends only on what is said and by whom."""
    return zlib.crc32(f"{language}|{voice}|{text}".encode())


def max_frames(model: ParlerModel, text: str) -> int:
    seconds = MIN_SECONDS + SECONDS_PER_CHARACTER * len(text)
    return max(1, round(seconds * model.settings.codec.frame_rate_hz))


def speak(
    model: ParlerModel,
    text: str,
    language: str,
    voice: str,
    words_per_minute: float,
    on_step: parler_generate.StepCallback = parler_generate.ignore_step,
) -> np.ndarray:
    """One sentence: trimmed mono float32 audio at model.sample_rate, peak -1 dBFS."""
    if not text.strip():
        raise InputError("Nothing speakable in an empty sentence.")
    codes = parler_generate.generate_codes(
        model,
        describe(language, voice, words_per_minute),
        text,
        sentence_seed(text, voice, language),
        max_frames(model, text),
        on_step,
    )
    audio = parler_generate.decode(model, codes)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 1e-8:
        audio = audio * np.float32(PEAK_LEVEL / peak)
    return trim_silence(audio.astype(np.float32), model.sample_rate)


def synthesize(
    model: ParlerModel,
    sentences: Sequence[Sentence],
    voice: str,
    language: str,
    words_per_minute: int,
    progress: ProgressCallback = no_progress,
) -> list[SpokenSentence]:
    """Narrate every sentence with Indic Parler-TTS; same result type as
    pipeline.speech.tts.synthesize (without word timings)."""
    check_voice(voice)
    describe(language, voice, words_per_minute)
    spoken: list[SpokenSentence] = []
    total = max(1, len(sentences))
    progress(STAGE, 0.0)
    for done, sentence in enumerate(sentences):

        def on_step(fraction: float, done: int = done) -> None:
            progress(STAGE, (done + fraction) / total)

        audio = _speak_retrying(model, sentence.text, language, voice, words_per_minute, on_step)
        spoken.append(SpokenSentence(sentence=sentence, audio=audio, sample_rate=model.sample_rate))
        progress(STAGE, (done + 1) / total)
    return spoken


def _speak_retrying(
    model: ParlerModel,
    text: str,
    language: str,
    voice: str,
    words_per_minute: float,
    on_step: parler_generate.StepCallback,
) -> np.ndarray:
    """speak(), retried once after giving the CUDA cache back when the GPU runs out of memory
    (a sentence is already the smallest batch); a second failure raises
    BackendUnavailableError so the stage falls back with a warning."""
    for attempt in range(2):
        try:
            return speak(model, text, language, voice, words_per_minute, on_step)
        except (RuntimeError, MemoryError) as error:
            if not is_out_of_memory(error):
                raise
            free_cuda()
            if attempt:
                raise BackendUnavailableError(
                    "Indic Parler-TTS ran out of GPU memory twice on one sentence."
                ) from error
    raise AssertionError("unreachable")
